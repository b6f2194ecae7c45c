import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeadLetterReason, Outcome } from '../common/outcome';
import type { PartitionProgress } from '../pipeline/partition-progress';
import type { PipelineObserver } from '../pipeline/pipeline-observer';

/** Where a partition stood after its last durable chunk. */
interface PartitionPosition {
  lag: number;
  /** Record timestamp of the last durable record; unknown until a first chunk is durable. */
  lastTimestampMs?: number;
}

/** Prometheus metrics of the worker, fed through the pipeline's observer interface. */
export class WorkerMetrics implements PipelineObserver {
  readonly registry = new Registry();
  /** True while writes succeed (false from a failed write until the next success). */
  databaseOk = true;
  /** Per `topic/partition` key, for the lag in seconds computed at each scrape. */
  private readonly positions = new Map<string, PartitionPosition & { topic: string; partition: number }>();

  private readonly events = new Counter({
    name: 'worker_events_total',
    help: 'Records handled, by event type and outcome (applied, stale, missing, tombstone, dead_lettered)',
    labelNames: ['event_type', 'outcome'],
    registers: [this.registry],
  });
  private readonly deadLetters = new Counter({
    name: 'worker_dead_letters_total',
    help: 'Records sent to the dead-letter topic, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly chunkSize = new Histogram({
    name: 'worker_chunk_size',
    help: 'Records per written chunk',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
    registers: [this.registry],
  });
  private readonly writeDuration = new Histogram({
    name: 'worker_write_duration_seconds',
    help: 'Time to make one chunk durable (writes and dead letters, retries included)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'worker_retries_total',
    help: 'Retries after transient failures, by target (database, dead_letter)',
    labelNames: ['target'],
    registers: [this.registry],
  });
  private readonly consumerLag = new Gauge({
    name: 'worker_consumer_lag',
    help: 'Messages between the last processed offset and the end of the partition',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  private readonly dbUp = new Gauge({
    name: 'worker_database_up',
    help: '1 while database writes succeed, 0 while they are being retried',
    registers: [this.registry],
  });
  private readonly dbReadOnly = new Gauge({
    name: 'worker_database_read_only',
    help: '1 while database writes are being retried because the server is read-only (a failover)',
    registers: [this.registry],
  });
  private readonly rejections = new Gauge({
    name: 'worker_consecutive_rejections',
    help: 'Records the database rejected in a row with the same error, none accepted since',
    registers: [this.registry],
  });
  private readonly lagSeconds: Gauge;

  constructor(progress?: PartitionProgress, rejectionStormLimit?: number) {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which `promtool check metrics` rejects; the same counts remain
    // per type in nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      this.registry.removeSingleMetric(name);
    this.dbUp.set(1);
    this.dbReadOnly.set(0);
    this.rejections.set(0);
    const positions = this.positions;
    this.lagSeconds = new Gauge({
      name: 'worker_consumer_lag_seconds',
      help: 'Now minus the record timestamp of the last processed record of the partition; 0 when caught up',
      labelNames: ['topic', 'partition'],
      registers: [this.registry],
      collect() {
        const now = Date.now();
        for (const p of positions.values()) {
          if (p.lastTimestampMs === undefined) continue;
          const seconds = p.lag > 0 ? Math.max(0, (now - p.lastTimestampMs) / 1000) : 0;
          this.set({ topic: p.topic, partition: String(p.partition) }, seconds);
        }
      },
    });
    new Gauge({
      name: 'worker_partition_stalled_seconds',
      help: 'How long each partition with records in hand has gone without a durable chunk',
      labelNames: ['topic', 'partition'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const w of progress?.waiting() ?? []) {
          this.set({ topic: w.topic, partition: String(w.partition) }, w.forMs / 1000);
        }
      },
    });
    if (rejectionStormLimit !== undefined) {
      new Gauge({
        name: 'worker_rejection_storm_limit',
        help: 'REJECTION_STORM_LIMIT: consecutive same-error rejections after which the worker stops',
        registers: [this.registry],
      }).set(rejectionStormLimit);
    }
  }

  recordDone(outcome: Outcome, eventType: string | undefined, reason: DeadLetterReason | undefined): void {
    this.events.inc({ event_type: eventType ?? 'unknown', outcome });
    if (reason) this.deadLetters.inc({ reason });
  }

  chunkDone(size: number, writeSeconds: number): void {
    this.chunkSize.observe(size);
    this.writeDuration.observe(writeSeconds);
  }

  retried(target: 'database' | 'dead_letter'): void {
    this.retries.inc({ target });
  }

  databaseHealthy(healthy: boolean, readOnly = false): void {
    this.databaseOk = healthy;
    this.dbUp.set(healthy ? 1 : 0);
    this.dbReadOnly.set(!healthy && readOnly ? 1 : 0);
  }

  rejectionStreak(count: number): void {
    this.rejections.set(count);
  }

  lag(topic: string, partition: number, lag: number, lastTimestampMs?: number): void {
    this.consumerLag.set({ topic, partition: String(partition) }, lag);
    const key = `${topic}/${partition}`;
    const at = lastTimestampMs ?? this.positions.get(key)?.lastTimestampMs;
    this.positions.set(key, { topic, partition, lag, ...(at !== undefined && { lastTimestampMs: at }) });
  }

  assigned(topic: string, partitions: readonly number[]): void {
    for (const [key, p] of this.positions) {
      if (p.topic !== topic || partitions.includes(p.partition)) continue;
      this.positions.delete(key);
      const labels = { topic, partition: String(p.partition) };
      this.consumerLag.remove(labels);
      this.lagSeconds.remove(labels);
    }
  }
}

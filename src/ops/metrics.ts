import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PipelineObserver } from '../pipeline/pipeline-observer';

/** Prometheus metrics of the worker, fed through the pipeline's observer interface. */
export class WorkerMetrics implements PipelineObserver {
  readonly registry = new Registry();
  /** True while writes succeed (false from a failed write until the next success). */
  databaseOk = true;

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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.dbUp.set(1);
  }

  recordDone(outcome: string, eventType: string | undefined, reason: string | undefined): void {
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

  databaseHealthy(healthy: boolean): void {
    this.databaseOk = healthy;
    this.dbUp.set(healthy ? 1 : 0);
  }

  lag(topic: string, partition: number, lag: number): void {
    this.consumerLag.set({ topic, partition: String(partition) }, lag);
  }
}

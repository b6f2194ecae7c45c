/** Steady-rate mode: produce at R events/s while the worker runs; latency from produce to commit. */
import type { Admin, Kafka } from 'kafkajs';
import { uniqueName } from '../test/support/services';
import { TestDatabase } from '../test/support/test-database';
import { committedOffsets, type Offsets } from './kafka-io';
import { RateProducer, type SentRange } from './rate-producer';
import type { BenchStream } from './stream';
import { checkTable, type TableCheck } from './table-check';
import { BenchWorker } from './worker-run';

/** Latency figures of a steady-rate run, in milliseconds. */
export interface LatencyFigure {
  targetRate: number;
  achievedRate: number;
  events: number;
  /** Seconds at the start of producing left out of p50Ms, p99Ms and maxMs. */
  warmupSeconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 and max over the whole run, warm-up included. */
  p99AllMs: number;
  maxAllMs: number;
  peakRssMb: number | null;
  table: TableCheck;
  warnings: string[];
  /** How many warn-or-worse lines the worker logged (e.g. deadlock retries). */
  warningCount: number;
}

type Sample = { ms: number; count: number };

/** The q-quantile (0..1) of weighted latencies. */
function quantile(samples: readonly Sample[], q: number): number {
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  const total = samples.reduce((sum, s) => sum + s.count, 0);
  let seen = 0;
  for (const s of sorted) if ((seen += s.count) >= q * total) return s.ms;
  return sorted[sorted.length - 1]?.ms ?? NaN;
}

/**
 * Latencies of covered messages, weighted: one entry per observation with its message count.
 * Messages produced in the first `warmupMs` are kept apart: the start-up transient of a cold
 * broker partition, worker and producer (over 1 s on this machine) is not the steady state.
 */
class LatencyRecorder {
  private readonly samples: Sample[] = [];
  private readonly warmupSamples: Sample[] = [];
  private readonly pending = new Map<number, SentRange[]>();
  private firstProducedAt: number | null = null;
  covered = 0;

  constructor(private readonly warmupMs: number) {}

  /** Remembers a produced range of offsets. */
  add(range: SentRange): void {
    this.firstProducedAt ??= range.producedAt;
    const list = this.pending.get(range.partition);
    if (list) list.push(range);
    else this.pending.set(range.partition, [range]);
  }

  /** Records every pending message a newly observed commit covers. */
  observe(committed: Offsets, observedAt: number): void {
    for (const [partition, list] of this.pending) {
      const upTo = committed.get(partition) ?? -1;
      while (list.length > 0 && (list[0] as SentRange).base < upTo) {
        const range = list[0] as SentRange;
        const count = Math.min(range.count, upTo - range.base);
        const warm = range.producedAt - (this.firstProducedAt ?? range.producedAt) >= this.warmupMs;
        (warm ? this.samples : this.warmupSamples).push({ ms: observedAt - range.producedAt, count });
        this.covered += count;
        if (count === range.count) list.shift();
        else list[0] = { ...range, base: range.base + count, count: range.count - count };
      }
    }
  }

  /** The q-quantile (0..1) after the warm-up. */
  steady(q: number): number {
    return quantile(this.samples, q);
  }

  /** The q-quantile (0..1) of the whole run. */
  all(q: number): number {
    return quantile([...this.warmupSamples, ...this.samples], q);
  }
}

async function waitForMember(admin: Admin, groupId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) return;
    if (Date.now() > deadline) throw new Error(`worker did not join group ${groupId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the worker, produces the stream at `rate`/s on an empty topic, and measures commit latency. */
export async function measureLatency(
  kafka: Kafka,
  topic: string,
  partitions: number,
  stream: BenchStream,
  rate: number,
  warmupSeconds: number,
): Promise<LatencyFigure> {
  const db = await TestDatabase.create('bench_l');
  const admin = kafka.admin();
  await admin.connect();
  const groupId = uniqueName('bench-l');
  const worker = BenchWorker.start(db.config, topic, groupId, `${topic}.dlq`);
  const recorder = new LatencyRecorder(warmupSeconds * 1000);
  let peak: number | null = null;
  try {
    await waitForMember(admin, groupId, 60_000);
    const producer = new RateProducer(kafka, topic, partitions, (range) => recorder.add(range));
    let polling = true;
    let producedAt = 0;
    const poller = (async () => {
      while (polling || recorder.covered < stream.messages.length) {
        if (!polling && Date.now() - producedAt > 120_000)
          throw new Error('worker not caught up 120 s after producing');
        const committed = await committedOffsets(admin, groupId, topic);
        recorder.observe(committed, Date.now());
        if (worker.hasExited) throw new Error(`worker exited early: ${worker.outputTail}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const producing = producer.run(stream.messages, rate).finally(() => {
      polling = false;
      producedAt = Date.now();
    });
    const [seconds] = await Promise.all([producing, poller]);
    peak = worker.peakRssMb();
    await worker.stop();
    return {
      targetRate: rate,
      achievedRate: stream.messages.length / seconds,
      events: stream.messages.length,
      warmupSeconds,
      p50Ms: recorder.steady(0.5),
      p99Ms: recorder.steady(0.99),
      maxMs: recorder.steady(1),
      p99AllMs: recorder.all(0.99),
      maxAllMs: recorder.all(1),
      peakRssMb: peak,
      table: await checkTable(db, stream.expected),
      warnings: worker.warningLines.slice(0, 3),
      warningCount: worker.warningCount,
    };
  } finally {
    if (!worker.hasExited) await worker.stop().catch(() => undefined);
    await admin.disconnect();
    await db.drop();
  }
}

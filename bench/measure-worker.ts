/**
 * W: the worker process from spawn until every offset of the topic is committed, with where the
 * CPU went meanwhile; then R: a second worker in a new group replaying the topic over the table
 * the first one left (which must stay exactly as it was).
 */
import type { Admin, Kafka } from 'kafkajs';
import { uniqueName } from '../test/support/services';
import { TestDatabase } from '../test/support/test-database';
import { CpuMeter, type CpuProfile } from './cpu-usage';
import { committedOffsets, coversAll, endOffsets } from './kafka-io';
import type { UserRow } from './stream';
import { checkTable, type TableCheck } from './table-check';
import { BenchWorker } from './worker-run';

/** One worker run over the whole topic. */
export interface WorkerRun {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** From spawn to the first committed offset (process start, ORM, group join, first chunk). */
  firstCommitSeconds: number | null;
  /** VmHWM just before SIGTERM. */
  peakRssMb: number | null;
  /** CPU by process from spawn to the last commit. */
  cpu: CpuProfile;
  table: TableCheck;
  warnings: string[];
  /** How many warn-or-worse lines the worker logged (e.g. deadlock retries). */
  warningCount: number;
}

/** The W figure, and the replay R that followed it when asked for. */
export interface WorkerFigure extends WorkerRun {
  replay?: WorkerRun;
}

/** Runs the worker over the whole topic on a fresh database (then, with `replay`, once more). */
export async function measureWorker(
  kafka: Kafka,
  topic: string,
  expected: readonly UserRow[],
  timeoutMs: number,
  replay = false,
): Promise<WorkerFigure> {
  const db = await TestDatabase.create('bench_w');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const first: WorkerFigure = await runWorker(admin, db, topic, expected, timeoutMs);
    if (replay && first.table.equal) first.replay = await runWorker(admin, db, topic, expected, timeoutMs);
    return first;
  } finally {
    await admin.disconnect();
    await db.drop();
  }
}

async function runWorker(
  admin: Admin,
  db: TestDatabase,
  topic: string,
  expected: readonly UserRow[],
  timeoutMs: number,
): Promise<WorkerRun> {
  const ends = await endOffsets(admin, topic);
  const events = [...ends.values()].reduce((a, b) => a + b, 0);
  const groupId = uniqueName('bench-w');
  const started = performance.now();
  const worker = BenchWorker.start(db.config, topic, groupId, `${topic}.dlq`);
  const meter = CpuMeter.start(worker.pid);
  let firstCommit: number | null = null;
  let finished = 0;
  let cpu: CpuProfile | undefined;
  let peak: number | null = null;
  try {
    for (;;) {
      const committed = await committedOffsets(admin, groupId, topic);
      if (firstCommit === null && [...committed.values()].some((o) => o > 0)) firstCommit = performance.now();
      if (coversAll(committed, ends)) {
        finished = performance.now();
        cpu = meter.stop(events);
        break;
      }
      if (worker.hasExited) throw new Error(`worker exited early: ${worker.outputTail}`);
      if (performance.now() - started > timeoutMs) throw new Error(`worker not caught up after ${timeoutMs} ms`);
      // Each poll costs the bench and the broker CPU the worker shares: at 50 ms the bench took
      // 7 % of a core; at 200 ms half that, and W is understated by at most one interval.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    peak = worker.peakRssMb();
    await worker.stop();
  }
  const seconds = (finished - started) / 1000;
  return {
    events,
    seconds,
    eventsPerSecond: events / seconds,
    firstCommitSeconds: firstCommit === null ? null : (firstCommit - started) / 1000,
    peakRssMb: peak,
    cpu,
    table: await checkTable(db, expected),
    warnings: worker.warningLines.slice(0, 3),
    warningCount: worker.warningCount,
  };
}

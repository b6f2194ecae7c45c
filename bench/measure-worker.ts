/** W: the worker process from spawn until every offset of the topic is committed. */
import type { Kafka } from 'kafkajs';
import { uniqueName } from '../test/support/services';
import { TestDatabase } from '../test/support/test-database';
import { committedOffsets, coversAll, endOffsets } from './kafka-io';
import type { UserRow } from './stream';
import { checkTable, type TableCheck } from './table-check';
import { BenchWorker } from './worker-run';

/** The W figure and what came with it. */
export interface WorkerFigure {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** From spawn to the first committed offset (process start, ORM, group join, first slice). */
  firstCommitSeconds: number | null;
  /** VmHWM just before SIGTERM. */
  peakRssMb: number | null;
  table: TableCheck;
  warnings: string[];
  /** How many warn-or-worse lines the worker logged (e.g. deadlock retries). */
  warningCount: number;
}

/** Runs the worker over the whole topic on a fresh database and checks the table it leaves. */
export async function measureWorker(
  kafka: Kafka,
  topic: string,
  expected: readonly UserRow[],
  timeoutMs: number,
): Promise<WorkerFigure> {
  const db = await TestDatabase.create('bench_w');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await endOffsets(admin, topic);
    const events = [...ends.values()].reduce((a, b) => a + b, 0);
    const groupId = uniqueName('bench-w');
    const started = performance.now();
    const worker = BenchWorker.start(db.config, topic, groupId, `${topic}.dlq`);
    let firstCommit: number | null = null;
    let peak: number | null = null;
    let finished = 0;
    try {
      for (;;) {
        const committed = await committedOffsets(admin, groupId, topic);
        if (firstCommit === null && [...committed.values()].some((o) => o > 0)) firstCommit = performance.now();
        if (coversAll(committed, ends)) {
          finished = performance.now();
          break;
        }
        if (worker.hasExited) throw new Error(`worker exited early: ${worker.outputTail}`);
        if (performance.now() - started > timeoutMs) throw new Error(`worker not caught up after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
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
      table: await checkTable(db, expected),
      warnings: worker.warningLines.slice(0, 3),
      warningCount: worker.warningCount,
    };
  } finally {
    await admin.disconnect();
    await db.drop();
  }
}

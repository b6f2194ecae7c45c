/** B: the per-event baseline, an eachMessage handler doing one parameterized statement per message. */
import type { Kafka } from 'kafkajs';
import { mapUserEvent } from '../src/domains/users/user.mapper';
import { uniqueName } from '../test/support/services';
import { TestDatabase } from '../test/support/test-database';
import type { UserRow } from './stream';
import { checkTable, type TableCheck } from './table-check';
import { createPool, userStatements } from './user-sql';

/** The B figure. */
export interface BaselineFigure {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Partitions handled in parallel (the worker's KAFKA_PARTITIONS_CONCURRENCY, for a fair match). */
  concurrency: number;
  table: TableCheck;
}

/**
 * Consumes `events` messages of a topic (the stream's prefix) with eachMessage: created/updated →
 * the worker's guarded upsert of one row, deleted → its soft delete of one row, each a prepared
 * statement on a mysql2 pool of MYSQL_POOL_SIZE (default 4). Timed from connect to the last write.
 */
export async function measureBaseline(
  kafka: Kafka,
  topic: string,
  events: number,
  expected: readonly UserRow[],
  timeoutMs: number,
): Promise<BaselineFigure> {
  const db = await TestDatabase.create('bench_b');
  const statements = await userStatements(db);
  const pool = createPool(db.config, Number(process.env.MYSQL_POOL_SIZE ?? 4));
  const concurrency = Number(process.env.KAFKA_PARTITIONS_CONCURRENCY ?? 2);
  const consumer = kafka.consumer({ groupId: uniqueName('bench-b'), maxWaitTimeInMs: 500 });
  try {
    let done = 0;
    let finish: () => void = () => undefined;
    let fail: (err: unknown) => void = () => undefined;
    const allDone = new Promise<void>((ok, ko) => ((finish = ok), (fail = ko)));
    const started = performance.now();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: concurrency,
      eachMessage: async ({ message }) => {
        try {
          const command = mapUserEvent(JSON.parse(String(message.value)), { recordTimestamp: message.timestamp });
          const { sql, params } =
            command.kind === 'upsert' ? statements.upsertRows([command.row]) : statements.softDelete([command]);
          await pool.execute(sql, params as never);
        } catch (err) {
          fail(err);
          throw err;
        }
        if (++done === events) finish();
      },
    });
    const timer = setTimeout(() => fail(new Error(`baseline: ${done} of ${events} after ${timeoutMs} ms`)), timeoutMs);
    try {
      await allDone;
    } finally {
      clearTimeout(timer);
    }
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, eventsPerSecond: events / seconds, concurrency, table: await checkTable(db, expected) };
  } finally {
    await consumer.disconnect();
    await pool.end();
    await db.drop();
  }
}

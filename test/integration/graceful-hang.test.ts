import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { uniqueName, waitFor } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { TestDatabase } from '../support/test-database';
import { committedOffsets, createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess, type WorkerSettings } from '../support/worker-process';

const SESSION_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

const created = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const id = userId(from + i);
    return { key: id, value: userUpsertEvent('user.created', id, { displayName: `User ${from + i}` }) };
  });

async function rowCount(db: TestDatabase): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
  return Number(row?.n ?? 0);
}

describe('a signal while the database hangs is still graceful (spec §8)', () => {
  const cleanup = collectCleanups();

  it('abandons the hung chunk uncommitted, leaves the group, exits 0 in time; a successor goes on at once', async (t) => {
    const db = await TestDatabase.create('hang');
    cleanup(() => db.drop());
    const proxy = await TcpProxy.start({ host: db.config.host, port: db.config.port });
    cleanup(() => proxy.close());
    const topic = await createTopic('hang', 1);
    const first = created(1, 3000);
    await produce(topic, first);
    const settings: WorkerSettings = {
      mysql: db.config,
      topic,
      groupId: uniqueName('hang-group'),
      dlqTopic: `${topic}.dlq`,
      env: {
        LOG_LEVEL: 'info',
        // A leaving member's partitions would otherwise wait this long for a successor.
        KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      },
    };
    const hung = WorkerProcess.start({
      ...settings,
      mysql: { ...db.config, host: '127.0.0.1', port: proxy.port },
      // Small chunks, one partition: a statement is in flight at almost any moment.
      env: { ...settings.env, WRITE_CHUNK_SIZE: '20', KAFKA_PARTITIONS_CONCURRENCY: '1' },
    });
    cleanup(() => hung.stop('SIGKILL'));
    await waitFor('rows arriving', async () => (await rowCount(db)) >= 200);

    // The database's connection freezes mid-stream: the statement in flight never gets an answer
    // (MYSQL_QUERY_TIMEOUT_MS, 60 s by default, is far beyond the shutdown bound).
    proxy.blackhole();
    let last = -1;
    await waitFor(
      'writes to stop',
      async () => {
        const n = await rowCount(db);
        const still = n === last;
        last = n;
        return still;
      },
      20_000,
      1500,
    );
    assert.ok(last < first.length, 'frozen mid-stream');

    const signalledAt = Date.now();
    const exit = await hung.stop('SIGTERM', 30_000);
    const stoppedMs = Date.now() - signalledAt;
    assert.equal(exit.code, 0, hung.output());
    t.diagnostic(`exited ${stoppedMs} ms after the signal`);
    assert.ok(stoppedMs < SHUTDOWN_TIMEOUT_MS, `exited ${stoppedMs} ms after the signal`);
    assert.deepEqual(
      hung.messages(/shutdown timed out|left behind/).map((l) => l.msg),
      [],
      'every step of the stop ended, the database too',
    );
    assert.equal(hung.messages(/^stopped$/).length, 1);
    assert.ok(!hung.groupAlive(), 'no process left behind');
    // Only what was written is committed: the chunk in hand was abandoned.
    const committed = Number((await committedOffsets(settings.groupId, topic)).get(0));
    assert.ok(committed <= (await rowCount(db)), `committed ${committed}, written ${await rowCount(db)}`);

    // A successor in the same group gets the partition at once: the stopped member left the group.
    const second = created(5001, 100);
    await produce(topic, second);
    const successor = WorkerProcess.start(settings);
    cleanup(() => successor.stop('SIGKILL'));
    await waitForCaughtUp(settings.groupId, topic, SESSION_TIMEOUT_MS * 2);
    const tookOverMs = Date.now() - signalledAt - stoppedMs;
    t.diagnostic(`the successor caught up ${tookOverMs} ms after the first worker left`);
    assert.ok(
      tookOverMs < SESSION_TIMEOUT_MS / 2,
      `the successor caught up ${tookOverMs} ms after the first worker left (session timeout ${SESSION_TIMEOUT_MS} ms)`,
    );
    const expected = new UserTableModel().applyEvents([...first, ...second].map((e) => e.value)).table();
    assert.deepEqual(await db.users(), expected);
    assert.equal((await successor.stop('SIGTERM')).code, 0);
  });
});

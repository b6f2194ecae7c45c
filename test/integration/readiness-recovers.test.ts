import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { userEventStream } from '../support/event-stream';
import { UserTableModel } from '../support/expected-table';
import { uniqueName, waitFor } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { TestDatabase } from '../support/test-database';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { WorkerProcess, type WorkerSettings } from '../support/worker-process';
import { readyz } from '../support/ops-http';

describe('readiness that recovers (spec §9)', () => {
  const cleanup = collectCleanups();

  it('is green again once the database is back, after a failing chunk was abandoned in a rebalance', async () => {
    const db = await TestDatabase.create('readyagain');
    cleanup(() => db.drop());
    const proxy = await TcpProxy.start({ host: db.config.host, port: db.config.port });
    cleanup(() => proxy.close());
    const topic = await createTopic('readyagain', 1);
    const stream = userEventStream(200, 3);
    const half = Math.floor(stream.length / 2);
    await produce(topic, stream.slice(0, half));

    const settings: WorkerSettings = {
      mysql: { ...db.config, host: '127.0.0.1', port: proxy.port },
      topic,
      groupId: uniqueName('readyagain-group'),
      dlqTopic: `${topic}.dlq`,
      // Round-robin assignment goes by member id, which starts with the client id: "b-…" takes
      // the one partition from "z-…" in the rebalance.
      env: {
        LOG_LEVEL: 'info',
        EVENT_LOG_LEVEL: 'debug',
        KAFKA_CLIENT_ID: 'z-first',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
    };
    const first = WorkerProcess.start(settings);
    cleanup(() => first.stop('SIGKILL'));
    const port = Number((await first.waitForLog(/http server listening/)).port);
    await waitForCaughtUp(settings.groupId, topic);
    await waitFor('first worker ready', async () => (await readyz(port)).status === 200);

    // The first worker's database goes away mid-stream: its write is retried, /readyz red.
    await proxy.cut();
    await produce(topic, stream.slice(half));
    await first.waitForLog(/write failed; retrying/);
    assert.equal((await readyz(port)).checks.database_writes_ok, false);

    // A second member joins: the rebalance abandons the failing chunk and gives it the partition.
    const second = WorkerProcess.start({
      ...settings,
      mysql: db.config,
      env: { ...settings.env, KAFKA_CLIENT_ID: 'b-second' },
    });
    cleanup(() => second.stop('SIGKILL'));
    await waitForCaughtUp(settings.groupId, topic, 90_000);
    const expected = new UserTableModel().applyEvents(stream.map((e) => e.value)).table();
    assert.deepEqual(await db.users(), expected, 'the second worker wrote the rest');

    // The database is back for the first worker, which holds no partition now: ready again.
    await proxy.restore();
    const ready = await waitFor(
      'the first worker ready again',
      async () => {
        const r = await readyz(port);
        return r.status === 200 ? r : undefined;
      },
      30_000,
      250,
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; /readyz: ${JSON.stringify(await readyz(port))}`);
    });
    assert.ok(Object.values(ready.checks).every(Boolean));
    assert.equal((await first.stop('SIGTERM')).code, 0);
    assert.equal((await second.stop('SIGTERM')).code, 0);
  });
});

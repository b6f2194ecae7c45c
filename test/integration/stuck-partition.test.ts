import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { uniqueName, waitFor } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { TestDatabase } from '../support/test-database';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';
import { readyz } from '../support/ops-http';

describe('no stuck partition without a reason (spec §5)', () => {
  const cleanup = collectCleanups();

  it('times out a write on a network that drops packets, keeps its group membership, reports the stuck partition, and goes on after', async () => {
    const db = await TestDatabase.create('blackhole');
    cleanup(() => db.drop());
    const proxy = await TcpProxy.start({ host: db.config.host, port: db.config.port });
    cleanup(() => proxy.close());
    const topic = await createTopic('blackhole', 1);
    const groupId = uniqueName('blackhole-group');
    const events = Array.from({ length: 3000 }, (_, i) => ({
      key: userId(i + 1),
      value: userUpsertEvent('user.created', userId(i + 1)),
    }));
    await produce(topic, events);
    const worker = WorkerProcess.start({
      mysql: { ...db.config, host: '127.0.0.1', port: proxy.port },
      topic,
      groupId,
      dlqTopic: `${topic}.dlq`,
      env: {
        LOG_LEVEL: 'info',
        // Small chunks, one partition: a statement is in flight at almost any moment.
        WRITE_CHUNK_SIZE: '20',
        KAFKA_PARTITIONS_CONCURRENCY: '1',
        // The hung write lasts longer than the session: only heartbeats during it keep the member.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        MYSQL_QUERY_TIMEOUT_MS: '12000',
        PARTITION_STUCK_MS: '3000',
      },
    });
    cleanup(() => worker.stop('SIGKILL'));
    const listening = await worker.waitForLog(/http server listening/);
    const port = Number(listening.port);
    await waitFor('rows arriving', async () => {
      const [row] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      return Number(row?.n) >= 200;
    });

    // Mid-stream: the statement in flight on its pooled connection never gets an answer.
    const silentFrom = worker.mark();
    proxy.blackhole();
    const blackholedAt = Date.now();
    const stuck = await waitFor(
      '/readyz to report the stuck partition',
      async () => {
        const r = await readyz(port);
        return r.checks.no_partition_stuck === false ? r : undefined;
      },
      30_000,
      250,
    );
    assert.equal(stuck.status, 503);
    // The silence lasts longer than the session timeout (6 s), counted from its start.
    await new Promise((r) => setTimeout(r, Math.max(0, blackholedAt + 9000 - Date.now())));
    proxy.resume();

    // The hung statement ends at MYSQL_QUERY_TIMEOUT_MS: the connection is dropped, the write retried.
    const retry = await worker.waitForLog(/write failed; retrying/, 45_000, { after: silentFrom });
    assert.match(String(retry.err), /QUERY_TIMEOUT/);
    const retriedAfterMs = Date.parse(String(retry.time)) - blackholedAt;
    // Not before the query timeout (the statement was sent before the silence began, hence 11 s),
    // and well before anything but that timeout would end a silent statement.
    assert.ok(
      retriedAfterMs >= 11_000 && retriedAfterMs < 40_000,
      `retried ${retriedAfterMs} ms after the network went silent`,
    );
    await waitForCaughtUp(groupId, topic, 120_000);
    assert.deepEqual(
      await db.users(),
      new UserTableModel().applyEvents(events.map((e) => e.value)).table(),
      'every event written after the network came back',
    );
    await waitFor('ready again', async () => (await readyz(port)).status === 200, 60_000);

    // kafkajs logs these when the group moved on without this member (session timed out).
    const rejoins = worker.messages(/re-joining|not aware of this member|offset commit failed|consumer crashed/i);
    assert.deepEqual(
      rejoins.map((l) => l.msg),
      [],
      'membership kept through the hung write',
    );
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uniqueName, waitFor } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { TestDatabase } from '../support/test-database';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { metricSample as sample } from '../support/ops-http';

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('health and metrics endpoints', () => {
  const cleanup = collectCleanups();

  it('reports liveness, readiness (flipping during a database outage) and moving metrics', async () => {
    const db = await TestDatabase.create('ops');
    cleanup(() => db.drop());
    const proxy = await TcpProxy.start({ host: db.config.host, port: db.config.port });
    cleanup(() => proxy.close());
    const topic = await createTopic('ops', 2);
    const groupId = uniqueName('ops-group');
    const worker = WorkerProcess.start({
      mysql: { ...db.config, host: '127.0.0.1', port: proxy.port },
      topic,
      groupId,
      dlqTopic: `${topic}.dlq`,
    });
    cleanup(() => worker.stop('SIGKILL'));
    const port = Number((await worker.waitForLog(/^http server listening/)).port);

    assert.equal((await get(port, '/livez')).status, 200);
    await waitFor('ready', async () => (await get(port, '/readyz')).status === 200, 30_000);
    assert.deepEqual(JSON.parse((await get(port, '/readyz')).body), {
      ready: true,
      checks: {
        database_checked: true,
        kafka_group_joined: true,
        database_writes_ok: true,
        database_reachable: true,
        no_partition_stuck: true,
      },
    });

    const valid = [
      { key: userId(1), value: userUpsertEvent('user.created', userId(1)) },
      { key: userId(2), value: userUpsertEvent('user.created', userId(2)) },
      { key: userId(1), value: userUpsertEvent('user.updated', userId(1), { version: 2 }) },
      { key: userId(1), value: userUpsertEvent('user.updated', userId(1), { version: 1 }) },
    ];
    await produce(topic, [
      ...valid,
      { key: 'bad', value: userUpsertEvent('user.created', 'not-an-id') },
      { key: 'gone', value: null },
    ]);
    await waitForCaughtUp(groupId, topic);
    let metrics = (await get(port, '/metrics')).body;
    assert.equal(sample(metrics, 'worker_events_total', 'event_type="user.created",outcome="applied"'), 2);
    assert.equal(sample(metrics, 'worker_events_total', 'event_type="user.updated",outcome="applied"'), 1);
    assert.equal(sample(metrics, 'worker_events_total', 'event_type="user.updated",outcome="stale"'), 1);
    assert.equal(sample(metrics, 'worker_events_total', 'event_type="unknown",outcome="tombstone"'), 1);
    assert.equal(sample(metrics, 'worker_dead_letters_total', 'reason="invalid_event"'), 1);
    assert.ok(sample(metrics, 'worker_chunk_size_count') >= 1);
    assert.ok(sample(metrics, 'worker_write_duration_seconds_count') >= 1);
    assert.match(metrics, /worker_consumer_lag\{topic="[^"]+",partition="\d"\} 0/);
    assert.ok(sample(metrics, 'process_resident_memory_bytes') > 0, 'default process metrics');
    assert.equal(sample(metrics, 'worker_database_up'), 1);

    await proxy.cut();
    const late = { key: userId(3), value: userUpsertEvent('user.created', userId(3)) };
    await produce(topic, [late]);
    // The reachability probe and the failing write notice the outage independently; wait for both.
    let down = { status: 0, checks: {} as Record<string, boolean> };
    await waitFor(
      'not ready, with failing writes, during the outage',
      async () => {
        const res = await get(port, '/readyz');
        down = { status: res.status, checks: (JSON.parse(res.body) as { checks: Record<string, boolean> }).checks };
        return down.checks.database_writes_ok === false && down.checks.database_reachable === false;
      },
      30_000,
    );
    assert.equal(down.status, 503);
    assert.equal(down.checks.kafka_group_joined, true);
    assert.equal((await get(port, '/livez')).status, 200, 'alive while waiting for the database');
    metrics = (await get(port, '/metrics')).body;
    assert.ok(sample(metrics, 'worker_retries_total', 'target="database"') >= 1);
    assert.equal(sample(metrics, 'worker_database_up'), 0);

    await proxy.restore();
    await waitFor('ready again', async () => (await get(port, '/readyz')).status === 200, 60_000);
    await waitForCaughtUp(groupId, topic);
    assert.deepEqual(await db.users(), new UserTableModel().applyEvents([...valid, late].map((e) => e.value)).table());
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });
});

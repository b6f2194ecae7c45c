import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchMetrics, metricSample } from '../support/ops-http';
import { UserTableModel } from '../support/expected-table';
import { uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess, type LogLine } from '../support/worker-process';
import { collectCleanups } from '../support/cleanups';

/** One worker run against its own topic, group and database. */
async function setup(prefix: string, partitions = 1) {
  const db = await TestDatabase.create(prefix);
  const topic = await createTopic(prefix, partitions);
  return { db, topic, dlqTopic: `${topic}.dlq`, groupId: uniqueName(`${prefix}-group`) };
}

/** Spec §7: the applied event's line is at info, with event_id, partition and offset as fields. */
function assertEventLine(line: LogLine, event: Record<string, unknown>, offset: string): void {
  assert.deepEqual(
    { level: line.level, event_id: line.event_id, partition: line.partition, offset: line.offset },
    { level: 'info', event_id: event['event_id'], partition: 0, offset },
    String(line.msg),
  );
}

describe('worker end to end (real Kafka, real MariaDB, worker as its own process)', () => {
  const cleanup = collectCleanups();

  it('follows the seed checklist: create, update, delete', async () => {
    const { db, topic, dlqTopic, groupId } = await setup('seed');
    cleanup(() => db.drop());
    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    const id = '507f1f77bcf86cd799439011';

    const created = userUpsertEvent('user.created', id, {
      email: 'analytics-test@example.com',
      displayName: 'Analytics Test User',
      phone: null,
    });
    await produce(topic, [{ key: id, value: created }]);
    await waitForCaughtUp(groupId, topic);
    let rows = await db.users();
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0], {
      user_id: id,
      email: 'analytics-test@example.com',
      phone: null,
      display_name: 'Analytics Test User',
      avatar: 'https://cdn.example.com/default.jpg',
      bio: null,
      version: 1,
      deleted_at: null,
      created_at: '2025-01-15 10:30:00.000000',
      updated_at: '2025-01-15 10:30:00.000000',
      event_id: created.event_id,
      event_timestamp: '2025-01-15 10:30:00.000000',
    });
    assertEventLine(await worker.waitForLog(new RegExp(`^\\[USER_CREATED\\] ${id}$`)), created, '0');

    const updated = userUpsertEvent('user.updated', id, {
      email: 'analytics-test@example.com',
      displayName: 'Updated Name',
      bio: 'Hello from analytics! 👋',
      version: 2,
      createdAt: '2025-01-16T00:00:00Z', // must not move created_at
      timestamp: '2025-01-15T10:45:00.123456Z',
    });
    await produce(topic, [{ key: id, value: updated }]);
    await waitForCaughtUp(groupId, topic);
    rows = await db.users();
    assert.equal(rows.length, 1, 'still one row');
    assert.equal(rows[0]?.display_name, 'Updated Name');
    assert.equal(rows[0]?.bio, 'Hello from analytics! 👋');
    assert.equal(rows[0]?.version, 2);
    assert.equal(rows[0]?.created_at, '2025-01-15 10:30:00.000000', 'created_at preserved');
    assert.equal(rows[0]?.event_timestamp, '2025-01-15 10:45:00.123456');
    assertEventLine(await worker.waitForLog(new RegExp(`^\\[USER_UPDATED\\] ${id}$`)), updated, '1');

    const deleted = userDeletedEvent(id, '2025-01-15T11:00:00.000042Z');
    await produce(topic, [{ key: id, value: deleted }]);
    await waitForCaughtUp(groupId, topic);
    rows = await db.users();
    assert.equal(rows.length, 1, 'soft delete keeps the row');
    assert.equal(rows[0]?.deleted_at, '2025-01-15 11:00:00.000042');
    assert.equal(rows[0]?.event_id, deleted.event_id);
    assert.equal(rows[0]?.display_name, 'Updated Name');
    assertEventLine(await worker.waitForLog(new RegExp(`^\\[USER_DELETED\\] ${id}$`)), deleted, '2');

    assert.ok(!worker.stdout.includes('password_hash') && !worker.stdout.includes('SECRETHASH'), 'no secret in logs');
    assert.ok(!worker.stdout.includes('analytics123'), 'no MySQL password in logs');
    const exit = await worker.stop('SIGTERM');
    assert.equal(exit.code, 0, worker.stderr);
  });

  it('survives replays, late and stale events, restores and deletes of unknown users', async () => {
    const { db, topic, dlqTopic, groupId } = await setup('replay', 4);
    cleanup(() => db.drop());
    const ev: Array<{ key: string; value: Record<string, unknown> }> = [];
    for (let n = 1; n <= 30; n++) {
      const id = userId(n);
      ev.push({ key: id, value: userUpsertEvent('user.created', id, { timestamp: '2025-02-01T00:00:00Z' }) });
      ev.push({
        key: id,
        value: userUpsertEvent('user.updated', id, { version: 2, bio: `bio ${n}`, timestamp: '2025-02-02T00:00:00Z' }),
      });
    }
    const late = userId(1);
    ev.push({
      key: late,
      value: userUpsertEvent('user.updated', late, {
        version: 1,
        displayName: 'LATE',
        timestamp: '2025-03-01T00:00:00Z',
      }),
    });
    const sameVersionOlder = userId(2);
    ev.push({
      key: sameVersionOlder,
      value: userUpsertEvent('user.updated', sameVersionOlder, {
        version: 2,
        displayName: 'OLDER',
        timestamp: '2025-02-01T12:00:00Z',
      }),
    });
    const gone = userId(3);
    ev.push({ key: gone, value: userDeletedEvent(gone, '2025-02-03T00:00:00Z') });
    ev.push({ key: gone, value: userDeletedEvent(gone, '2025-02-04T00:00:00Z') }); // already deleted: deleted_at kept
    const restored = userId(4);
    ev.push({ key: restored, value: userDeletedEvent(restored, '2025-02-03T00:00:00Z') });
    ev.push({
      key: restored,
      value: userUpsertEvent('user.updated', restored, {
        version: 3,
        displayName: 'Back',
        timestamp: '2025-02-05T00:00:00Z',
      }),
    });
    const staleDelete = userId(5);
    ev.push({ key: staleDelete, value: userDeletedEvent(staleDelete, '2025-01-01T00:00:00Z') });
    const unknown = userId(999);
    ev.push({ key: unknown, value: userDeletedEvent(unknown, '2025-02-03T00:00:00Z') });
    ev.push(ev[10] as (typeof ev)[number]); // a duplicate delivery
    await produce(topic, ev);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    const table = await db.users();
    const byId = new Map(table.map((r) => [r.user_id, r]));
    assert.equal(table.length, 30, 'the unknown user got no row');
    assert.equal(byId.get(late)?.display_name, 'Jane Smith', 'lower version is stale');
    assert.equal(byId.get(sameVersionOlder)?.display_name, 'Jane Smith', 'same version, older timestamp is stale');
    assert.equal(byId.get(gone)?.deleted_at, '2025-02-03 00:00:00.000000', 'first delete time kept');
    assert.equal(byId.get(gone)?.event_timestamp, '2025-02-04 00:00:00.000000');
    assert.equal(byId.get(restored)?.deleted_at, null, 'restored');
    assert.equal(byId.get(restored)?.display_name, 'Back');
    assert.equal(byId.get(staleDelete)?.deleted_at, null, 'an old delete does not delete');
    await worker.waitForLog(new RegExp(`unknown ${unknown}`));
    assert.equal(worker.messages(new RegExp(`unknown ${unknown}`))[0]?.level, 'warn');

    // What the contract says each record did, and the whole table it leaves.
    const model = new UserTableModel();
    const outcomes = ev.map((e) => model.apply(e.value));
    assert.deepEqual(table, model.table(), 'the whole table');
    const count = (outcome: string, type?: string): number =>
      outcomes.filter((o, i) => o === outcome && (!type || ev[i]?.value['event_type'] === type)).length;
    assert.deepEqual([count('stale', 'user.deleted'), count('missing')], [1, 1], 'the stream has both kinds');

    // §3: stale events are logged at debug, and at no other level; applied ones alone at info.
    // Lines are logged before the commit, but the pipe from the worker may lag behind it.
    await waitFor('a line per stale event', () => worker.messages(/^stale /).length >= count('stale'), 10_000);
    const staleLines = worker.messages(/^stale /);
    assert.equal(staleLines.length, count('stale'), 'one line per stale event');
    assert.deepEqual([...new Set(staleLines.map((l) => l.level))], ['debug'], 'stale events logged at debug');
    const appliedIds = new Set(ev.filter((_, i) => outcomes[i] === 'applied').map((e) => e.value['event_id']));
    const staleOnly = ev.filter((e, i) => outcomes[i] === 'stale' && !appliedIds.has(e.value['event_id']));
    const info = worker.logs.filter((l) => l.level === 'info');
    assert.deepEqual(
      info.filter((l) => staleOnly.some((e) => e.value['event_id'] === l.event_id)),
      [],
      'no info line for a stale event',
    );
    assert.equal(info.filter((l) => /^\[USER_/.test(String(l.msg))).length, count('applied'), 'info: applied only');

    // §3 and §9: deletes of unknown users and stale deletes are counted.
    const port = Number((await worker.waitForLog(/^http server listening/)).port);
    const metrics = await fetchMetrics(port);
    const deletes = (outcome: string): number =>
      metricSample(metrics, 'worker_events_total', `event_type="user.deleted",outcome="${outcome}"`);
    assert.deepEqual(
      [deletes('missing'), deletes('stale'), deletes('applied')],
      [count('missing', 'user.deleted'), count('stale', 'user.deleted'), count('applied', 'user.deleted')],
      '/metrics counts deletes of unknown users and stale deletes',
    );
    assert.equal((await worker.stop('SIGTERM')).code, 0);
    const stopped = await waitFor('the stopped line', () => worker.messages(/^stopped$/)[0], 10_000);
    assert.deepEqual(
      stopped.counts,
      { applied: count('applied'), stale: count('stale'), missing: count('missing'), tombstone: 0, dead_lettered: 0 },
      'the stopped line gives the counts',
    );

    // A new deployment (new group id) rebuilds from the earliest offset over the same table.
    const replayGroup = uniqueName('replay-again');
    const again = WorkerProcess.start({ mysql: db.config, topic, groupId: replayGroup, dlqTopic });
    cleanup(() => again.stop('SIGKILL'));
    await waitForCaughtUp(replayGroup, topic);
    assert.deepEqual(await db.users(), table, 'a full replay leaves every column of every row identical');
    assert.equal((await again.stop('SIGTERM')).code, 0);
  });

  it('refuses to start on bad configuration, naming every bad variable, without leaking the password', async () => {
    const db = await TestDatabase.create('badconfig', { migrate: false });
    cleanup(() => db.drop());
    const worker = WorkerProcess.start({
      mysql: { ...db.config, password: 'p4ssw0rd-secret' },
      topic: 'unused',
      groupId: 'unused',
      dlqTopic: 'unused.dlq',
      env: {
        MYSQL_PORT: 'abc',
        LOG_LEVEL: 'chatty',
        KAFKA_BROKERS: 'nohostport',
        // TLS/SASL settings that cannot work: a SASL mechanism without a user, a CA that is not there.
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_PASSWORD: 'sasl-s3cret-value',
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem',
        MYSQL_SSL_MODE: 'verify-ca',
      },
    });
    const exit = await worker.exited;
    assert.equal(exit.code, 2);
    for (const name of [
      'MYSQL_PORT',
      'LOG_LEVEL',
      'KAFKA_BROKERS',
      'KAFKA_SASL_USERNAME is required',
      'KAFKA_SSL_CA_FILE: cannot read "/nonexistent/ca.pem"',
      'MYSQL_SSL_MODE=verify-ca needs MYSQL_SSL_CA_FILE',
    ]) {
      assert.match(worker.stderr, new RegExp(name));
    }
    const output = `${worker.stderr}${worker.stdout}`;
    assert.ok(!output.includes('p4ssw0rd-secret') && !output.includes('s3cret-value'));
  });

  it('stores the same rows whatever the worker time zone', async () => {
    const events = [
      userUpsertEvent('user.created', userId(7), {
        createdAt: '2025-03-01T14:00:00.123456+02:00',
        updatedAt: '2025-03-09T02:30:00.9999999',
        timestamp: '2025-03-01T00:00:00.000001-05:00',
        deletedAt: '2025-10-26T01:30:00.5+01:00',
      }),
    ];
    const tables = [];
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      const { db, topic, dlqTopic, groupId } = await setup('tz');
      cleanup(() => db.drop());
      await produce(
        topic,
        events.map((value) => ({ key: userId(7), value })),
      );
      const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic, env: { TZ: tz } });
      cleanup(() => worker.stop('SIGKILL'));
      await waitForCaughtUp(groupId, topic);
      tables.push(await db.users());
      await worker.stop('SIGTERM');
    }
    const [row] = tables[0] ?? [];
    assert.equal(row?.created_at, '2025-03-01 12:00:00.123456');
    assert.equal(row?.updated_at, '2025-03-09 02:30:00.999999');
    assert.equal(row?.event_timestamp, '2025-03-01 05:00:00.000001');
    assert.equal(row?.deleted_at, '2025-10-26 00:30:00.500000');
    assert.deepEqual(tables[1], tables[0]);
    assert.deepEqual(tables[2], tables[0]);
  });
});

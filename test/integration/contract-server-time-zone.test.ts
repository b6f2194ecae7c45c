import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel, type ModelEvent } from '../support/expected-table';
import { startPrivateDatabase } from '../support/private-database';
import { uniqueName } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

// Offsets, no offset, 0 to 9 fraction digits, and deletes with and without their own timestamp.
const records: ModelEvent[] = [
  {
    value: userUpsertEvent('user.created', userId(1), {
      createdAt: '2025-03-01T14:00:00.123456+02:00',
      updatedAt: '2025-03-09T02:30:00.9999999',
      timestamp: '2025-03-01T00:00:00.000001-05:00',
      deletedAt: '2025-10-26T01:30:00.5+01:00',
    }),
  },
  {
    value: userUpsertEvent('user.created', userId(2), {
      createdAt: '2024-12-31T23:59:59Z',
      updatedAt: '2025-01-01T05:29:59.999999+05:30',
      timestamp: '2025-01-01T00:00:00.123456789Z',
    }),
  },
  { value: userUpsertEvent('user.created', userId(3), { timestamp: '2025-02-01T00:00:00+05:30' }) },
  // No timestamp: the Kafka record's own (2025-02-28 19:00:00.123 UTC) stands in for it.
  { value: userDeletedEvent(userId(3), null), timestamp: String(Date.UTC(2025, 1, 28, 19, 0, 0, 123)) },
  { value: userDeletedEvent(userId(2), '2025-06-30T22:15:00.654321-01:45') },
];

describe("the server's time zone changes nothing (spec §4)", () => {
  const cleanup = collectCleanups();

  it('stores the UTC values of the contract on a server whose default time zone is +05:30', async () => {
    const server = await startPrivateDatabase({ extraArgs: ['--default-time-zone=+05:30'] });
    cleanup(() => server.stop());
    const db = await TestDatabase.create('servertz', { server: server.server });
    cleanup(() => db.drop());
    const [zone] = await db.query<{ tz: string }>('SELECT @@global.time_zone AS tz');
    assert.equal(zone?.tz, '+05:30', 'the server runs in another time zone');

    const topic = await createTopic('servertz', 1);
    const groupId = uniqueName('servertz-group');
    await produce(
      topic,
      records.map((r) => ({ key: String(r.value['entity_id']), value: r.value, timestamp: r.timestamp })),
    );
    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic: `${topic}.dlq` });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);

    const expected = new UserTableModel().applyRecords(records).table();
    assert.equal(expected[2]?.deleted_at, '2025-02-28 19:00:00.123000', 'the model reads the record timestamp');
    assert.deepEqual(await db.users(), expected, 'the whole table, in UTC');
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { kafkaBrokers, projectRoot, uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { UserTableModel } from '../support/expected-table';
import { createTopic, endOffsets, produce, readTopic, testKafka, waitForCaughtUp } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';
import { collectCleanups } from '../support/cleanups';

/** `npm run dlq:redrive` for the test's topics (killed if it does not end in a wide bound). */
function redriveCli(topic: string, dlqTopic: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/dlq-redrive.ts', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: dlqTopic },
  });
}

/** Deletes every record of the topic, as retention does once they are old enough. */
async function expireAll(topic: string): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.deleteTopicRecords({
      topic,
      partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
    });
    const after = await admin.fetchTopicOffsets(topic);
    assert.ok(after.some((o) => o.high !== '0') && after.every((o) => o.low === o.high), 'the ledger is emptied');
  } finally {
    await admin.disconnect();
  }
}

describe('npm run dlq:redrive', () => {
  const cleanup = collectCleanups();

  it('sends dead letters back after a fix, once; a second redrive does nothing', async () => {
    const db = await TestDatabase.create('redrive');
    cleanup(() => db.drop());
    await db.query('ALTER TABLE users MODIFY phone VARCHAR(5) NULL'); // the "bug" the fix removes
    const topic = await createTopic('redrive', 2);
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('redrive-group');
    const redrive = (...args: string[]) => redriveCli(topic, dlqTopic, ...args);

    await produce(topic, [
      { key: userId(1), value: userUpsertEvent('user.created', userId(1), { phone: '+1' }) },
      { key: userId(2), value: userUpsertEvent('user.created', userId(2), { phone: '+44 20 7946 0958' }) },
      { key: userId(3), value: userUpsertEvent('user.created', userId(3), { phone: '+33 1 23 45 67 89' }) },
      { key: 'bad', value: '{not json' },
    ]);
    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    await readTopic(dlqTopic, 3);
    assert.deepEqual(
      (await db.users()).map((r) => r.user_id),
      [userId(1)],
    );

    const dry = redrive('--reason', 'rejected_by_database', '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /would redrive: 2 \{"rejected_by_database":2\}; already redriven: 0; filtered out: 1/);
    assert.equal(
      [...(await endOffsets(topic)).values()].reduce((n, o) => n + Number(o), 0),
      4,
      'dry run sends nothing',
    );

    await db.query('ALTER TABLE users MODIFY phone VARCHAR(50) NULL'); // the fix
    const first = redrive('--reason', 'rejected_by_database');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /redriven: 2 \{"rejected_by_database":2\}; already redriven: 0; filtered out: 1/);
    await waitFor('redriven rows', async () => (await db.users()).length === 3, 30_000);
    await waitForCaughtUp(groupId, topic);
    const rows = await db.users();
    assert.equal(rows.find((r) => r.user_id === userId(2))?.phone, '+44 20 7946 0958');

    const second = redrive('--reason', 'rejected_by_database');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /redriven: 0 \{\}; already redriven: 2; filtered out: 1/);
    assert.equal(
      [...(await endOffsets(topic)).values()].reduce((n, o) => n + Number(o), 0),
      6,
      'each letter sent back once',
    );
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it("keeps each record's original timestamp, and ends on a ledger that retention emptied", async () => {
    const db = await TestDatabase.create('redrive_ts');
    cleanup(() => db.drop());
    await db.query('ALTER TABLE users MODIFY event_id VARCHAR(8) NULL'); // rejects a UUID event id
    const topic = await createTopic('redrive-ts', 1);
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('redrive-ts-group');
    const created = userUpsertEvent('user.created', userId(7), { eventId: 'created' });
    const deleted = userDeletedEvent(userId(7), null); // deleted_at comes from the record's timestamp
    const deletedAt = String(Date.parse('2025-06-01T08:00:00.123Z'));
    await produce(topic, [
      { key: userId(7), value: created },
      { key: userId(7), value: deleted, timestamp: deletedAt },
    ]);
    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    await readTopic(dlqTopic, 1);
    assert.equal((await db.users())[0]?.deleted_at, null);

    await db.query('ALTER TABLE users MODIFY event_id VARCHAR(36) NULL'); // the fix
    const expected = new UserTableModel().applyRecords([{ value: created }, { value: deleted, timestamp: deletedAt }]);
    const first = redriveCli(topic, dlqTopic);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /redriven: 1 \{"rejected_by_database":1\}; already redriven: 0/);
    await waitFor('the redriven delete', async () => (await db.users())[0]?.deleted_at != null, 30_000);
    await waitForCaughtUp(groupId, topic);
    assert.deepEqual(await db.users(), expected.table());

    // A week later the ledger has expired: the redrive must end, and sends the delete again.
    await expireAll(`${dlqTopic}.redriven`);
    const again = redriveCli(topic, dlqTopic);
    assert.equal(again.status, 0, `${again.error ?? ''} ${again.stderr}`);
    assert.match(again.stdout, /redriven: 1 \{"rejected_by_database":1\}; already redriven: 0/);
    await waitFor('the delete sent again', async () => [...(await endOffsets(topic)).values()].join() === '4');
    await waitForCaughtUp(groupId, topic);
    assert.deepEqual(await db.users(), expected.table(), 'the same rows');
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it('refuses bad arguments with a message naming them', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/dlq-redrive.ts', ...args], {
        cwd: projectRoot,
        encoding: 'utf8',
      });
    const badReason = run('--reason', 'because');
    assert.equal(badReason.status, 2);
    assert.match(badReason.stderr, /--reason must be one of invalid_json, invalid_event/);
    const badLimit = run('--limit', '-3');
    assert.equal(badLimit.status, 2);
    assert.match(badLimit.stderr, /limit/);
  });

  it('never sends back a letter whose value was cut to fit: it is counted, the source topic gets nothing', async () => {
    const topic = await createTopic('redrivecut');
    const dlqTopic = await createTopic('redrivecut-dlq');
    await produce(dlqTopic, [
      {
        key: userId(1),
        value: '{"event_type":"user.created","data":{"bio":"cut he',
        headers: {
          'dlq.reason': 'invalid_json',
          'dlq.topic': topic,
          'dlq.partition': '0',
          'dlq.offset': '7',
          'dlq.value_truncated': 'true',
          'dlq.value_bytes': '3000000',
        },
      },
    ]);
    const run = redriveCli(topic, dlqTopic);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /redriven: 0 \{\}; .*cut to fit, not redriven: 1; dead letters read: 1/);
    assert.deepEqual([...(await endOffsets(topic)).values()], ['0'], 'nothing sent to the source topic');
  });
});

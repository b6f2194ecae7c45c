import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { mapUserEvent } from '../../src/domains/users/user.mapper';
import { kafkaBrokers, projectRoot, uniqueName } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { UserTableModel } from '../support/expected-table';
import { createTopic, readTopic, recordCount, waitForCaughtUp } from '../support/test-kafka';
import { WorkerProcess } from '../support/worker-process';
import { collectCleanups } from '../support/cleanups';

function produceCli(topic: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/produce.ts', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic },
  });
}

describe('npm run produce', () => {
  const cleanup = collectCleanups();

  it('sends a sample event keyed by the user id', async () => {
    const topic = await createTopic('produce');
    const id = '507f1f77bcf86cd799439011';
    const r = produceCli(topic, '--sample', 'created', '--id', id, '--email', 'a@example.com', '--name', 'Ann');
    assert.equal(r.status, 0, r.stderr);
    const [message] = await readTopic(topic, 1);
    assert.equal(message?.key?.toString(), id);
    const event = JSON.parse(message?.value?.toString() ?? '{}');
    assert.equal(event.event_type, 'user.created');
    assert.equal(event.entity_id, id);
    assert.equal(event.data.contact_info.primary_email, 'a@example.com');
    assert.equal(event.data.profile.display_name, 'Ann');
  });

  it('generates a realistic stream at a rate, with progress, that the worker applies without dead letters', async () => {
    const topic = await createTopic('generate', 2);
    const started = Date.now();
    const r = produceCli(topic, '--count', '300', '--users', '40', '--rate', '600');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Date.now() - started >= 400, 'the rate is respected (300 events at 600/s)');
    assert.match(r.stderr, /produce \[#+\] 100% 300\/300/);
    const messages = await readTopic(topic, 300);
    assert.equal(await recordCount(topic), 300, 'exactly the 300 events');
    const types = new Set<string>();
    for (const m of messages) {
      const event = JSON.parse(m.value?.toString() ?? '{}');
      types.add(event.event_type);
      mapUserEvent(event, { recordTimestamp: m.timestamp }); // valid per the contract
    }
    assert.deepEqual([...types].sort(), ['user.created', 'user.deleted', 'user.updated']);

    const db = await TestDatabase.create('generate');
    cleanup(() => db.drop());
    const groupId = uniqueName('generate-group');
    const dlqTopic = `${topic}.dlq`;
    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    // Each user's events share a key, hence a partition: read order is their offset order.
    const expected = new UserTableModel()
      .applyRecords(messages.map((m) => ({ value: JSON.parse(m.value?.toString() ?? '{}'), timestamp: m.timestamp })))
      .table();
    assert.ok(expected.length > 0 && expected.length <= 40, `${expected.length} rows for 40 users`);
    assert.deepEqual(await db.users(), expected);
    assert.equal(worker.messages(/dead-lettered/).length, 0);
    assert.equal(await recordCount(dlqTopic), 0, 'no dead letters');
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it('refuses bad arguments with a message naming them', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--sample', 'created', '--id', 'nope'], /--id must be 24 hexadecimal characters/],
      [['--sample', 'exploded', '--id', '507f1f77bcf86cd799439011'], /--sample must be created, updated or deleted/],
      [['--count', '0'], /--count must be a positive integer, got "0"/],
      [['--count', '10', '--rate', 'fast'], /--rate must be a positive integer/],
      [['--count', '10', '--sample', 'created'], /exactly one of/],
      [['--bogus'], /bogus/],
    ];
    for (const [args, message] of cases) {
      const r = produceCli('unused', ...args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});

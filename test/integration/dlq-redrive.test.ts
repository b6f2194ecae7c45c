import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { kafkaBrokers, projectRoot, uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, endOffsets, produce, readTopic, waitForCaughtUp } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';
import { collectCleanups } from '../support/cleanups';

describe('npm run dlq:redrive', () => {
  const cleanup = collectCleanups();

  it('sends dead letters back after a fix, once; a second redrive does nothing', async () => {
    const db = await TestDatabase.create('redrive');
    cleanup(() => db.drop());
    await db.query('ALTER TABLE users MODIFY phone VARCHAR(5) NULL'); // the "bug" the fix removes
    const topic = await createTopic('redrive', 2);
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('redrive-group');
    const redrive = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/dlq-redrive.ts', ...args], {
        cwd: projectRoot,
        encoding: 'utf8',
        env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: dlqTopic },
      });

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
});

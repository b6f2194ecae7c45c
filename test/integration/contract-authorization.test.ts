import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { committedOffsets, createTopic, produce, recordCount, waitForCaughtUp } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

describe('an authorization refusal while running (spec §5)', () => {
  const cleanup = collectCleanups();

  it('ends the process naming the refusal, commits nothing past it, and loses nothing once granted again', async () => {
    const db = await TestDatabase.create('authz');
    cleanup(() => db.drop());
    const name = db.config.database;
    const account = { user: `wrk_${randomBytes(4).toString('hex')}`, password: `w-${randomBytes(6).toString('hex')}` };
    await db.query(`CREATE USER '${account.user}'@'%' IDENTIFIED BY '${account.password}'`);
    cleanup(() => db.query(`DROP USER '${account.user}'@'%'`));
    // The worker's least privileges (README): read, insert and update users; read the migrations.
    await db.query(`GRANT SELECT, INSERT, UPDATE ON \`${name}\`.\`users\` TO '${account.user}'@'%'`);
    await db.query(`GRANT SELECT ON \`${name}\`.\`mikro_orm_migrations\` TO '${account.user}'@'%'`);

    const topic = await createTopic('authz', 1);
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('authz-group');
    // A short session: the crashed member's partitions pass to the restarted worker sooner.
    const env = { KAFKA_SESSION_TIMEOUT_MS: '6000' };
    const settings = { mysql: { ...db.config, ...account }, topic, groupId, dlqTopic, env };
    const before = Array.from({ length: 20 }, (_, i) => userUpsertEvent('user.created', userId(i + 1)));
    const after = [
      ...Array.from({ length: 5 }, (_, i) => userUpsertEvent('user.updated', userId(i + 1), { version: 2, bio: 'v2' })),
      ...Array.from({ length: 5 }, (_, i) => userUpsertEvent('user.created', userId(i + 21))),
      userDeletedEvent(userId(6), '2025-02-01T00:00:00Z'),
    ];
    const send = (events: Array<Record<string, unknown>>) =>
      produce(
        topic,
        events.map((value) => ({ key: String(value['entity_id']), value })),
      );

    await send(before);
    const worker = WorkerProcess.start(settings);
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    const committedBefore = await committedOffsets(groupId, topic);

    await db.query(`REVOKE INSERT ON \`${name}\`.\`users\` FROM '${account.user}'@'%'`);
    await send(after);
    await waitFor('the worker to exit', () => worker.exitedCode() !== null, 60_000);
    assert.equal((await worker.exited).code, 1, 'a refusal no retry can mend ends the process');
    // stdout may still be draining after the exit event.
    const last = await waitFor('the last fatal line', () => worker.messages(/^the worker cannot go on/)[0], 10_000);
    const fatal = worker.logs.filter((l) => l.level === 'fatal');
    assert.ok(fatal.includes(last) && last.level === 'fatal', worker.output());
    for (const line of fatal) {
      assert.match(String(line.err), /^DATABASE_REFUSED: users write failed for good/);
      assert.match(String(line.err), /ER_TABLEACCESS_DENIED_ERROR: INSERT command denied .*\(errno 1142/);
    }
    assert.equal(worker.messages(/retrying/).length, 0, 'not retried: it fails the same way every time');

    assert.deepEqual(await committedOffsets(groupId, topic), committedBefore, 'nothing committed past the refusal');
    assert.deepEqual(await db.users(), new UserTableModel().applyEvents(before).table(), 'nothing written past it');
    assert.equal(await recordCount(dlqTopic), 0, 'no dead letter: not a fault of the records');

    await db.query(`GRANT INSERT ON \`${name}\`.\`users\` TO '${account.user}'@'%'`);
    const restarted = WorkerProcess.start(settings);
    cleanup(() => restarted.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    assert.deepEqual(await db.users(), new UserTableModel().applyEvents([...before, ...after]).table(), 'nothing lost');
    assert.equal((await restarted.stop('SIGTERM')).code, 0);
    assert.ok(!(worker.stdout + restarted.stdout).includes(account.password), 'the password is in no log line');
  });
});

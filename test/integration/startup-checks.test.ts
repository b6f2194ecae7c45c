import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { MysqlConfig } from '../../src/config';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { uniqueName, waitFor } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { TestDatabase } from '../support/test-database';
import { committedOffsets, createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess, type LogLine } from '../support/worker-process';

// Fail fast on what no retry mends (spec §5): each case ends `npm run worker` non-zero within
// seconds, with one line that names the cause and the fix, and consumes nothing.
describe('start-up checks: permanent database faults end the worker, an unreachable database is awaited', () => {
  const cleanup = collectCleanups();

  /** A topic holding one event (the expected table is that one row), a group and a dead-letter topic. */
  async function topicAndGroup(prefix: string) {
    const topic = await createTopic(prefix);
    const event = userUpsertEvent('user.created', userId(1));
    await produce(topic, [{ key: userId(1), value: event }]);
    const expected = new UserTableModel().applyEvents([event]).table();
    return { kafka: { topic, groupId: uniqueName(`${prefix}-group`), dlqTopic: `${topic}.dlq` }, expected };
  }

  /**
   * Runs the worker until it exits and returns the one error-or-worse line. "Fast" is bounded with
   * room for npm and tsx starting on a loaded machine: a worker that retried would never exit.
   */
  async function expectFailFast(prefix: string, mysql: MysqlConfig, secrets: string[] = []): Promise<LogLine> {
    const { kafka } = await topicAndGroup(prefix);
    const worker = WorkerProcess.start({ mysql, ...kafka });
    cleanup(() => worker.stop('SIGKILL'));
    const started = Date.now();
    const timer = setTimeout(() => void worker.stop('SIGKILL'), 60_000);
    const exit = await worker.exited.finally(() => clearTimeout(timer));
    const took = Date.now() - started;

    assert.equal(exit.code, 1, `exit code (${worker.output()})`);
    assert.ok(took < 40_000, `exited in ${took} ms`);
    const severe = worker.logs.filter((l) => l.level === 'fatal' || l.level === 'error');
    assert.equal(severe.length, 1, `one line names the cause: ${JSON.stringify(severe)}`);
    assert.equal(worker.messages(/retrying/).length, 0, 'not retried');
    assert.equal(worker.messages(/^worker started$/).length, 0, 'never consumed');
    const committed = await committedOffsets(kafka.groupId, kafka.topic);
    assert.ok(
      [...committed.values()].every((o) => o === '-1'),
      'nothing committed',
    );
    for (const secret of [mysql.password, ...secrets]) {
      assert.ok(!(worker.stdout + worker.stderr).includes(secret), 'the password is never printed');
    }
    return severe[0] as LogLine;
  }

  /** An account with a known password, dropped at the end; grants are the caller's. */
  async function account(db: TestDatabase): Promise<{ user: string; password: string }> {
    const suffix = randomBytes(4).toString('hex');
    const user = `chk_${suffix}`;
    const password = `pw-${suffix}-secret`;
    await db.query(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
    cleanup(() => db.query(`DROP USER ?@'%'`, [user]));
    return { user, password };
  }

  it('wrong password: exits 1 naming MYSQL_USER / MYSQL_PASSWORD, without the password', async () => {
    const db = await TestDatabase.create('badpw');
    cleanup(() => db.drop());
    const { user, password } = await account(db);
    await db.query(`GRANT SELECT, INSERT, UPDATE ON \`${db.config.database}\`.* TO ?@'%'`, [user]);
    const line = await expectFailFast('badpw', { ...db.config, user, password: 'not-the-password-42' }, [password]);
    assert.equal(line.fault, 'credentials');
    assert.match(String(line.msg), new RegExp(`refused the login of MYSQL_USER "${user}".*MYSQL_PASSWORD`));
  });

  it('unknown database: exits 1 naming MYSQL_DATABASE and the migration command', async () => {
    const db = await TestDatabase.create('nodb');
    cleanup(() => db.drop());
    const missing = uniqueName('t_missing');
    const line = await expectFailFast('nodb', { ...db.config, database: missing });
    assert.equal(line.fault, 'unknown_database');
    assert.match(String(line.msg), new RegExp(`database "${missing}" \\(MYSQL_DATABASE\\) does not exist`));
    assert.match(String(line.msg), /npx mikro-orm migration:up/);
  });

  it('no migrations applied: exits 1 telling to run `npx mikro-orm migration:up`', async () => {
    const db = await TestDatabase.create('unmigrated', { migrate: false });
    cleanup(() => db.drop());
    const line = await expectFailFast('unmigrated', db.config);
    assert.equal(line.fault, 'pending_migrations');
    assert.match(String(line.msg), /is not migrated: 1 of 1 migrations not applied \(Migration\d+_\w+\)/);
    assert.match(String(line.msg), /run `npx mikro-orm migration:up`/);
    assert.deepEqual(await db.query('SHOW TABLES'), [], 'the worker created no table');
  });

  it('an account without INSERT and UPDATE on users: exits 1 naming the grants', async () => {
    const db = await TestDatabase.create('noinsert');
    cleanup(() => db.drop());
    const { user, password } = await account(db);
    const name = db.config.database;
    await db.query(`GRANT SELECT ON \`${name}\`.\`users\` TO ?@'%'`, [user]);
    await db.query(`GRANT SELECT ON \`${name}\`.\`mikro_orm_migrations\` TO ?@'%'`, [user]);
    const line = await expectFailFast('noinsert', { ...db.config, user, password });
    assert.equal(line.fault, 'privileges');
    assert.match(String(line.msg), new RegExp(`account "${user}" lacks a privilege .*INSERT command denied`));
    assert.match(String(line.msg), /GRANT SELECT, INSERT, UPDATE ON `[^`]+`\.`users`/);
    assert.deepEqual(await db.users(), [], 'no row written by the probe');
  });

  it('an account that may not read the migrations table: exits 1 naming that grant', async () => {
    const db = await TestDatabase.create('nomigread');
    cleanup(() => db.drop());
    const { user, password } = await account(db);
    await db.query(`GRANT SELECT, INSERT, UPDATE ON \`${db.config.database}\`.\`users\` TO ?@'%'`, [user]);
    const line = await expectFailFast('nomigread', { ...db.config, user, password });
    assert.equal(line.fault, 'privileges');
    assert.match(String(line.msg), /SELECT command denied .*mikro_orm_migrations/);
    assert.match(String(line.msg), /GRANT SELECT ON `[^`]+`\.`mikro_orm_migrations`/);
  });

  it('database down at start: retries with /readyz 503, then goes on by itself once it is up', async () => {
    const db = await TestDatabase.create('latedb');
    cleanup(() => db.drop());
    const proxy = await TcpProxy.start({ host: db.config.host, port: db.config.port });
    cleanup(() => proxy.close());
    await proxy.cut();
    const { kafka, expected } = await topicAndGroup('latedb');
    const worker = WorkerProcess.start({ mysql: { ...db.config, host: '127.0.0.1', port: proxy.port }, ...kafka });
    cleanup(() => worker.stop('SIGKILL'));
    const port = Number((await worker.waitForLog(/^http server listening/)).port);
    await waitFor('two retries', () => worker.messages(/^database not reachable at start-up; retrying$/).length >= 2);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { checks: Record<string, boolean> }).checks.database_checked, false);
    assert.equal((await fetch(`http://127.0.0.1:${port}/livez`)).status, 200, 'alive while waiting');
    assert.equal(worker.messages(/^worker started$/).length, 0, 'not consuming while the database is away');

    await proxy.restore();
    await worker.waitForLog(/^worker started$/, 60_000);
    await waitForCaughtUp(kafka.groupId, kafka.topic);
    assert.deepEqual(await db.users(), expected);
    await waitFor('ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it('SIGTERM while waiting for the database at start: exits 0 at once', async () => {
    const db = await TestDatabase.create('waitstop');
    cleanup(() => db.drop());
    const proxy = await TcpProxy.start({ host: db.config.host, port: db.config.port });
    cleanup(() => proxy.close());
    await proxy.cut();
    const { kafka } = await topicAndGroup('waitstop');
    const worker = WorkerProcess.start({
      mysql: { ...db.config, host: '127.0.0.1', port: proxy.port },
      ...kafka,
      // Far above the bound asserted below: a prompt stop, not one the shutdown timer forced.
      env: { SHUTDOWN_TIMEOUT_MS: '30000' },
    });
    cleanup(() => worker.stop('SIGKILL'));
    await worker.waitForLog(/^database not reachable at start-up; retrying$/);
    const started = Date.now();
    assert.equal((await worker.stop('SIGTERM')).code, 0, worker.output());
    assert.ok(Date.now() - started < 8000, `stopped in ${Date.now() - started} ms`);
    assert.equal(worker.messages(/^start-up failed/).length, 0);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { projectRoot, testTmpDir, uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess, type WorkerSettings } from '../support/worker-process';

const OTHER_DATABASE = 'orm_env_other';

/**
 * A copy of the app directory (links to the project's files) holding `dotenv` as its .env: the
 * working directory of `npm run worker` and `npx mikro-orm` there, as /app is in the image.
 */
function appDir(dotenv: string): string {
  const dir = join(testTmpDir(), uniqueName('app'));
  mkdirSync(dir, { recursive: true });
  for (const name of [
    'package.json',
    'bin',
    'src',
    'node_modules',
    'mikro-orm.config.ts',
    'tsconfig.json',
    'migrations',
  ]) {
    symlinkSync(join(projectRoot, name), join(dir, name));
  }
  writeFileSync(join(dir, '.env'), dotenv);
  return dir;
}

/** `npx mikro-orm migration:up` as the platform team runs it, with the test's MYSQL_* variables. */
function migrationUp(db: TestDatabase, cwd: string, extra: Record<string, string> = {}) {
  const { host, port, user, password, database } = db.config;
  const r = spawnSync('npx', ['mikro-orm', 'migration:up'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MYSQL_HOST: host,
      MYSQL_PORT: String(port),
      MYSQL_USER: user,
      MYSQL_PASSWORD: password,
      MYSQL_DATABASE: database,
      FORCE_COLOR: '0',
      ...extra,
    },
  });
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
}

/** Waits for the worker to exit by itself (killed after a wide bound) and checks it refused, naming `pattern`. */
async function assertRefused(worker: WorkerProcess, pattern: RegExp): Promise<void> {
  const timer = setTimeout(() => void worker.stop('SIGKILL'), 60_000);
  const { code } = await worker.exited.finally(() => clearTimeout(timer));
  // The exit may be seen before the last of its output is read.
  await waitFor('the refusal on stderr', () => pattern.test(worker.stderr), 5_000).catch(() => undefined);
  assert.doesNotMatch(worker.stdout, /\[query\]/, 'no SQL logged');
  assert.equal(code, 2, worker.output());
  assert.match(worker.stderr, pattern);
}

const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const tables = (db: TestDatabase) =>
  db.query<{ name: string }>('SELECT TABLE_NAME name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [
    db.config.database,
  ]);

describe("MikroORM's own variables and .env (spec §6)", () => {
  const cleanup = collectCleanups();
  const settings = async (db: TestDatabase): Promise<WorkerSettings> => {
    const topic = await createTopic('ormenv');
    return { mysql: db.config, topic, groupId: uniqueName('ormenv-group'), dlqTopic: `${topic}.dlq` };
  };

  it('the worker and `npx mikro-orm` refuse MIKRO_ORM_DB_NAME and MIKRO_ORM_DEBUG, naming them', async () => {
    const db = await TestDatabase.create('ormenv', { migrate: false });
    cleanup(() => db.drop());
    const s = await settings(db);

    const debug = WorkerProcess.start({ ...s, env: { MIKRO_ORM_DEBUG: 'true' } });
    cleanup(() => debug.stop('SIGKILL'));
    await assertRefused(debug, /configuration error:\n {2}- MIKRO_ORM_DEBUG set .*: MikroORM would apply it/);

    const other = WorkerProcess.start({ ...s, env: { MIKRO_ORM_DB_NAME: OTHER_DATABASE } });
    cleanup(() => other.stop('SIGKILL'));
    await assertRefused(other, /- MIKRO_ORM_DB_NAME set .*: MikroORM would apply it/);

    const cli = migrationUp(db, projectRoot, { MIKRO_ORM_DB_NAME: OTHER_DATABASE, MIKRO_ORM_DEBUG: 'true' });
    assert.notEqual(cli.status, 0, cli.out);
    assert.match(cli.out, /invalid configuration: MIKRO_ORM_DB_NAME, MIKRO_ORM_DEBUG set /);
    assert.doesNotMatch(cli.out, /\[query\]/);
    assert.deepEqual(await tables(db), [], 'nothing migrated');
  });

  it('a .env file setting MIKRO_ORM_* in the working directory: both refuse, naming the variable and the file', async () => {
    const db = await TestDatabase.create('ormenv', { migrate: false });
    cleanup(() => db.drop());
    const cwd = appDir(`MIKRO_ORM_DB_NAME=${OTHER_DATABASE}\n`);
    cleanup(async () => rmSync(cwd, { recursive: true, force: true }));

    const worker = WorkerProcess.start(await settings(db), cwd);
    cleanup(() => worker.stop('SIGKILL'));
    const named = new RegExp(literally(`MIKRO_ORM_DB_NAME set (in the environment or in ${join(cwd, '.env')})`));
    await assertRefused(worker, named);

    const cli = migrationUp(db, cwd);
    assert.notEqual(cli.status, 0, cli.out);
    assert.match(cli.out, named);
    assert.deepEqual(await tables(db), [], 'nothing migrated');
  });

  it('a .env file setting MYSQL_* changes nothing: both use the configured database', async () => {
    const db = await TestDatabase.create('ormenv', { migrate: false });
    cleanup(() => db.drop());
    const cwd = appDir(`MYSQL_DATABASE=${OTHER_DATABASE}\nMYSQL_PASSWORD=not-the-password\n`);
    cleanup(async () => rmSync(cwd, { recursive: true, force: true }));

    const cli = migrationUp(db, cwd);
    assert.equal(cli.status, 0, cli.out);
    assert.ok(
      (await tables(db)).some((t) => t.name === 'users'),
      'the configured database is migrated',
    );

    const s = await settings(db);
    await produce(s.topic, [
      { key: userId(1), value: userUpsertEvent('user.created', userId(1)) },
      { key: userId(1), value: userDeletedEvent(userId(1)) },
    ]);
    const worker = WorkerProcess.start(s, cwd);
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(s.groupId, s.topic);
    const rows = await waitFor('the row in the configured database', async () => {
      const found = await db.users();
      return found.length === 1 && found;
    });
    assert.equal(rows[0]?.deleted_at, '2025-01-15 11:00:00.000000');
    assert.equal((await worker.stop('SIGTERM')).code, 0, worker.output());
  });
});

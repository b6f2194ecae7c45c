import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kafkaBrokers, projectRoot, uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent } from '../support/user-events';
import { collectCleanups } from '../support/cleanups';

// What the Docker image runs, run here: the compiled migration CLI with the schema-changing
// account, then the compiled worker with an account that may only SELECT, INSERT and UPDATE users
// (and read the migrations table, to check at start-up that the schema is migrated).
describe('compiled JavaScript with least-privilege accounts (the Docker commands)', () => {
  const cleanup = collectCleanups();

  it('migrates with the migrator account and runs the worker with SELECT, INSERT, UPDATE on users (and SELECT on the migrations table) only', async () => {
    // Laid out like the image: <root>/dist/… with <root> as the working directory.
    const imageRoot = join(projectRoot, '.tmp', uniqueName('image'));
    const outDir = join(imageRoot, 'dist');
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, build.stdout + build.stderr);

    const db = await TestDatabase.create('priv', { migrate: false });
    cleanup(() => db.drop());
    cleanup(async () => spawnSync('rm', ['-rf', imageRoot]));
    const suffix = randomBytes(4).toString('hex');
    const migrator = { user: `mig_${suffix}`, password: `m-${suffix}` };
    const worker = { user: `wrk_${suffix}`, password: `w-${suffix}` };
    const name = db.config.database;
    await db.query(`CREATE USER '${migrator.user}'@'%' IDENTIFIED BY '${migrator.password}'`);
    await db.query(`CREATE USER '${worker.user}'@'%' IDENTIFIED BY '${worker.password}'`);
    cleanup(() => db.query(`DROP USER '${migrator.user}'@'%', '${worker.user}'@'%'`));
    await db.query(`GRANT ALL PRIVILEGES ON \`${name}\`.* TO '${migrator.user}'@'%'`);

    const mysqlEnv = (account: { user: string; password: string }) => ({
      MYSQL_HOST: db.config.host,
      MYSQL_PORT: String(db.config.port),
      MYSQL_DATABASE: name,
      MYSQL_USER: account.user,
      MYSQL_PASSWORD: account.password,
    });
    const up = spawnSync(process.execPath, [join(projectRoot, 'node_modules/@mikro-orm/cli/cli.js'), 'migration:up'], {
      cwd: imageRoot,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        MIKRO_ORM_CLI_USE_TS_NODE: 'false',
        MIKRO_ORM_CLI_CONFIG: join(outDir, 'mikro-orm.config.js'),
        NODE_PATH: join(projectRoot, 'node_modules'),
        ...mysqlEnv(migrator),
      },
    });
    assert.equal(up.status, 0, up.stdout + up.stderr);
    assert.match(up.stdout + up.stderr, /Migration\d+_create_users/);
    assert.equal((await db.query('SHOW TABLES LIKE ?', ['users'])).length, 1);
    await db.query(`GRANT SELECT, INSERT, UPDATE ON \`${name}\`.\`users\` TO '${worker.user}'@'%'`);
    // The worker checks at start-up that every migration is recorded as applied.
    await db.query(`GRANT SELECT ON \`${name}\`.\`mikro_orm_migrations\` TO '${worker.user}'@'%'`);

    const topic = await createTopic('priv');
    const groupId = uniqueName('priv-group');
    const child = spawn(process.execPath, [join(outDir, 'src/main.js')], {
      cwd: imageRoot,
      env: {
        PATH: process.env.PATH,
        NODE_PATH: join(projectRoot, 'node_modules'),
        KAFKA_BROKERS: kafkaBrokers().join(','),
        KAFKA_TOPIC: topic,
        KAFKA_GROUP_ID: groupId,
        KAFKA_DLQ_TOPIC: `${topic}.dlq`,
        HTTP_PORT: '0',
        ...mysqlEnv(worker),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    cleanup(async () => child.kill('SIGKILL'));

    const id = userId(42);
    await produce(topic, [
      { key: id, value: userUpsertEvent('user.created', id) },
      { key: id, value: userUpsertEvent('user.updated', id, { version: 2, displayName: 'Least' }) },
      { key: id, value: userDeletedEvent(id, '2025-02-01T00:00:00Z') },
    ]);
    // The compose producer's command, compiled.
    const producer = spawnSync(
      process.execPath,
      [join(outDir, 'src/cli/produce.js'), '--count', '40', '--users', '5'],
      {
        cwd: imageRoot,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic },
      },
    );
    assert.equal(producer.status, 0, producer.stderr);
    await waitForCaughtUp(groupId, topic);
    const rows = await db.users();
    assert.ok(rows.length >= 2 && rows.length <= 6, `${rows.length} rows: one sample user and up to 5 generated`);
    const row = rows.find((r) => r.user_id === id);
    assert.equal(row?.display_name, 'Least');
    assert.equal(row?.deleted_at, '2025-02-01 00:00:00.000000');
    await waitFor('worker log', () => output.includes('[USER_DELETED]'));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output.slice(-1000));
    assert.ok(!output.includes(worker.password), 'the MySQL password never reaches the logs');
  });
});

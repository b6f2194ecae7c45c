import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../support/services';
import { TestDatabase } from '../support/test-database';

/** Runs the MikroORM CLI exactly as the platform team does, against the test database. */
function cli(db: TestDatabase, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('npx', ['mikro-orm', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      MYSQL_HOST: db.config.host,
      MYSQL_PORT: String(db.config.port),
      MYSQL_USER: db.config.user,
      MYSQL_PASSWORD: db.config.password,
      MYSQL_DATABASE: db.config.database,
      FORCE_COLOR: '0',
    },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('migrations through the CLI', () => {
  let db: TestDatabase;
  before(async () => {
    db = await TestDatabase.create('migr', { migrate: false });
  });
  after(() => db.drop());

  it('migration:up creates users exactly as spec §2; check is clean; down removes it', async () => {
    const up = cli(db, 'migration:up');
    assert.equal(up.status, 0, up.out);

    const columns = await db.query<Record<string, string>>(
      `SELECT COLUMN_NAME name, COLUMN_TYPE type, IS_NULLABLE nullable, COLUMN_DEFAULT dflt, COLUMN_KEY k
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION`,
      [db.config.database],
    );
    assert.deepEqual(
      columns.map((c) => [c.name, c.type?.replace('int(11)', 'int'), c.nullable]),
      [
        ['user_id', 'varchar(24)', 'NO'],
        ['email', 'varchar(255)', 'NO'],
        ['phone', 'varchar(50)', 'YES'],
        ['display_name', 'varchar(100)', 'NO'],
        ['avatar', 'text', 'YES'],
        ['bio', 'varchar(500)', 'YES'],
        ['version', 'int', 'NO'],
        ['deleted_at', 'datetime(6)', 'YES'],
        ['created_at', 'datetime(6)', 'NO'],
        ['updated_at', 'datetime(6)', 'NO'],
        ['event_id', 'varchar(36)', 'YES'],
        ['event_timestamp', 'datetime(6)', 'YES'],
      ],
    );
    assert.equal(columns.find((c) => c.name === 'version')?.dflt, '1');
    assert.equal(columns.find((c) => c.name === 'user_id')?.k, 'PRI');

    const indexes = await db.query<Record<string, string>>(
      `SELECT INDEX_NAME name, GROUP_CONCAT(COLUMN_NAME) cols FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'users' GROUP BY INDEX_NAME ORDER BY INDEX_NAME`,
      [db.config.database],
    );
    assert.deepEqual(
      indexes.map((i) => [i.name, i.cols]),
      [
        ['idx_users_created', 'created_at'],
        ['idx_users_email', 'email'],
        ['PRIMARY', 'user_id'],
      ],
    );
    const [table] = await db.query<Record<string, string>>(
      'SELECT TABLE_COLLATION c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [db.config.database, 'users'],
    );
    assert.match(table?.c ?? '', /^utf8mb4_/);

    const check = cli(db, 'migration:check');
    assert.equal(check.status, 0, check.out);
    assert.match(check.out, /No changes required/);

    const down = cli(db, 'migration:down');
    assert.equal(down.status, 0, down.out);
    const left = await db.query('SHOW TABLES LIKE ?', ['users']);
    assert.equal(left.length, 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  migrationNames,
  pendingMigrations,
  pendingMigrationsFault,
  startupFault,
  type StartupContext,
} from '../../src/db/startup-faults';

const ctx: StartupContext = {
  host: 'db.internal',
  port: 3306,
  user: 'analytics',
  database: 'analytics',
  tables: ['users'],
  migrationsTable: 'mikro_orm_migrations',
};

/** A server error as mysql2 reports it. */
function serverError(errno: number, code: string, sqlMessage: string) {
  return Object.assign(new Error(sqlMessage), { errno, code, sqlMessage, sqlState: '42000' });
}

describe('startupFault', () => {
  it('names the cause and the fix of each permanent fault', () => {
    const cases = [
      [
        serverError(1045, 'ER_ACCESS_DENIED_ERROR', 'Access denied (using password: YES)'),
        'credentials',
        /MYSQL_PASSWORD/,
      ],
      [serverError(1130, 'ER_HOST_NOT_PRIVILEGED', "Host 'x' is not allowed"), 'credentials', /MYSQL_USER/],
      [serverError(1049, 'ER_BAD_DB_ERROR', "Unknown database 'analytics'"), 'unknown_database', /MYSQL_DATABASE/],
      [
        serverError(1044, 'ER_DBACCESS_DENIED_ERROR', 'Access denied to database'),
        'privileges',
        /GRANT SELECT, INSERT, UPDATE ON `analytics`\.`users`/,
      ],
      [
        serverError(1142, 'ER_TABLEACCESS_DENIED_ERROR', 'INSERT command denied'),
        'privileges',
        /INSERT command denied/,
      ],
      [
        serverError(1146, 'ER_NO_SUCH_TABLE', "Table 'analytics.users' doesn't exist"),
        'pending_migrations',
        /npx mikro-orm migration:up/,
      ],
      [serverError(1054, 'ER_BAD_FIELD_ERROR', "Unknown column 'bio'"), 'pending_migrations', /migration:up/],
    ] as const;
    for (const [err, fault, fix] of cases) {
      const found = startupFault(err, ctx);
      assert.equal(found?.fault, fault, err.code);
      assert.match(found?.message ?? '', fix, err.code);
    }
  });

  it('finds the server error behind a wrapper', () => {
    const wrapped = Object.assign(new Error('wrapped'), {
      cause: serverError(1045, 'ER_ACCESS_DENIED_ERROR', 'denied'),
    });
    assert.equal(startupFault(wrapped, ctx)?.fault, 'credentials');
  });

  it('leaves what a retry may mend to the retry: refused, timed out, lost, server starting, read-only, deadlock', () => {
    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED'), { errno: -111, code: 'ECONNREFUSED' }),
      Object.assign(new Error('connect ETIMEDOUT'), { errno: -110, code: 'ETIMEDOUT' }),
      Object.assign(new Error('getaddrinfo EAI_AGAIN'), { errno: -3001, code: 'EAI_AGAIN' }),
      Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' }),
      serverError(1053, 'ER_SERVER_SHUTDOWN', 'Server shutdown in progress'),
      serverError(1040, 'ER_CON_COUNT_ERROR', 'Too many connections'),
      serverError(1290, 'ER_OPTION_PREVENTS_STATEMENT', 'read-only'),
      serverError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found'),
      new TypeError('something else'),
    ]) {
      assert.equal(startupFault(err, ctx), undefined, String((err as { code?: string }).code ?? err.message));
    }
  });

  it('never quotes a password: the messages carry only names, the address and the server message', () => {
    const found = startupFault(serverError(1045, 'ER_ACCESS_DENIED_ERROR', "Access denied for user 'analytics'"), ctx);
    assert.equal(
      found?.message,
      'MySQL at db.internal:3306 refused the login of MYSQL_USER "analytics" (ER_ACCESS_DENIED_ERROR: ' +
        "Access denied for user 'analytics' (errno 1045, SQLSTATE 42000)); fix MYSQL_USER / MYSQL_PASSWORD or the account on the server",
    );
  });
});

describe('pending migrations', () => {
  it('lists the migration files as MikroORM names them: no extension, no declarations or source maps', () => {
    assert.deepEqual(
      migrationNames([
        'Migration20261201000000_b.js',
        'Migration20261125164022_create_users.js',
        'Migration20261125164022_create_users.js.map',
        'Migration20261125164022_create_users.d.ts',
        '.snapshot-analytics.json',
      ]),
      ['Migration20261125164022_create_users', 'Migration20261201000000_b'],
    );
    assert.deepEqual(migrationNames(['Migration20261125164022_create_users.ts']), [
      'Migration20261125164022_create_users',
    ]);
  });

  it('is what the folder has and the table does not; extra rows (a newer schema) are fine', () => {
    assert.deepEqual(pendingMigrations(['M1', 'M2', 'M3'], ['M1']), ['M2', 'M3']);
    assert.deepEqual(pendingMigrations(['M1'], ['M1', 'M2']), []);
    assert.deepEqual(pendingMigrations([], []), []);
  });

  it('says how many are missing and the command that applies them', () => {
    const fault = pendingMigrationsFault(['M2', 'M3', 'M4', 'M5'], 5, ctx);
    assert.equal(fault.fault, 'pending_migrations');
    assert.match(
      fault.message,
      /is not migrated: 4 of 5 migrations not applied \(M2, M3, M4, …\); run `npx mikro-orm migration:up`/,
    );
  });
});

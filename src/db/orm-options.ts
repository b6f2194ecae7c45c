import { defineConfig, type Options } from '@mikro-orm/mysql';
import { format } from 'mysql2';
import { mysqlSslOptions } from './mysql-tls';
import { PoolGuard, type GuardedConnection } from './pool-guard';
import { enforceQueryTimeout } from './query-timeout';
import { SnapshotMigrator } from './snapshot-migrator';
import type { MysqlConfig } from '../config';

/**
 * One MikroORM configuration for the worker, the CLI and the tests; the entities come from the
 * composition root (the domain list), so db/ knows no domain.
 * Strict SQL mode makes the server reject (not truncate) a bad value; it is set per session, so
 * the driver's backslash escaping holds whatever the server's global mode (NO_BACKSLASH_ESCAPES,
 * ANSI_QUOTES); UTC session time zone; READ COMMITTED transactions; TLS as configured (MYSQL_SSL_MODE).
 */
export function buildOrmOptions(
  mysql: MysqlConfig,
  overrides: Partial<Options> & { entities: OrmEntities },
  guard = new PoolGuard(mysql.connectionMaxAgeMs),
): Options {
  const { migrations, ...rest } = overrides;
  return defineConfig({
    host: mysql.host,
    port: mysql.port,
    user: mysql.user,
    password: mysql.password,
    dbName: mysql.database,
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
    timezone: '+00:00',
    pool: {
      min: 0,
      max: mysql.poolSize,
      // Read-only answers and age retire connections (failover, spec §8); knex reads these too.
      ...guard.poolSettings(),
      afterCreate: (conn: RawConnection, done: (err: Error | null, conn: RawConnection) => void) => {
        if (mysql.queryTimeoutMs) enforceQueryTimeout(conn, mysql.queryTimeoutMs);
        guard.adopt(conn);
        // The table's collation for literals too: joins against derived tables of parameters then
        // never mix collations (MySQL 8 defaults connections to utf8mb4_0900_ai_ci).
        conn.query('SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci', (namesErr: Error | null) => {
          if (namesErr) return done(namesErr, conn);
          conn.query(
            "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'",
            (modeErr: Error | null) => {
              if (modeErr) return done(modeErr, conn);
              // The writers' locking reads rely on READ COMMITTED (no gap locks on ids not yet
              // stored); set once per connection, it spares every transaction a round trip.
              conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err: Error | null) =>
                done(err, conn),
              );
            },
          );
        });
      },
    },
    driverOptions: {
      connection: {
        queryFormat: formatOnlyWithValues,
        ...(mysql.tls === undefined ? {} : { ssl: mysqlSslOptions(mysql.tls) }),
      },
    },
    extensions: [SnapshotMigrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'dist/migrations',
      pathTs: 'migrations',
      glob: '!(*.d).{js,ts}',
      // MySQL commits DDL implicitly: a migration transaction would only pretend.
      transactional: false,
      allOrNothing: false,
      snapshot: true,
      snapshotName: '.snapshot-analytics',
      emit: 'ts',
      ...migrations,
    },
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    debug: false,
    ...rest,
  });
}

/**
 * The driver's query formatting, minus its scan of SQL that has no values: `em.execute` hands it
 * text MikroORM has already formatted, and a multi-row statement would be scanned for placeholders
 * again. With values it formats exactly as the driver's default does.
 */
function formatOnlyWithValues(
  this: { config?: { stringifyObjects?: boolean } },
  sql: string,
  values: unknown,
  timezone?: string,
): string {
  if (values === undefined || (Array.isArray(values) && values.length === 0)) return sql;
  return format(sql, values as Parameters<typeof format>[1], this.config?.stringifyObjects ?? false, timezone as never);
}

/** The entities an ORM maps: the domains' entities, given by the composition root. */
export type OrmEntities = NonNullable<Options['entities']>;

interface RawConnection extends GuardedConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
}

/** Plain mysql2 access for the figures that bypass the worker: a pool and the users statements. */
import mysql from 'mysql2/promise';
import type { MysqlConfig } from '../src/config';
import type { User } from '../src/domains/users/user.entity';
import type { SqlValue } from '../src/db/sql-literal';
import { USER_COLUMNS } from '../src/domains/users/user.columns';
import type { UserDelete } from '../src/domains/users/user.events';
import { USERS_ON_DUPLICATE_KEY_UPDATE } from '../src/domains/users/user.sql';
const ROW_PLACEHOLDERS = `(${USER_COLUMNS.map(() => '?').join(', ')})`;

/** A mysql2 pool on one database with the worker's session settings (strict mode, UTC). */
export function createPool(config: MysqlConfig, connections: number): mysql.Pool {
  const pool = mysql.createPool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    connectionLimit: connections,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    dateStrings: true,
  });
  pool.on('connection', (conn) => {
    conn.query(
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'",
    );
  });
  return pool;
}

/** A guarded multi-row `INSERT … ON DUPLICATE KEY UPDATE` for `rows` rows (placeholders only). */
export function upsertSql(rows: number): string {
  const columns = USER_COLUMNS.map(([c]) => `\`${c}\``).join(', ');
  return `INSERT INTO \`users\` (${columns}) VALUES ${Array(rows).fill(ROW_PLACEHOLDERS).join(', ')}${USERS_ON_DUPLICATE_KEY_UPDATE}`;
}

/** The parameters of one row of upsertSql, from a mapped User. */
export function userParams(row: User): SqlValue[] {
  return USER_COLUMNS.map(([, property]) => row[property]);
}

/** The parameters of one row of upsertSql, from a table row as SELECT returns it. */
export function tableRowParams(row: Record<string, unknown>): SqlValue[] {
  return USER_COLUMNS.map(([column]) => row[column] as SqlValue);
}

/** The seed's soft delete of one user: keeps an earlier deleted_at, skips a stale delete. */
export const DELETE_SQL =
  'UPDATE `users` SET `deleted_at` = COALESCE(`deleted_at`, CAST(? AS DATETIME(6))), `event_id` = ?, ' +
  '`event_timestamp` = CAST(? AS DATETIME(6)) WHERE `user_id` = ? AND (CAST(? AS DATETIME(6)) < `event_timestamp`) IS NOT TRUE';

/** The parameters of DELETE_SQL for one delete command. */
export function deleteParams(c: UserDelete): SqlValue[] {
  return [c.deletedAt, c.eventId, c.eventTimestamp, c.entityId, c.eventTimestamp];
}

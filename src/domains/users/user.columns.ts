import type { SqlValue } from '../../db/sql-literal';
import type { User } from './user.entity';

/** The columns of `users` in table order, with the row property each holds. */
export const USER_COLUMNS: ReadonlyArray<readonly [column: string, property: keyof User]> = [
  ['user_id', 'userId'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['display_name', 'displayName'],
  ['avatar', 'avatar'],
  ['bio', 'bio'],
  ['version', 'version'],
  ['deleted_at', 'deletedAt'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
  ['event_id', 'eventId'],
  ['event_timestamp', 'eventTimestamp'],
];

/** The row keyed by column name (what the server stores and `SELECT *` returns). */
export function toUserColumns(user: User): Record<string, SqlValue> {
  const row: Record<string, SqlValue> = {};
  for (const [column, property] of USER_COLUMNS) row[column] = user[property];
  return row;
}

/** Spec §3's stale rule over the stored row and the incoming VALUES(); NULL never compares as stale. */
export const STALE_UPSERT_SQL =
  '(VALUES(`version`) < `version` OR (VALUES(`version`) = `version` AND VALUES(`event_timestamp`) < `event_timestamp`))';

/**
 * Columns overwritten on conflict, in assignment order. MySQL/MariaDB apply ON DUPLICATE KEY
 * UPDATE assignments left to right and later ones see earlier results, so the guard's inputs
 * go last: event_timestamp (its guard still reads the old version) and then version (whose
 * guard, reading the new event_timestamp, gives the same verdict). user_id and created_at are
 * never assigned: they keep the first insert's values.
 */
export const GUARDED_UPDATE_COLUMNS = [
  'email',
  'phone',
  'display_name',
  'avatar',
  'bio',
  'deleted_at',
  'updated_at',
  'event_id',
  'event_timestamp',
  'version',
] as const;

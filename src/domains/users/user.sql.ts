import { sqlIdentifier, sqlLiteral, sqlTuple, type SqlValue } from '../../db/sql-literal';
import { GUARDED_UPDATE_COLUMNS, STALE_UPSERT_SQL, USER_COLUMNS } from './user.columns';
import type { User } from './user.entity';
import type { UserDelete } from './user.events';

const TABLE = sqlIdentifier('users');

const UPSERT_HEAD = `INSERT INTO ${TABLE} (${USER_COLUMNS.map(([c]) => sqlIdentifier(c)).join(', ')}) VALUES `;

/**
 * The conflict policy of spec §3: every column but user_id and created_at, each kept when the
 * incoming row is stale; assignment order matters (see GUARDED_UPDATE_COLUMNS).
 */
export const USERS_ON_DUPLICATE_KEY_UPDATE = ` ON DUPLICATE KEY UPDATE ${GUARDED_UPDATE_COLUMNS.map((c) => {
  const column = sqlIdentifier(c);
  return `${column} = IF(${STALE_UPSERT_SQL}, ${column}, VALUES(${column}))`;
}).join(', ')}`;

/**
 * The guarded multi-row upsert of spec §3 as one statement. Rows of one key apply left to
 * right, each guarded against the row the previous one left.
 */
export function upsertUsersSql(rows: readonly User[]): string {
  if (rows.length === 0) throw new Error('upsertUsersSql: no rows');
  const values = new Array<string>(rows.length);
  const row = new Array<SqlValue>(USER_COLUMNS.length);
  for (let r = 0; r < rows.length; r++) {
    const user = rows[r] as User;
    for (let c = 0; c < USER_COLUMNS.length; c++) row[c] = user[(USER_COLUMNS[c] as (typeof USER_COLUMNS)[0])[1]];
    values[r] = sqlTuple(row);
  }
  return UPSERT_HEAD + values.join(', ') + USERS_ON_DUPLICATE_KEY_UPDATE;
}

/**
 * The soft delete of spec §3 for deletes of distinct keys, as one joined UPDATE: deleted_at
 * keeps an earlier delete's value; a delete older than the stored event is skipped.
 */
export function softDeleteUsersSql(commands: readonly UserDelete[]): string {
  if (commands.length === 0) throw new Error('softDeleteUsersSql: no deletes');
  const rows = commands.map(
    (c) =>
      `SELECT ${sqlLiteral(c.entityId)} AS user_id, ${sqlLiteral(c.eventId)} AS event_id, ` +
      `CAST(${sqlLiteral(c.eventTimestamp)} AS DATETIME(6)) AS event_timestamp, ` +
      `CAST(${sqlLiteral(c.deletedAt)} AS DATETIME(6)) AS deleted_at`,
  );
  return `UPDATE ${TABLE} u JOIN (${rows.join(' UNION ALL ')}) d ON u.\`user_id\` = d.user_id
     SET u.\`deleted_at\` = COALESCE(u.\`deleted_at\`, d.deleted_at),
         u.\`event_id\` = d.event_id,
         u.\`event_timestamp\` = d.event_timestamp
     WHERE (d.event_timestamp < u.\`event_timestamp\`) IS NOT TRUE`;
}

/** The locking read of the guard state of `ids` (rows that exist), in one statement. */
export function lockUsersSql(ids: readonly string[]): string {
  if (ids.length === 0) throw new Error('lockUsersSql: no ids');
  return `SELECT \`user_id\`, \`version\`, \`event_timestamp\`, \`deleted_at\` FROM ${TABLE} WHERE \`user_id\` IN ${sqlTuple(ids)} FOR UPDATE`;
}

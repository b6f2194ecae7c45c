import { MYSQL_ERRNOS, type FailureClass } from './mysql-errnos';
import { canRetry } from './worker-error';

// Codes of a connection that failed (Node's socket errors, mysql2's protocol errors, knex's
// timeout): a new connection may mend them at once. Like any error the server did not number,
// they classify as transient.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'QUERY_TIMEOUT',
]);

/** The fields of a driver (mysql2 via knex and MikroORM) error that say what it is. */
export interface DbErrorFields {
  errno?: unknown;
  code?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  name?: unknown;
  cause?: unknown;
}

/** True when the server refused a write for being read-only (errno 1290, 1792 or 1836). */
export function isReadOnlyError(err: unknown): boolean {
  const errno = serverErrno(err);
  return errno !== undefined && MYSQL_ERRNOS.get(errno)?.connection === 'read_only';
}

/**
 * True for a fault that a new connection may mend at once: the server is read-only (a failover
 * moved the primary) or the connection failed (lost, refused, timed out, name not resolved).
 */
export function isConnectionFault(err: unknown): boolean {
  const fields = findDbFields(err);
  if (!fields) return false;
  const errno = serverErrno(err);
  if (errno !== undefined) return MYSQL_ERRNOS.get(errno)?.connection !== undefined;
  return typeof fields.code === 'string' && CONNECTION_CODES.has(fields.code);
}

/**
 * Classifies a database error by what it is: the server's error number, else its SQLSTATE
 * class. Anything else (network codes, unknown errors) is transient: retried with backoff (and
 * visible on /readyz once the partition is stuck), never dead-lettered, because dead-lettering
 * a healthy event for an outage would lose it from the table.
 */
export function classifyDbError(err: unknown): FailureClass {
  if (!canRetry(err)) return 'permanent';
  const fields = findDbFields(err);
  if (!fields) return 'transient';
  const { errno, sqlState } = fields;
  const known = typeof errno === 'number' && errno > 0 ? MYSQL_ERRNOS.get(errno) : undefined;
  if (known) return known.failure;
  if (typeof sqlState === 'string') {
    const sqlClass = sqlState.slice(0, 2);
    if (sqlClass === '22' || sqlClass === '23') return 'row_rejected'; // data exception, integrity constraint
    if (sqlClass === '21') return 'statement_rejected'; // cardinality
    if (sqlClass === '42' || sqlClass === '28' || sqlClass === '3D') return 'permanent'; // access, schema, auth
  }
  return 'transient';
}

/** The first error in the cause chain that carries a driver's errno, SQLSTATE or code. */
export function findDbFields(err: unknown): DbErrorFields | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const fields = current as DbErrorFields;
    if (typeof fields.errno === 'number' || typeof fields.sqlState === 'string' || typeof fields.code === 'string') {
      return fields;
    }
    current = fields.cause;
  }
  return undefined;
}

/** The server's error number, or undefined for client-side errors (refused, timed out, DNS). */
export function serverErrno(err: unknown): number | undefined {
  const errno = findDbFields(err)?.errno;
  // Node's socket errors (ECONNREFUSED, ETIMEDOUT) carry a negative errno.
  return typeof errno === 'number' && errno > 0 ? errno : undefined;
}

/** True for an error raised by the database driver (its message and stack may embed SQL with values). */
export function isDatabaseError(err: DbErrorFields): boolean {
  return (
    typeof err.sqlState === 'string' ||
    typeof err.errno === 'number' ||
    'sql' in err ||
    'fatal' in err ||
    (typeof err.name === 'string' && /Exception$|^Knex/.test(err.name))
  );
}

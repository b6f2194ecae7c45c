/** How the pipeline must treat a failure. */
export type FailureKind = 'transient' | 'row_rejected';

// Server errors that reject one row's content: isolate the row and dead-letter it.
const ROW_REJECTED_ERRNOS = new Set([
  1048, // ER_BAD_NULL_ERROR
  1264, // ER_WARN_DATA_OUT_OF_RANGE
  1265, // WARN_DATA_TRUNCATED
  1292, // ER_TRUNCATED_WRONG_VALUE
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (e.g. an invalid utf8mb4 string)
  1406, // ER_DATA_TOO_LONG
  1411, // ER_WRONG_VALUE_FOR_TYPE
  3140, // ER_INVALID_JSON_TEXT
  4025, // ER_CONSTRAINT_FAILED (MariaDB CHECK)
  3819, // ER_CHECK_CONSTRAINT_VIOLATED (MySQL CHECK)
]);

/**
 * Classifies a database error. Only content errors are row-level; everything else
 * (connection refused or lost, deadlock, lock wait, read-only, missing table, unknown)
 * is treated as transient: retried with backoff and never dead-lettered, because
 * dead-lettering a healthy event for an outage would lose it from the table.
 */
export function classifyDbError(err: unknown): FailureKind {
  const errno = findErrno(err);
  return errno !== undefined && ROW_REJECTED_ERRNOS.has(errno) ? 'row_rejected' : 'transient';
}

function findErrno(err: unknown): number | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const errno = (current as { errno?: unknown }).errno;
    if (typeof errno === 'number') return errno;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A short description of an error for logs and dead-letter headers. For server errors it is
 * the server's own message (e.g. "Data too long for column 'phone' at row 1"): MikroORM's
 * message embeds the whole SQL statement with the row's values, which must not leak.
 */
export function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const { code, sqlMessage, message } = err as { code?: unknown; sqlMessage?: unknown; message?: unknown };
  const text = typeof sqlMessage === 'string' ? sqlMessage : typeof message === 'string' ? message : String(err);
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}

/** Thrown out of a retry loop when the worker is stopping: nothing more is written or committed. */
export class StoppedError extends Error {
  override readonly name = 'StoppedError';
  constructor() {
    super('worker is stopping');
  }
}

/**
 * How the pipeline treats a failure:
 * - `transient`: the outage ends by itself (connection, deadlock, lock wait, read-only, timeout): retry with backoff;
 * - `row_rejected`: the server rejects a value of one row: isolate the row and dead-letter it;
 * - `statement_rejected`: the statement fails the same way every time (too large, cannot parse):
 *   narrow it to the records that cause it and dead-letter them;
 * - `permanent`: no retry and no record can mend it (missing table, no privilege): end the process.
 */
export type FailureClass = 'transient' | 'row_rejected' | 'statement_rejected' | 'permanent';

/** An error of the worker's own, with a stable code and whether retrying can mend it. */
export class WorkerError extends Error {
  override readonly name = 'WorkerError';

  constructor(
    /** Stable, documented code (e.g. `DEAD_LETTER_REFUSED`). */
    readonly code: string,
    message: string,
    /** False when the same attempt fails the same way every time: the process must end. */
    readonly canRetry: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown out of a retry loop when the worker is stopping: nothing more is written or committed. */
export class StoppedError extends Error {
  override readonly name = 'StoppedError';
  constructor() {
    super('worker is stopping');
  }
}

/** False for an error that says retrying is pointless (a WorkerError with canRetry false). */
export function canRetry(err: unknown): boolean {
  return !(err instanceof WorkerError) || err.canRetry;
}

// Server error numbers by class; the SQLSTATE class decides for numbers not listed.
const TRANSIENT_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1041, // ER_OUT_OF_RESOURCES
  1053, // ER_SERVER_SHUTDOWN
  1114, // ER_RECORD_FILE_FULL: disk or tablespace full, an operator frees space
  1158,
  1159,
  1160,
  1161, // ER_NET_READ_ERROR / READ_INTERRUPTED / ERROR_ON_WRITE / WRITE_INTERRUPTED
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1290, // ER_OPTION_PREVENTS_STATEMENT (--read-only)
  1317, // ER_QUERY_INTERRUPTED
  1792, // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1836, // ER_READ_ONLY_MODE
  1927, // ER_CONNECTION_KILLED (MariaDB)
  1969, // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
  3024, // ER_QUERY_TIMEOUT (MySQL max_execution_time)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL)
]);
const ROW_REJECTED_ERRNOS = new Set([
  1048, // ER_BAD_NULL_ERROR
  1062, // ER_DUP_ENTRY (a unique index other than the key)
  1264, // ER_WARN_DATA_OUT_OF_RANGE
  1265, // WARN_DATA_TRUNCATED
  1292, // ER_TRUNCATED_WRONG_VALUE
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (e.g. an invalid utf8mb4 string)
  1367, // ER_ILLEGAL_VALUE_FOR_TYPE
  1406, // ER_DATA_TOO_LONG
  1411, // ER_WRONG_VALUE_FOR_TYPE
  1451,
  1452, // ER_ROW_IS_REFERENCED_2 / ER_NO_REFERENCED_ROW_2
  1690, // ER_DATA_OUT_OF_RANGE
  3140, // ER_INVALID_JSON_TEXT
  3819, // ER_CHECK_CONSTRAINT_VIOLATED (MySQL CHECK)
  4025, // ER_CONSTRAINT_FAILED (MariaDB CHECK)
]);
const STATEMENT_REJECTED_ERRNOS = new Set([
  1064, // ER_PARSE_ERROR
  1104, // ER_TOO_BIG_SELECT
  1136, // ER_WRONG_VALUE_COUNT_ON_ROW
  1149, // ER_SYNTAX_ERROR
  1153, // ER_NET_PACKET_TOO_LARGE (max_allowed_packet); its SQLSTATE 08S01 says "connection"
  1301, // ER_WARN_ALLOWED_PACKET_OVERFLOWED
  1390, // ER_PS_MANY_PARAM
  1436, // ER_STACK_OVERRUN_NEED_MORE
  3170, // ER_CAPACITY_EXCEEDED (range optimizer memory)
]);
const PERMANENT_ERRNOS = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR
  1045, // ER_ACCESS_DENIED_ERROR
  1049, // ER_BAD_DB_ERROR
  1051, // ER_BAD_TABLE_ERROR
  1054, // ER_BAD_FIELD_ERROR: unknown column (schema behind the code)
  1109, // ER_UNKNOWN_TABLE
  1142, // ER_TABLEACCESS_DENIED_ERROR
  1143, // ER_COLUMNACCESS_DENIED_ERROR
  1146, // ER_NO_SUCH_TABLE
  1227, // ER_SPECIFIC_ACCESS_DENIED_ERROR
  1356, // ER_VIEW_INVALID
  1820, // ER_MUST_CHANGE_PASSWORD
  1862, // ER_MUST_CHANGE_PASSWORD_LOGIN
  3118, // ER_ACCOUNT_HAS_BEEN_LOCKED
]);
const TRANSIENT_CODES = new Set([
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

// The server refuses writes: a managed failover left this connection on the old primary.
const READ_ONLY_ERRNOS = new Set([1290, 1792, 1836]);
// Faults of the connection itself (lost, refused, unanswered), not of the statement it carried.
const CONNECTION_ERRNOS = new Set([1053, 1927, 2006, 2013]);

/** True when the server refused a write for being read-only (errno 1290, 1792 or 1836). */
export function isReadOnlyError(err: unknown): boolean {
  const errno = serverErrno(err);
  return errno !== undefined && READ_ONLY_ERRNOS.has(errno);
}

/**
 * True for a fault that a new connection may mend at once: the server is read-only (a failover
 * moved the primary) or the connection failed (lost, refused, timed out, name not resolved).
 */
export function isConnectionFault(err: unknown): boolean {
  if (isReadOnlyError(err)) return true;
  const fields = findDbFields(err);
  if (!fields) return false;
  const errno = serverErrno(err);
  if (errno !== undefined) return CONNECTION_ERRNOS.has(errno);
  return typeof fields.code === 'string' && TRANSIENT_CODES.has(fields.code);
}

/** The fields of a driver (mysql2 via knex and MikroORM) error that say what it is. */
interface DbErrorFields {
  errno?: unknown;
  code?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  name?: unknown;
  cause?: unknown;
}

/**
 * Classifies a database error by what it is: the server's error number, else its SQLSTATE
 * class, else the network code. Anything unknown is transient: retried with backoff (and
 * visible on /readyz once the partition is stuck), never dead-lettered, because
 * dead-lettering a healthy event for an outage would lose it from the table.
 */
export function classifyDbError(err: unknown): FailureClass {
  if (!canRetry(err)) return 'permanent';
  const fields = findDbFields(err);
  if (!fields) return 'transient';
  const { errno, code, sqlState } = fields;
  if (typeof errno === 'number' && errno > 0) {
    if (TRANSIENT_ERRNOS.has(errno)) return 'transient';
    if (ROW_REJECTED_ERRNOS.has(errno)) return 'row_rejected';
    if (STATEMENT_REJECTED_ERRNOS.has(errno)) return 'statement_rejected';
    if (PERMANENT_ERRNOS.has(errno)) return 'permanent';
  }
  if (typeof sqlState === 'string') {
    const sqlClass = sqlState.slice(0, 2);
    if (sqlClass === '22' || sqlClass === '23') return 'row_rejected'; // data exception, integrity constraint
    if (sqlClass === '21') return 'statement_rejected'; // cardinality
    if (sqlClass === '42' || sqlClass === '28' || sqlClass === '3D') return 'permanent'; // access, schema, auth
  }
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return 'transient';
  return 'transient';
}

/** The first error in the cause chain that carries a driver's errno, SQLSTATE or code. */
function findDbFields(err: unknown): DbErrorFields | undefined {
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
function isDatabaseError(err: DbErrorFields): boolean {
  return (
    typeof err.sqlState === 'string' ||
    typeof err.errno === 'number' ||
    'sql' in err ||
    'fatal' in err ||
    (typeof err.name === 'string' && /Exception$|^Knex/.test(err.name))
  );
}

// Fixed texts for driver errors without a server message: knex prefixes the driver's own message
// with the SQL statement and its values, so that message is never shown.
const NETWORK_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the database refused the connection',
  ECONNRESET: 'the connection to the database was reset',
  ETIMEDOUT: 'connecting to the database timed out',
  EPIPE: 'the connection to the database was closed while writing',
  PROTOCOL_CONNECTION_LOST: 'the database closed the connection',
  PROTOCOL_SEQUENCE_TIMEOUT: 'the database did not answer in time',
  QUERY_TIMEOUT: 'the database did not answer within MYSQL_QUERY_TIMEOUT_MS; the connection was dropped',
};

// Fixed messages of knex and mysql2 that carry no code, recognised at the end of knex's
// "<sql> - <message>" so the statement before them is never shown.
const KNOWN_DRIVER_MESSAGES: ReadonlyArray<[string, string]> = [
  [
    'Transaction query already complete, run with DEBUG=knex:tx for more info',
    "the transaction's connection failed under it (lost, or dropped after MYSQL_QUERY_TIMEOUT_MS)",
  ],
  ["Can't add new command when connection is in closed state", 'the connection to the database was closed'],
  ['Connection lost: The server closed the connection.', 'the database closed the connection'],
];

function knownDriverText(message: string): string | undefined {
  return KNOWN_DRIVER_MESSAGES.find(([tail]) => message === tail || message.endsWith(` - ${tail}`))?.[1];
}

/**
 * A short description of an error for logs and dead-letter headers, without SQL or values:
 * for server errors the code, the server's message with quoted values cut out, errno and
 * SQLSTATE (e.g. "ER_DATA_TOO_LONG: Data too long for column 'phone' at row 1 (errno 1406,
 * SQLSTATE 22001)"); for other driver errors the code and a fixed text; else the message.
 */
export function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  if (err instanceof WorkerError) return `${err.code}: ${err.message}`;
  const fields = err as DbErrorFields & { message?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  if (typeof fields.sqlMessage === 'string') {
    const where = [
      typeof fields.errno === 'number' ? `errno ${fields.errno}` : undefined,
      typeof fields.sqlState === 'string' ? `SQLSTATE ${fields.sqlState}` : undefined,
    ].filter(Boolean);
    const text = redactSqlMessage(fields.sqlMessage);
    return `${code ? `${code}: ` : ''}${text}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
  }
  if (isDatabaseError(fields)) {
    const name = typeof fields.name === 'string' ? fields.name : 'database error';
    const known = typeof fields.message === 'string' ? knownDriverText(fields.message) : undefined;
    const text = (code && NETWORK_TEXT[code]) ?? known ?? `${name} (message withheld: it may quote the statement)`;
    return code ? `${code}: ${text}` : text;
  }
  const message = typeof fields.message === 'string' ? fields.message : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * The stack of an unexpected error (a bug), for the log; undefined for driver errors, whose
 * first stack line repeats a message that may embed SQL with values.
 */
export function errorStack(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (isDatabaseError(current as DbErrorFields)) return undefined;
    if (!(current instanceof WorkerError)) return current.stack;
    current = current.cause;
  }
  return undefined;
}

// A quoted fragment right after one of these words is an identifier (a column, a key, a
// variable) and is kept; every other quoted fragment is a value and is cut out.
const IDENTIFIER_BEFORE =
  /\b(?:column|key|constraint|table|database|schema|index|field|variable|than|user|function|procedure|trigger|view)\s*$/i;
const IDENTIFIER = /^[\w$.@%`-]{0,64}$/;
// Where the server ends a quoted value, by priority: the last of the first kind found (the value
// may itself contain one). What follows must look like the server's own tail, or it is cut too.
const VALUE_ENDS = ["' for column", "' for key", "' at line", "' at row", "' for function", "' for type"];
const NAME = "[`'][\\w$.]{1,128}[`']";
const SERVER_TAIL = new RegExp(
  `^(?: (?:for (?:column|key|function|type)|at (?:row|line)) (?:${NAME}(?:\\.${NAME})*|\\d+))*\\.?$`,
);

/**
 * The server's message with its quoted value replaced by '…' ("Incorrect string value:
 * '\\xF0…' for column", "Duplicate entry 'jane@…' for key", "near 'VALUES (…' at line 1"),
 * keeping quoted identifiers ("for column 'phone'") and backquoted names.
 */
export function redactSqlMessage(message: string): string {
  let out = '';
  let i = 0;
  while (i < message.length) {
    const open = nextQuote(message, i);
    if (open < 0) return out + message.slice(i);
    out += message.slice(i, open);
    const close = nextQuote(message, open + 1);
    const fragment = close < 0 ? undefined : message.slice(open + 1, close);
    if (fragment !== undefined && IDENTIFIER_BEFORE.test(out) && IDENTIFIER.test(fragment)) {
      out += `'${fragment}'`;
      i = close + 1;
      continue;
    }
    out += "'…'";
    const tail = VALUE_ENDS.map((t) => message.lastIndexOf(t)).find((at) => at > open);
    const rest = tail === undefined ? '' : message.slice(tail + 1);
    return SERVER_TAIL.test(rest) ? out + rest : out;
  }
  return out;
}

/** The next quote at or after `from`, skipping apostrophes inside words ("doesn't", "Can't"). */
function nextQuote(message: string, from: number): number {
  for (let at = message.indexOf("'", from); at >= 0; at = message.indexOf("'", at + 1)) {
    if (!(/[a-z]/i.test(message[at - 1] ?? '') && /[a-z]/i.test(message[at + 1] ?? ''))) return at;
  }
  return -1;
}

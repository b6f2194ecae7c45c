/**
 * How the pipeline treats a failure:
 * - `transient`: the outage ends by itself (connection, deadlock, lock wait, read-only, timeout): retry with backoff;
 * - `row_rejected`: the server rejects a value of one row: isolate the row and dead-letter it;
 * - `statement_rejected`: the statement fails the same way every time (too large, cannot parse):
 *   narrow it to the records that cause it and dead-letter them;
 * - `permanent`: no retry and no record can mend it (missing table, no privilege): end the process.
 */
export type FailureClass = 'transient' | 'row_rejected' | 'statement_rejected' | 'permanent';

/** Which permanent fault stops the start-up (spec §5). */
export type StartupFault = 'credentials' | 'unknown_database' | 'privileges' | 'pending_migrations';

/** What one server error number means. */
export interface MysqlErrno {
  /** The server's symbol, for readers and logs. */
  symbol: string;
  failure: FailureClass;
  /**
   * A transient fault that a new connection may mend at once: the server is read-only (a
   * failover moved the primary) or the connection itself failed (lost, killed, server down).
   */
  connection?: 'read_only' | 'lost';
  /** The start-up fault it proves, when start-up ends on it instead of retrying. */
  startup?: StartupFault;
}

type Row = [errno: number, symbol: string, failure: FailureClass, extra?: Pick<MysqlErrno, 'connection' | 'startup'>];

// Numbers MySQL and MariaDB share unless marked; the SQLSTATE class decides for numbers not listed.
const ROWS: readonly Row[] = [
  [1040, 'ER_CON_COUNT_ERROR', 'transient'], // too many connections
  [1041, 'ER_OUT_OF_RESOURCES', 'transient'],
  [1053, 'ER_SERVER_SHUTDOWN', 'transient', { connection: 'lost' }],
  [1114, 'ER_RECORD_FILE_FULL', 'transient'], // disk or tablespace full: an operator frees space
  [1158, 'ER_NET_READ_ERROR', 'transient'],
  [1159, 'ER_NET_READ_INTERRUPTED', 'transient'],
  [1160, 'ER_NET_ERROR_ON_WRITE', 'transient'],
  [1161, 'ER_NET_WRITE_INTERRUPTED', 'transient'],
  [1203, 'ER_TOO_MANY_USER_CONNECTIONS', 'transient'],
  [1205, 'ER_LOCK_WAIT_TIMEOUT', 'transient'],
  [1213, 'ER_LOCK_DEADLOCK', 'transient'],
  [1290, 'ER_OPTION_PREVENTS_STATEMENT', 'transient', { connection: 'read_only' }], // --read-only
  [1317, 'ER_QUERY_INTERRUPTED', 'transient'],
  [1792, 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION', 'transient', { connection: 'read_only' }],
  [1836, 'ER_READ_ONLY_MODE', 'transient', { connection: 'read_only' }],
  [1927, 'ER_CONNECTION_KILLED', 'transient', { connection: 'lost' }], // MariaDB
  [1969, 'ER_STATEMENT_TIMEOUT', 'transient'], // MariaDB max_statement_time
  [2006, 'CR_SERVER_GONE_ERROR', 'transient', { connection: 'lost' }],
  [2013, 'CR_SERVER_LOST', 'transient', { connection: 'lost' }],
  [3024, 'ER_QUERY_TIMEOUT', 'transient'], // MySQL max_execution_time
  [4031, 'ER_CLIENT_INTERACTION_TIMEOUT', 'transient'], // MySQL

  [1048, 'ER_BAD_NULL_ERROR', 'row_rejected'],
  [1062, 'ER_DUP_ENTRY', 'row_rejected'], // a unique index other than the key
  [1264, 'ER_WARN_DATA_OUT_OF_RANGE', 'row_rejected'],
  [1265, 'WARN_DATA_TRUNCATED', 'row_rejected'],
  [1292, 'ER_TRUNCATED_WRONG_VALUE', 'row_rejected'],
  [1366, 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 'row_rejected'], // e.g. an invalid utf8mb4 string
  [1367, 'ER_ILLEGAL_VALUE_FOR_TYPE', 'row_rejected'],
  [1406, 'ER_DATA_TOO_LONG', 'row_rejected'],
  [1411, 'ER_WRONG_VALUE_FOR_TYPE', 'row_rejected'],
  [1451, 'ER_ROW_IS_REFERENCED_2', 'row_rejected'],
  [1452, 'ER_NO_REFERENCED_ROW_2', 'row_rejected'],
  [1690, 'ER_DATA_OUT_OF_RANGE', 'row_rejected'],
  [3140, 'ER_INVALID_JSON_TEXT', 'row_rejected'],
  [3819, 'ER_CHECK_CONSTRAINT_VIOLATED', 'row_rejected'], // MySQL CHECK
  [4025, 'ER_CONSTRAINT_FAILED', 'row_rejected'], // MariaDB CHECK

  [1064, 'ER_PARSE_ERROR', 'statement_rejected'],
  [1104, 'ER_TOO_BIG_SELECT', 'statement_rejected'],
  [1136, 'ER_WRONG_VALUE_COUNT_ON_ROW', 'statement_rejected'],
  [1149, 'ER_SYNTAX_ERROR', 'statement_rejected'],
  [1153, 'ER_NET_PACKET_TOO_LARGE', 'statement_rejected'], // max_allowed_packet; its SQLSTATE 08S01 says "connection"
  [1301, 'ER_WARN_ALLOWED_PACKET_OVERFLOWED', 'statement_rejected'],
  [1390, 'ER_PS_MANY_PARAM', 'statement_rejected'],
  [1436, 'ER_STACK_OVERRUN_NEED_MORE', 'statement_rejected'],
  [3170, 'ER_CAPACITY_EXCEEDED', 'statement_rejected'], // range optimizer memory

  [1044, 'ER_DBACCESS_DENIED_ERROR', 'permanent', { startup: 'privileges' }], // also an unknown database without grants
  [1045, 'ER_ACCESS_DENIED_ERROR', 'permanent', { startup: 'credentials' }], // wrong user or password
  [1049, 'ER_BAD_DB_ERROR', 'permanent', { startup: 'unknown_database' }],
  [1051, 'ER_BAD_TABLE_ERROR', 'permanent'],
  [1054, 'ER_BAD_FIELD_ERROR', 'permanent', { startup: 'pending_migrations' }], // a column the code needs is missing
  [1109, 'ER_UNKNOWN_TABLE', 'permanent'],
  [1130, 'ER_HOST_NOT_PRIVILEGED', 'permanent', { startup: 'credentials' }], // may not connect from this host
  [1142, 'ER_TABLEACCESS_DENIED_ERROR', 'permanent', { startup: 'privileges' }],
  [1143, 'ER_COLUMNACCESS_DENIED_ERROR', 'permanent', { startup: 'privileges' }],
  [1146, 'ER_NO_SUCH_TABLE', 'permanent', { startup: 'pending_migrations' }],
  [1227, 'ER_SPECIFIC_ACCESS_DENIED_ERROR', 'permanent', { startup: 'privileges' }],
  [1251, 'ER_NOT_SUPPORTED_AUTH_MODE', 'permanent', { startup: 'credentials' }],
  [1356, 'ER_VIEW_INVALID', 'permanent'],
  [1698, 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR', 'permanent', { startup: 'credentials' }],
  [1820, 'ER_MUST_CHANGE_PASSWORD', 'permanent'],
  [1862, 'ER_MUST_CHANGE_PASSWORD_LOGIN', 'permanent', { startup: 'credentials' }],
  [3118, 'ER_ACCOUNT_HAS_BEEN_LOCKED', 'permanent', { startup: 'credentials' }], // MySQL
  [4151, 'ER_ACCOUNT_HAS_BEEN_LOCKED', 'permanent', { startup: 'credentials' }], // MariaDB
];

/** The one table of server error numbers: errno → what it means. */
export const MYSQL_ERRNOS: ReadonlyMap<number, MysqlErrno> = new Map(
  ROWS.map(([errno, symbol, failure, extra]) => [errno, { symbol, failure, ...extra }]),
);

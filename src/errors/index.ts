/** The worker's errors: the closed list of codes, the one MySQL errno table, log-safe descriptions. */
export { WORKER_ERROR_CODES, type CanRetryFor, type WorkerErrorCode } from './codes';
export { canRetry, StoppedError, WorkerError } from './worker-error';
export { MYSQL_ERRNOS, type FailureClass, type MysqlErrno, type StartupFault } from './mysql-errnos';
export { classifyDbError, isConnectionFault, isReadOnlyError, serverErrno } from './classify';
export { describeError, errorStack, redactSqlMessage } from './redact';

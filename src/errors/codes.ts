/**
 * The closed list of the worker's error codes, each with whether retrying can mend it: a code
 * not listed here does not compile, and each code's answer to "retry?" is decided here only.
 */
export const WORKER_ERROR_CODES = {
  /** A compressed batch would expand past DECOMPRESSED_BATCH_MAX_BYTES: the process ends. */
  BATCH_TOO_LARGE: { canRetry: false },
  /** The framing of a compressed batch cannot be read (truncated, not the codec's format). */
  COMPRESSED_FRAME_UNREADABLE: { canRetry: false },
  /** A codec refused a batch for the bound, before decompressing it. */
  DECOMPRESSION_BOUND_EXCEEDED: { canRetry: false },
  /** The broker's certificate is not trusted by KAFKA_SSL_CA_FILE. */
  BROKER_CERTIFICATE_REFUSED: { canRetry: false },
  /** The database refused the TLS handshake (certificate, or no TLS on the server). */
  DATABASE_TLS_REFUSED: { canRetry: false },
  /** Start-up: the database refused the login (user, password, host, locked account). */
  DATABASE_LOGIN_REFUSED: { canRetry: false },
  /** Start-up: MYSQL_DATABASE does not exist. */
  DATABASE_UNKNOWN: { canRetry: false },
  /** Start-up: the account lacks a privilege the worker needs. */
  DATABASE_PRIVILEGE_MISSING: { canRetry: false },
  /** Start-up: migrations not applied, or a table or column the code needs is missing. */
  DATABASE_NOT_MIGRATED: { canRetry: false },
  /** A write failed in a way no retry mends (missing table, no privilege). */
  DATABASE_REFUSED: { canRetry: false },
  /** Every record of a statement fails alone: the fault is not in the records. */
  STATEMENT_ALWAYS_FAILS: { canRetry: false },
  /** The database rejected REJECTION_STORM_LIMIT records in a row with the same error. */
  REJECTION_STORM: { canRetry: false },
  /** The broker refuses a dead letter for good (too large, not authorized, policy). */
  DEAD_LETTER_REFUSED: { canRetry: false },
  /** A dead letter could not be published for now (broker out of reach). */
  DEAD_LETTER_UNAVAILABLE: { canRetry: true },
  /** A mapper threw something other than an invalid-event error (a bug): the chunk is retried. */
  UNEXPECTED_MAPPING_ERROR: { canRetry: true },
  /** Nothing failed: the worker is stopping and the work in hand is left uncommitted, done again later. */
  STOPPED: { canRetry: true },
} as const satisfies Record<string, { canRetry: boolean }>;

/** One code of the closed list. */
export type WorkerErrorCode = keyof typeof WORKER_ERROR_CODES;

/** Whether retrying can mend an error with code C (a literal type, checked where it is thrown). */
export type CanRetryFor<C extends WorkerErrorCode> = (typeof WORKER_ERROR_CODES)[C]['canRetry'];

/**
 * Every environment variable the worker reads, declared once: its kind (what it accepts), its
 * default and the line the README's configuration table shows (`npm run docs:config` writes it).
 */
import {
  flag,
  hostPorts,
  int,
  oneOf,
  optionalOneOf,
  optionalSecret,
  optionalText,
  pemFile,
  secret,
  text,
} from './config-vars';

/** The pino level names. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The MySQL variables: all that `npx mikro-orm` reads. */
export const mysqlVariables = {
  MYSQL_HOST: text('localhost').describe('resolved again by each new connection'),
  MYSQL_PORT: int(3306, 1, 65535).describe('database port'),
  MYSQL_USER: text('analytics').describe("the worker's account"),
  MYSQL_PASSWORD: secret('analytics123').describe('never logged'),
  MYSQL_DATABASE: text('analytics').describe('schema of `users`'),
  MYSQL_POOL_SIZE: int(5, 1, 100).describe('connections: one per concurrent partition, plus one'),
  MYSQL_QUERY_TIMEOUT_MS: int(60_000, 100, 3_600_000).describe(
    'an unanswered statement fails; its connection is dropped, then retried',
  ),
  MYSQL_CONNECTION_MAX_AGE_MS: int(300_000, 1_000, 86_400_000).describe('older pooled connections are closed'),
  MYSQL_SSL_MODE: oneOf(['disabled', 'verify-ca', 'verify-identity'], 'disabled').describe(
    '`verify-ca`: chain; `verify-identity`: and host name',
  ),
  MYSQL_SSL_CA_FILE: pemFile().describe('server CA; unset: system CAs'),
  MYSQL_SSL_CERT_FILE: pemFile().describe('client certificate (`REQUIRE X509`)'),
  MYSQL_SSL_KEY_FILE: pemFile().describe('its key, unencrypted'),
};

/** Everything the worker reads. */
export const workerVariables = {
  ...mysqlVariables,
  KAFKA_BROKERS: hostPorts('localhost:9092').describe('bootstrap brokers'),
  KAFKA_TOPIC: text('user').describe('source topic'),
  KAFKA_GROUP_ID: text('mysql-analytics-service').describe('a new group starts at the earliest offset'),
  KAFKA_DLQ_TOPIC: text('user.dlq').describe('dead-letter topic, not the source'),
  KAFKA_CLIENT_ID: text('mysql-analytics-worker').describe('client id'),
  KAFKA_PARTITIONS_CONCURRENCY: int(4, 1, 64).describe('partitions written in parallel'),
  KAFKA_SESSION_TIMEOUT_MS: int(30_000, 6_000, 300_000).describe("a dead replica's partitions move after it"),
  KAFKA_SSL: flag(false).describe('TLS, certificate always verified'),
  KAFKA_SSL_CA_FILE: pemFile().describe('broker CA; unset: system CAs'),
  KAFKA_SSL_CERT_FILE: pemFile().describe('client certificate'),
  KAFKA_SSL_KEY_FILE: pemFile().describe('its key, unencrypted'),
  KAFKA_SASL_MECHANISM: optionalOneOf(['plain', 'scram-sha-256', 'scram-sha-512']).describe(
    '`plain` only with `KAFKA_SSL`',
  ),
  KAFKA_SASL_USERNAME: optionalText().describe('required with a mechanism'),
  KAFKA_SASL_PASSWORD: optionalSecret().describe('required with a mechanism; never logged'),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info').describe('JSON log on stdout'),
  EVENT_LOG_LEVEL: oneOf(LOG_LEVELS, 'info').describe('of the `[USER_CREATED] <id>` lines'),
  HTTP_PORT: int(8080, 0, 65535).describe('health and metrics; `0`: any free port'),
  WRITE_CHUNK_SIZE: int(500, 1, 10_000).describe('records per chunk (one transaction)'),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 600_000).describe('bound of a graceful stop'),
  PARTITION_STUCK_MS: int(60_000, 1_000, 3_600_000).describe('`/readyz` 503 after this without progress'),
  RETRY_INITIAL_DELAY_MS: int(200, 1, 60_000).describe('first delay of the retry backoff'),
  RETRY_MAX_DELAY_MS: int(30_000, 1, 600_000).describe('longest delay of the retry backoff'),
  REJECTION_STORM_LIMIT: int(100, 1, 1_000_000).describe('see Rejection storm'),
  DECOMPRESSED_BATCH_MAX_BYTES: int(64 * 1024 * 1024, 65_536, 1024 * 1024 * 1024).describe(
    'bound of a decompressed batch (64 MiB)',
  ),
};

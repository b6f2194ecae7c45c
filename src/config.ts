/**
 * The worker's configuration: the variables of src/config-schema.ts read from process.env at once,
 * so a bad deployment stops at start-up with every bad variable named.
 */
import { isIP } from 'node:net';
import { mysqlVariables, workerVariables, type LOG_LEVELS } from './config-schema';
import { parseEnv, type Env, type Values } from './config-vars';
import { ormEnvProblems } from './orm-env-guard';

/** How the MySQL connection is secured; absent means plain TCP (the local default). */
export interface MysqlTls {
  /** verify-ca: the chain must lead to the CA; verify-identity: and the host name must match. */
  mode: 'verify-ca' | 'verify-identity';
  /** PEM of the CA to trust instead of the system's (required for verify-ca). */
  ca?: string;
  /** PEM client certificate and key, for servers that ask for one. */
  cert?: string;
  key?: string;
}

/** MySQL connection settings (also what `npx mikro-orm` reads). */
export interface MysqlConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  poolSize: number;
  tls?: MysqlTls;
  /** A statement without an answer for this long is abandoned and its connection dropped (then retried); absent or 0: none. */
  queryTimeoutMs?: number;
  /** A pooled connection older than this is closed instead of reused (a failover's DNS change then takes effect); absent: no bound. */
  connectionMaxAgeMs?: number;
}

/** A SASL mechanism Kafka accepts from kafkajs. */
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** How Kafka connections are secured: TLS (own CA, optional client certificate) and SASL. */
export interface KafkaSecurity {
  /** null: plaintext. Otherwise TLS, the broker's certificate always verified. */
  tls: null | { ca?: string; cert?: string; key?: string };
  sasl: null | { mechanism: SaslMechanism; username: string; password: string };
}

/** Everything the worker reads from the environment, typed and frozen. */
export interface Config {
  kafka: {
    brokers: string[];
    topic: string;
    groupId: string;
    dlqTopic: string;
    clientId: string;
    partitionsConsumedConcurrently: number;
    sessionTimeoutMs: number;
    security: KafkaSecurity;
    /** The most bytes one fetched batch may decompress to (a bigger one ends the process). */
    decompressedBatchMaxBytes: number;
  };
  mysql: MysqlConfig;
  logLevel: LogLevel;
  /** Level of the per-event `[USER_CREATED] <id>` lines (info by default, spec §7). */
  eventLogLevel: LogLevel;
  /** Port of /livez, /readyz and /metrics; 0 picks a free one (logged). */
  httpPort: number;
  writeChunkSize: number;
  shutdownTimeoutMs: number;
  /** /readyz is 503 while a partition has had work without progress for longer than this. */
  partitionStuckMs: number;
  retry: { initialDelayMs: number; maxDelayMs: number };
  /** The worker stops after this many records in a row rejected by the database with the same error (spec §5). */
  rejectionStormLimit: number;
}

/** A pino level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Thrown when variables are invalid; the message lists each one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

// An empty variable counts as unset, as in the schema.
const given = (env: Env, name: string): boolean => Boolean(env[name]);

/** Contradictions among the MySQL TLS variables (each message names the variables). */
function mysqlProblems(v: Partial<Values<typeof mysqlVariables>>, env: Env): string[] {
  const problems: string[] = [];
  const files = ['MYSQL_SSL_CA_FILE', 'MYSQL_SSL_CERT_FILE', 'MYSQL_SSL_KEY_FILE'] as const;
  if (v.MYSQL_SSL_MODE === 'disabled') {
    const set = files.filter((name) => given(env, name));
    if (set.length > 0) problems.push(`${set.join(', ')} set but MYSQL_SSL_MODE is disabled: set MYSQL_SSL_MODE`);
  }
  // Without its own CA, verify-ca would accept any certificate a public CA ever signed.
  if (v.MYSQL_SSL_MODE === 'verify-ca' && !given(env, 'MYSQL_SSL_CA_FILE')) {
    problems.push('MYSQL_SSL_MODE=verify-ca needs MYSQL_SSL_CA_FILE (or use verify-identity with the system CAs)');
  }
  // The driver checks an IP address against the name "localhost", not against the address.
  if (v.MYSQL_SSL_MODE === 'verify-identity' && typeof v.MYSQL_HOST === 'string' && isIP(v.MYSQL_HOST) !== 0) {
    problems.push(
      'MYSQL_SSL_MODE=verify-identity needs MYSQL_HOST to be the host name in the certificate, not an IP address',
    );
  }
  if (given(env, 'MYSQL_SSL_CERT_FILE') !== given(env, 'MYSQL_SSL_KEY_FILE')) {
    problems.push('MYSQL_SSL_CERT_FILE and MYSQL_SSL_KEY_FILE go together: set both or neither');
  }
  return problems;
}

/** Contradictions among the Kafka variables. */
function kafkaProblems(v: Partial<Values<typeof workerVariables>>, env: Env): string[] {
  const problems: string[] = [];
  if (v.KAFKA_SSL === false) {
    const set = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'].filter((name) => given(env, name));
    if (set.length > 0) problems.push(`${set.join(', ')} set but KAFKA_SSL is not true: set KAFKA_SSL=true`);
  }
  if (given(env, 'KAFKA_SSL_CERT_FILE') !== given(env, 'KAFKA_SSL_KEY_FILE')) {
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: set both or neither');
  }
  if (v.KAFKA_SASL_MECHANISM !== undefined) {
    if (!given(env, 'KAFKA_SASL_USERNAME'))
      problems.push('KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME is required');
    if (!given(env, 'KAFKA_SASL_PASSWORD'))
      problems.push('KAFKA_SASL_MECHANISM is set: KAFKA_SASL_PASSWORD is required');
    // PLAIN sends the password as it is: over plaintext anyone on the path reads it.
    if (v.KAFKA_SASL_MECHANISM === 'plain' && v.KAFKA_SSL === false) {
      problems.push('KAFKA_SASL_MECHANISM=plain sends the password in clear: set KAFKA_SSL=true');
    }
  } else if (
    !given(env, 'KAFKA_SASL_MECHANISM') &&
    (given(env, 'KAFKA_SASL_USERNAME') || given(env, 'KAFKA_SASL_PASSWORD'))
  ) {
    problems.push('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD set but KAFKA_SASL_MECHANISM is not');
  }
  if (v.KAFKA_TOPIC !== undefined && v.KAFKA_DLQ_TOPIC === v.KAFKA_TOPIC) {
    problems.push('KAFKA_DLQ_TOPIC must differ from KAFKA_TOPIC');
  }
  return problems;
}

/** The PEM contents that were given, without keys for those that were not. */
function pemFiles(ca?: string, cert?: string, key?: string): { ca?: string; cert?: string; key?: string } {
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  };
}

function toMysql(v: Values<typeof mysqlVariables>): MysqlConfig {
  const mysql: MysqlConfig = {
    host: v.MYSQL_HOST,
    port: v.MYSQL_PORT,
    user: v.MYSQL_USER,
    password: v.MYSQL_PASSWORD,
    database: v.MYSQL_DATABASE,
    poolSize: v.MYSQL_POOL_SIZE,
    queryTimeoutMs: v.MYSQL_QUERY_TIMEOUT_MS,
    connectionMaxAgeMs: v.MYSQL_CONNECTION_MAX_AGE_MS,
  };
  if (v.MYSQL_SSL_MODE !== 'disabled') {
    mysql.tls = {
      mode: v.MYSQL_SSL_MODE,
      ...pemFiles(v.MYSQL_SSL_CA_FILE, v.MYSQL_SSL_CERT_FILE, v.MYSQL_SSL_KEY_FILE),
    };
  }
  return mysql;
}

/** Reads only the MySQL part (for the MikroORM CLI, which must not need Kafka settings). */
export function loadMysqlConfig(env: Env = process.env): MysqlConfig {
  const { values, problems } = parseEnv(mysqlVariables, env, (v) => [...mysqlProblems(v, env), ...ormEnvProblems(env)]);
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(toMysql(values));
}

/** Reads and validates the whole configuration (spec §6 plus the documented tuning variables). */
export function loadConfig(env: Env = process.env): Config {
  const { values: v, problems } = parseEnv(workerVariables, env, (partial) => [
    ...mysqlProblems(partial, env),
    ...kafkaProblems(partial, env),
    ...ormEnvProblems(env),
  ]);
  if (problems.length > 0) throw new ConfigError(problems);
  const tls = v.KAFKA_SSL ? pemFiles(v.KAFKA_SSL_CA_FILE, v.KAFKA_SSL_CERT_FILE, v.KAFKA_SSL_KEY_FILE) : null;
  const sasl =
    v.KAFKA_SASL_MECHANISM === undefined
      ? null
      : {
          mechanism: v.KAFKA_SASL_MECHANISM,
          username: v.KAFKA_SASL_USERNAME as string,
          password: v.KAFKA_SASL_PASSWORD as string,
        };
  return deepFreeze({
    kafka: {
      brokers: v.KAFKA_BROKERS,
      topic: v.KAFKA_TOPIC,
      groupId: v.KAFKA_GROUP_ID,
      dlqTopic: v.KAFKA_DLQ_TOPIC,
      clientId: v.KAFKA_CLIENT_ID,
      partitionsConsumedConcurrently: v.KAFKA_PARTITIONS_CONCURRENCY,
      sessionTimeoutMs: v.KAFKA_SESSION_TIMEOUT_MS,
      security: { tls, sasl },
      decompressedBatchMaxBytes: v.DECOMPRESSED_BATCH_MAX_BYTES,
    },
    mysql: toMysql(v),
    logLevel: v.LOG_LEVEL,
    eventLogLevel: v.EVENT_LOG_LEVEL,
    httpPort: v.HTTP_PORT,
    writeChunkSize: v.WRITE_CHUNK_SIZE,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    partitionStuckMs: v.PARTITION_STUCK_MS,
    retry: { initialDelayMs: v.RETRY_INITIAL_DELAY_MS, maxDelayMs: v.RETRY_MAX_DELAY_MS },
    rejectionStormLimit: v.REJECTION_STORM_LIMIT,
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

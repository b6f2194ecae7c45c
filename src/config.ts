/**
 * The worker's configuration: one schema over process.env, validated at once,
 * so a bad deployment stops at start-up with every bad variable named.
 */

/** MySQL connection settings (also what `npx mikro-orm` reads). */
export interface MysqlConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  poolSize: number;
  /** A statement without an answer for this long is abandoned and its connection dropped (then retried); absent or 0: none. */
  queryTimeoutMs?: number;
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
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A pino level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Thrown when variables are invalid; the message lists each one. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Collects problems instead of throwing at the first one. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw.trim() === '') this.problems.push(`${name} must not be blank`);
    return raw.trim();
  }

  /** A password is taken verbatim: spaces may be part of it. */
  secret(name: string, fallback: string): string {
    const raw = this.env[name];
    return raw === undefined ? fallback : raw;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw.trim());
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  level(name: string, fallback: LogLevel): LogLevel {
    const raw = this.string(name, fallback).toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as LogLevel;
  }

  brokers(name: string, fallback: string): string[] {
    const list = this.string(name, fallback)
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
    const bad = list.filter((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
    if (list.length === 0 || bad.length > 0) {
      this.problems.push(`${name} must be a comma-separated list of host:port, got "${this.env[name] ?? ''}"`);
    }
    return list;
  }
}

function readMysql(r: EnvReader): MysqlConfig {
  return {
    host: r.string('MYSQL_HOST', 'localhost'),
    port: r.int('MYSQL_PORT', 3306, 1, 65535),
    user: r.string('MYSQL_USER', 'analytics'),
    password: r.secret('MYSQL_PASSWORD', 'analytics123'),
    database: r.string('MYSQL_DATABASE', 'analytics'),
    poolSize: r.int('MYSQL_POOL_SIZE', 5, 1, 100),
    queryTimeoutMs: r.int('MYSQL_QUERY_TIMEOUT_MS', 60_000, 100, 3_600_000),
  };
}

/** Reads only the MySQL part (for the MikroORM CLI, which must not need Kafka settings). */
export function loadMysqlConfig(env: Env = process.env): MysqlConfig {
  const reader = new EnvReader(env);
  const mysql = readMysql(reader);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return Object.freeze(mysql);
}

/** Reads and validates the whole configuration (spec §6 plus the documented tuning variables). */
export function loadConfig(env: Env = process.env): Config {
  const r = new EnvReader(env);
  const config: Config = {
    kafka: {
      brokers: r.brokers('KAFKA_BROKERS', 'localhost:9092'),
      topic: r.string('KAFKA_TOPIC', 'user'),
      groupId: r.string('KAFKA_GROUP_ID', 'mysql-analytics-service'),
      dlqTopic: r.string('KAFKA_DLQ_TOPIC', 'user.dlq'),
      clientId: r.string('KAFKA_CLIENT_ID', 'mysql-analytics-worker'),
      partitionsConsumedConcurrently: r.int('KAFKA_PARTITIONS_CONCURRENCY', 4, 1, 64),
      sessionTimeoutMs: r.int('KAFKA_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    },
    mysql: readMysql(r),
    logLevel: r.level('LOG_LEVEL', 'info'),
    eventLogLevel: r.level('EVENT_LOG_LEVEL', 'info'),
    httpPort: r.int('HTTP_PORT', 8080, 0, 65535),
    writeChunkSize: r.int('WRITE_CHUNK_SIZE', 500, 1, 10_000),
    shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    partitionStuckMs: r.int('PARTITION_STUCK_MS', 60_000, 1_000, 3_600_000),
    retry: {
      initialDelayMs: r.int('RETRY_INITIAL_DELAY_MS', 200, 1, 60_000),
      maxDelayMs: r.int('RETRY_MAX_DELAY_MS', 30_000, 1, 600_000),
    },
  };
  if (config.kafka.dlqTopic === config.kafka.topic) {
    r.problems.push('KAFKA_DLQ_TOPIC must differ from KAFKA_TOPIC');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig, loadMysqlConfig } from '../../src/config';
import { workerVariables } from '../../src/config-schema';

// Every variable's default, its accepted range at both ends and one past, with the message an
// operator reads (spec §6: a bad value stops start-up naming the variable).

const MYSQL_DEFAULTS = {
  host: 'localhost',
  port: 3306,
  user: 'analytics',
  password: 'analytics123',
  database: 'analytics',
  poolSize: 5,
  queryTimeoutMs: 60_000,
  connectionMaxAgeMs: 300_000,
};

function problems(env: Record<string, string>, load: (env: Record<string, string>) => unknown = loadConfig): string[] {
  try {
    load(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.message, `invalid configuration: ${err.problems.join('; ')}`);
    assert.equal(err.name, 'ConfigError');
    return err.problems;
  }
  return assert.fail(`expected ConfigError for ${JSON.stringify(env)}`);
}

function assertDeepFrozen(value: object, path = 'config'): void {
  assert.ok(Object.isFrozen(value), `${path} is frozen`);
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'object' && child !== null) assertDeepFrozen(child as object, `${path}.${key}`);
  }
}

describe('configuration defaults', () => {
  it('are those of spec §6 and the README, frozen all the way down', () => {
    const config = loadConfig({});
    assert.deepEqual(config, {
      kafka: {
        brokers: ['localhost:9092'],
        topic: 'user',
        groupId: 'mysql-analytics-service',
        dlqTopic: 'user.dlq',
        clientId: 'mysql-analytics-worker',
        partitionsConsumedConcurrently: 4,
        sessionTimeoutMs: 30_000,
        security: { tls: null, sasl: null },
        decompressedBatchMaxBytes: 64 * 1024 * 1024,
      },
      mysql: MYSQL_DEFAULTS,
      logLevel: 'info',
      eventLogLevel: 'info',
      httpPort: 8080,
      writeChunkSize: 500,
      shutdownTimeoutMs: 10_000,
      partitionStuckMs: 60_000,
      retry: { initialDelayMs: 200, maxDelayMs: 30_000 },
      rejectionStormLimit: 100,
    });
    assertDeepFrozen(config);
    const mysql = loadMysqlConfig({});
    assert.deepEqual(mysql, MYSQL_DEFAULTS);
    assertDeepFrozen(mysql, 'mysql');
  });

  it('treat an empty variable as unset (but an empty MySQL password is a password)', () => {
    const names = Object.keys(workerVariables).filter((name) => name !== 'MYSQL_PASSWORD');
    assert.equal(names.length, 35);
    const env = Object.fromEntries(names.map((name) => [name, '']));
    assert.deepEqual(loadConfig(env), loadConfig({}));
    assert.equal(loadConfig({ MYSQL_PASSWORD: '' }).mysql.password, '');
  });
});

describe('every variable is read', () => {
  it('into its place, trimmed (the MySQL password verbatim)', () => {
    const config = loadConfig({
      KAFKA_BROKERS: ' k1:9092 ,k2:9093,, ',
      KAFKA_TOPIC: ' users-v2 ',
      KAFKA_GROUP_ID: 'g',
      KAFKA_DLQ_TOPIC: 'd',
      KAFKA_CLIENT_ID: 'c',
      KAFKA_PARTITIONS_CONCURRENCY: '8',
      KAFKA_SESSION_TIMEOUT_MS: '45000',
      MYSQL_HOST: 'db',
      MYSQL_PORT: ' 3307 ',
      MYSQL_USER: 'u',
      MYSQL_PASSWORD: ' pw ',
      MYSQL_DATABASE: 'a2',
      MYSQL_POOL_SIZE: '7',
      MYSQL_QUERY_TIMEOUT_MS: '5000',
      MYSQL_CONNECTION_MAX_AGE_MS: '2000',
      DECOMPRESSED_BATCH_MAX_BYTES: '100000',
      REJECTION_STORM_LIMIT: '3',
      LOG_LEVEL: ' Warn ',
      EVENT_LOG_LEVEL: 'debug',
      HTTP_PORT: '0',
      WRITE_CHUNK_SIZE: '1000',
      SHUTDOWN_TIMEOUT_MS: '20000',
      PARTITION_STUCK_MS: '90000',
      RETRY_INITIAL_DELAY_MS: '50',
      RETRY_MAX_DELAY_MS: '5000',
    });
    assert.deepEqual(config, {
      kafka: {
        brokers: ['k1:9092', 'k2:9093'],
        topic: 'users-v2',
        groupId: 'g',
        dlqTopic: 'd',
        clientId: 'c',
        partitionsConsumedConcurrently: 8,
        sessionTimeoutMs: 45_000,
        security: { tls: null, sasl: null },
        decompressedBatchMaxBytes: 100_000,
      },
      mysql: {
        host: 'db',
        port: 3307,
        user: 'u',
        password: ' pw ',
        database: 'a2',
        poolSize: 7,
        queryTimeoutMs: 5000,
        connectionMaxAgeMs: 2000,
      },
      logLevel: 'warn',
      eventLogLevel: 'debug',
      httpPort: 0,
      writeChunkSize: 1000,
      shutdownTimeoutMs: 20_000,
      partitionStuckMs: 90_000,
      retry: { initialDelayMs: 50, maxDelayMs: 5000 },
      rejectionStormLimit: 3,
    });
  });

  it('accepts every log level and SASL mechanism, and the spellings of a flag', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      assert.equal(loadConfig({ LOG_LEVEL: level.toUpperCase() }).logLevel, level);
    }
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512']) {
      const env = {
        KAFKA_SSL: 'on',
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'p',
      };
      assert.equal(loadConfig(env).kafka.security.sasl?.mechanism, mechanism);
    }
    for (const [raw, on] of [
      ['true', true],
      ['1', true],
      ['yes', true],
      ['false', false],
      ['0', false],
      ['off', false],
    ] as const) {
      assert.equal(loadConfig({ KAFKA_SSL: raw }).kafka.security.tls !== null, on, raw);
    }
  });
});

describe('integer variables: both ends accepted, one past refused with the range', () => {
  const ranges: Array<[string, number, number]> = [
    ['MYSQL_PORT', 1, 65535],
    ['MYSQL_POOL_SIZE', 1, 100],
    ['MYSQL_QUERY_TIMEOUT_MS', 100, 3_600_000],
    ['KAFKA_PARTITIONS_CONCURRENCY', 1, 64],
    ['KAFKA_SESSION_TIMEOUT_MS', 6_000, 300_000],
    ['HTTP_PORT', 0, 65535],
    ['WRITE_CHUNK_SIZE', 1, 10_000],
    ['SHUTDOWN_TIMEOUT_MS', 100, 600_000],
    ['PARTITION_STUCK_MS', 1_000, 3_600_000],
    ['RETRY_INITIAL_DELAY_MS', 1, 60_000],
    ['RETRY_MAX_DELAY_MS', 1, 600_000],
    ['MYSQL_CONNECTION_MAX_AGE_MS', 1_000, 86_400_000],
    ['REJECTION_STORM_LIMIT', 1, 1_000_000],
    ['DECOMPRESSED_BATCH_MAX_BYTES', 65_536, 1024 * 1024 * 1024],
  ];
  for (const [name, min, max] of ranges) {
    it(`${name}: ${min} to ${max}`, () => {
      assert.doesNotThrow(() => loadConfig({ [name]: String(min) }));
      assert.doesNotThrow(() => loadConfig({ [name]: String(max) }));
      for (const bad of [String(min - 1), String(max + 1), '1.5', '12abc', 'x12', '0x10', '1e3', ' ']) {
        // The value is quoted as read, after trimming.
        const expected = `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(bad.trim())}`;
        assert.deepEqual(problems({ [name]: bad }), [expected]);
      }
    });
  }

  it('the MySQL CLI configuration names its own variables the same way', () => {
    assert.deepEqual(problems({ MYSQL_PORT: '0', MYSQL_POOL_SIZE: '101' }, loadMysqlConfig), [
      'MYSQL_PORT must be an integer from 1 to 65535, got "0"',
      'MYSQL_POOL_SIZE must be an integer from 1 to 100, got "101"',
    ]);
  });
});

describe('text and list variables', () => {
  it('refuse a blank value, naming the variable', () => {
    for (const name of [
      'KAFKA_TOPIC',
      'KAFKA_GROUP_ID',
      'KAFKA_DLQ_TOPIC',
      'KAFKA_CLIENT_ID',
      'MYSQL_HOST',
      'MYSQL_USER',
      'MYSQL_DATABASE',
    ]) {
      assert.deepEqual(problems({ [name]: '   ' }), [`${name} must not be blank`]);
    }
    assert.deepEqual(
      problems({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SSL: 'true',
        KAFKA_SASL_USERNAME: ' ',
        KAFKA_SASL_PASSWORD: 'p',
      }),
      ['KAFKA_SASL_USERNAME must not be blank'],
    );
  });

  it('refuse brokers that are not host:port pairs, quoting the value', () => {
    for (const bad of [
      'k1:9092,kafka',
      'kafka',
      'kafka:',
      ':9092',
      'kafka:9092:1',
      'kafka:123456',
      'a b:9092',
      ',',
      'kafka:x',
    ]) {
      assert.deepEqual(problems({ KAFKA_BROKERS: bad }), [
        `KAFKA_BROKERS must be a comma-separated list of host:port, got ${JSON.stringify(bad)}`,
      ]);
    }
    assert.deepEqual(loadConfig({ KAFKA_BROKERS: '10.0.0.1:1,b:65535' }).kafka.brokers, ['10.0.0.1:1', 'b:65535']);
  });

  it('refuse an unknown word, listing the accepted ones and quoting the value', () => {
    assert.deepEqual(problems({ EVENT_LOG_LEVEL: 'verbose' }), [
      'EVENT_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ]);
    assert.deepEqual(problems({ KAFKA_SSL: 'maybe' }), ['KAFKA_SSL must be true or false, got "maybe"']);
  });
});

describe('contradictions: each message in full', () => {
  it('Kafka', () => {
    assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-256' }), [
      'KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME is required',
      'KAFKA_SASL_MECHANISM is set: KAFKA_SASL_PASSWORD is required',
    ]);
    assert.deepEqual(problems({ KAFKA_SASL_USERNAME: 'svc' }), [
      'KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD set but KAFKA_SASL_MECHANISM is not',
    ]);
    assert.deepEqual(problems({ KAFKA_SASL_PASSWORD: 'p' }), [
      'KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD set but KAFKA_SASL_MECHANISM is not',
    ]);
    assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }), [
      'KAFKA_SASL_MECHANISM=plain sends the password in clear: set KAFKA_SSL=true',
    ]);
    assert.deepEqual(problems({ KAFKA_DLQ_TOPIC: 'user' }), ['KAFKA_DLQ_TOPIC must differ from KAFKA_TOPIC']);
    assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u' }), [
      'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"',
    ]);
    // An unknown mechanism is reported once, as a bad value, not also as a missing one.
    assert.deepEqual(problems({ KAFKA_SASL_MECHANISM: 'gssapi' }), [
      'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"',
    ]);
  });

  it('accepts SCRAM over plaintext and PLAIN over TLS', () => {
    const scram = loadConfig({
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    assert.deepEqual(scram.kafka.security, {
      tls: null,
      sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' },
    });
    const plain = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    assert.deepEqual(plain.kafka.security.sasl, { mechanism: 'plain', username: 'u', password: 'p' });
  });

  it('MySQL', () => {
    assert.deepEqual(problems({ MYSQL_SSL_MODE: 'verify-ca' }, loadMysqlConfig), [
      'MYSQL_SSL_MODE=verify-ca needs MYSQL_SSL_CA_FILE (or use verify-identity with the system CAs)',
    ]);
    assert.deepEqual(problems({ MYSQL_SSL_MODE: 'verify-identity', MYSQL_HOST: '::1' }, loadMysqlConfig), [
      'MYSQL_SSL_MODE=verify-identity needs MYSQL_HOST to be the host name in the certificate, not an IP address',
    ]);
    assert.deepEqual(loadMysqlConfig({ MYSQL_SSL_MODE: 'verify-identity', MYSQL_HOST: 'db.internal' }).tls, {
      mode: 'verify-identity',
    });
    // An IP address is fine when the host name is not checked.
    assert.equal(loadMysqlConfig({ MYSQL_HOST: '10.0.0.1' }).host, '10.0.0.1');
  });
});

describe('certificate and key files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-edges-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, contents: string): string => {
    const path = join(dir, name);
    writeFileSync(path, contents);
    return path;
  };
  const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
  const cert = file('cert.pem', '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n');
  const key = file('key.pem', '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n');
  const missing = join(dir, 'missing.pem');

  it('reads a client certificate and key for Kafka and MySQL', () => {
    const config = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CERT_FILE: cert,
      KAFKA_SSL_KEY_FILE: key,
      MYSQL_SSL_MODE: 'verify-ca',
      MYSQL_SSL_CA_FILE: ca,
      MYSQL_SSL_CERT_FILE: cert,
      MYSQL_SSL_KEY_FILE: key,
    });
    assert.deepEqual(config.kafka.security.tls, {
      cert: '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n',
      key: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
    });
    assert.deepEqual(config.mysql.tls, {
      mode: 'verify-ca',
      ca: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
      cert: '-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n',
      key: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n',
    });
  });

  it('names each file variable whose file cannot be read', () => {
    for (const name of ['KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', 'MYSQL_SSL_CERT_FILE', 'MYSQL_SSL_KEY_FILE']) {
      const found = problems({ [name]: missing });
      assert.equal(found[0], `${name}: cannot read ${JSON.stringify(missing)} (ENOENT)`, name);
    }
  });

  it('names the files set while TLS is off, and a certificate without its key', () => {
    assert.deepEqual(problems({ MYSQL_SSL_CERT_FILE: cert, MYSQL_SSL_KEY_FILE: key }), [
      'MYSQL_SSL_CERT_FILE, MYSQL_SSL_KEY_FILE set but MYSQL_SSL_MODE is disabled: set MYSQL_SSL_MODE',
    ]);
    assert.deepEqual(problems({ KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key }), [
      'KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE set but KAFKA_SSL is not true: set KAFKA_SSL=true',
    ]);
    assert.deepEqual(problems({ MYSQL_SSL_MODE: 'verify-identity', MYSQL_HOST: 'db', MYSQL_SSL_CERT_FILE: cert }), [
      'MYSQL_SSL_CERT_FILE and MYSQL_SSL_KEY_FILE go together: set both or neither',
    ]);
    assert.deepEqual(problems({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: key }), [
      'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: set both or neither',
    ]);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, loadConfig, loadMysqlConfig } from '../../src/config';

describe('loadConfig', () => {
  it('applies the defaults of spec §6', () => {
    const c = loadConfig({});
    assert.deepEqual(c.kafka.brokers, ['localhost:9092']);
    assert.equal(c.kafka.topic, 'user');
    assert.equal(c.kafka.groupId, 'mysql-analytics-service');
    assert.equal(c.kafka.dlqTopic, 'user.dlq');
    assert.equal(c.kafka.clientId, 'mysql-analytics-worker');
    assert.deepEqual(
      [c.mysql.host, c.mysql.port, c.mysql.user, c.mysql.password, c.mysql.database],
      ['localhost', 3306, 'analytics', 'analytics123', 'analytics'],
    );
    assert.equal(c.logLevel, 'info');
    assert.ok(Object.isFrozen(c.kafka));
  });

  it('reads every variable', () => {
    const c = loadConfig({
      KAFKA_BROKERS: 'a:1, b:2',
      MYSQL_PORT: '3307',
      LOG_LEVEL: 'DEBUG',
      WRITE_CHUNK_SIZE: '100',
    });
    assert.deepEqual(c.kafka.brokers, ['a:1', 'b:2']);
    assert.equal(c.mysql.port, 3307);
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.writeChunkSize, 100);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ MYSQL_PORT: 'abc', LOG_LEVEL: 'loud', KAFKA_BROKERS: 'nohost', WRITE_CHUNK_SIZE: '0' });
      assert.fail('expected ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const text = err.message;
      for (const name of ['MYSQL_PORT', 'LOG_LEVEL', 'KAFKA_BROKERS', 'WRITE_CHUNK_SIZE'])
        assert.match(text, new RegExp(name));
      assert.equal(err.problems.length, 4);
    }
  });

  it('reads the query timeout and the stuck-partition bound, with defaults, and names them when bad', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.mysql.queryTimeoutMs, 60_000);
    assert.equal(defaults.partitionStuckMs, 60_000);
    const set = loadConfig({ MYSQL_QUERY_TIMEOUT_MS: '2000', PARTITION_STUCK_MS: '3000' });
    assert.equal(set.mysql.queryTimeoutMs, 2000);
    assert.equal(set.partitionStuckMs, 3000);
    assert.throws(
      () => loadConfig({ MYSQL_QUERY_TIMEOUT_MS: '0', PARTITION_STUCK_MS: 'soon' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.length === 2 &&
        /MYSQL_QUERY_TIMEOUT_MS/.test(err.message) &&
        /PARTITION_STUCK_MS/.test(err.message),
    );
  });

  it('refuses a dead-letter topic equal to the source topic', () => {
    assert.throws(() => loadConfig({ KAFKA_TOPIC: 'x', KAFKA_DLQ_TOPIC: 'x' }), /KAFKA_DLQ_TOPIC/);
  });

  it('never puts the password in an error message', () => {
    assert.throws(
      () => loadMysqlConfig({ MYSQL_PASSWORD: 's3cret', MYSQL_PORT: '99999' }),
      (err: Error) => !err.message.includes('s3cret') && /MYSQL_PORT/.test(err.message),
    );
  });
});

describe('loadConfig: TLS and SASL variables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
  const pem = join(dir, 'ca.pem');
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const notPem = join(dir, 'ca.txt');
  writeFileSync(notPem, 'hello');
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The problems of a configuration that must be refused. */
  function problems(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.problems;
    }
    return assert.fail('expected ConfigError');
  }

  it('defaults to plaintext Kafka without SASL and MySQL without TLS', () => {
    const c = loadConfig({});
    assert.deepEqual(c.kafka.security, { tls: null, sasl: null });
    assert.equal(c.mysql.tls, undefined);
  });

  it('reads Kafka TLS with a CA and SASL (mechanism case-insensitive, password verbatim)', () => {
    const c = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: pem,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: ' p@ss ',
    });
    assert.match(c.kafka.security.tls?.ca ?? '', /BEGIN CERTIFICATE/);
    assert.deepEqual(c.kafka.security.sasl, { mechanism: 'scram-sha-512', username: 'svc', password: ' p@ss ' });
    assert.deepEqual(loadConfig({ KAFKA_SSL: 'true' }).kafka.security.tls, {}, 'TLS with the system CAs');
  });

  it('reads MySQL TLS modes and files', () => {
    const c = loadMysqlConfig({ MYSQL_SSL_MODE: 'VERIFY-CA', MYSQL_SSL_CA_FILE: pem });
    assert.equal(c.tls?.mode, 'verify-ca');
    assert.match(c.tls?.ca ?? '', /BEGIN CERTIFICATE/);
    assert.deepEqual(loadMysqlConfig({ MYSQL_SSL_MODE: 'verify-identity', MYSQL_HOST: 'db.example.com' }).tls, {
      mode: 'verify-identity',
    });
  });

  it('names a bad value of each new variable', () => {
    const found = problems({ KAFKA_SSL: 'maybe', KAFKA_SASL_MECHANISM: 'gssapi', MYSQL_SSL_MODE: 'required' });
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(found.join('\n'), /KAFKA_SSL must be true or false, got "maybe"/);
    assert.match(found.join('\n'), /KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512/);
    assert.match(found.join('\n'), /MYSQL_SSL_MODE must be one of disabled, verify-ca, verify-identity/);
  });

  it('names a certificate file that does not exist or is not PEM', () => {
    const found = problems({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(dir, 'missing.pem'),
      MYSQL_SSL_MODE: 'verify-ca',
      MYSQL_SSL_CA_FILE: notPem,
    });
    assert.deepEqual(found, [
      `MYSQL_SSL_CA_FILE: "${notPem}" is not a PEM file`,
      `KAFKA_SSL_CA_FILE: cannot read "${join(dir, 'missing.pem')}" (ENOENT)`,
    ]);
  });

  it('refuses contradictory or incomplete settings, naming the variables', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { KAFKA_SASL_MECHANISM: 'scram-sha-256' },
        /KAFKA_SASL_USERNAME is required.*\n.*KAFKA_SASL_PASSWORD is required/,
      ],
      [{ KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'x' }, /KAFKA_SASL_MECHANISM is not/],
      [{ KAFKA_SSL_CA_FILE: pem }, /KAFKA_SSL_CA_FILE set but KAFKA_SSL is not true/],
      [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: pem }, /KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/],
      [
        { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
        /KAFKA_SASL_MECHANISM=plain sends the password in clear: set KAFKA_SSL=true/,
      ],
      [{ MYSQL_SSL_CA_FILE: pem }, /MYSQL_SSL_CA_FILE set but MYSQL_SSL_MODE is disabled/],
      [{ MYSQL_SSL_MODE: 'verify-ca' }, /MYSQL_SSL_MODE=verify-ca needs MYSQL_SSL_CA_FILE/],
      [
        { MYSQL_SSL_MODE: 'verify-identity', MYSQL_HOST: '10.1.2.3' },
        /verify-identity needs MYSQL_HOST to be the host name/,
      ],
      [
        { MYSQL_SSL_MODE: 'verify-identity', MYSQL_HOST: 'db', MYSQL_SSL_KEY_FILE: pem },
        /MYSQL_SSL_CERT_FILE and MYSQL_SSL_KEY_FILE go together/,
      ],
    ];
    for (const [env, expected] of cases) assert.match(problems(env).join('\n'), expected, JSON.stringify(env));
  });

  it('never echoes a SASL or MySQL password, even next to bad variables', () => {
    const found = problems({
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_PASSWORD: 'kafka-secret-value',
      MYSQL_PASSWORD: 'mysql-secret-value',
      MYSQL_PORT: 'x',
    });
    assert.ok(found.length >= 2);
    assert.ok(!found.join('\n').includes('secret-value'));
  });
});

describe('loadConfig: MikroORM variables (spec §6)', () => {
  it("refuses MikroORM's own variables, naming each, in the worker's and the CLI's configuration", () => {
    const env = { MIKRO_ORM_DB_NAME: 'other', MIKRO_ORM_DEBUG: 'true', MYSQL_DATABASE: 'analytics' };
    for (const load of [loadConfig, loadMysqlConfig]) {
      assert.throws(
        () => load(env),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.length === 1 &&
          /^MIKRO_ORM_DB_NAME, MIKRO_ORM_DEBUG set .*: MikroORM would apply them/.test(err.problems[0] ?? ''),
      );
    }
    assert.throws(() => loadConfig({ MIKRO_ORM_DEBUG: '' }), /MIKRO_ORM_DEBUG set/, 'MikroORM reads an empty one too');
  });

  it('accepts the variables that only tell `npx mikro-orm` where its configuration file is, and the colours', () => {
    const env = {
      MIKRO_ORM_CLI_CONFIG: './dist/mikro-orm.config.js',
      MIKRO_ORM_CLI_USE_TS_NODE: 'false',
      MIKRO_ORM_COLORS: 'true', // set by MikroORM itself in a process that configured it
    };
    assert.equal(loadConfig(env).mysql.database, 'analytics');
    assert.equal(loadMysqlConfig(env).database, 'analytics');
  });
});

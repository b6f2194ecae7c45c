import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mysqlSslOptions } from '../../src/db/mysql-tls';
import { kafkaSecurityOptions, PLAINTEXT } from '../../src/kafka/kafka-security';

describe('kafkajs ssl/sasl options from the configuration', () => {
  it('plaintext: neither option', () => {
    assert.deepEqual(kafkaSecurityOptions(PLAINTEXT), {});
  });

  it('TLS always verifies the broker, with the given CA and client certificate', () => {
    const options = kafkaSecurityOptions({
      tls: { ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' },
      sasl: { mechanism: 'scram-sha-256', username: 'svc', password: 'pw' },
    });
    assert.deepEqual(options, {
      ssl: { rejectUnauthorized: true, ca: ['CA-PEM'], cert: 'CERT-PEM', key: 'KEY-PEM' },
      sasl: { mechanism: 'scram-sha-256', username: 'svc', password: 'pw' },
    });
    assert.deepEqual(kafkaSecurityOptions({ tls: {}, sasl: null }), { ssl: { rejectUnauthorized: true } });
  });
});

describe('mysql2 ssl option from the configuration', () => {
  it('none without TLS; every mode verifies the chain; verify-identity also the host name', () => {
    assert.equal(mysqlSslOptions(undefined), undefined);
    assert.deepEqual(mysqlSslOptions({ mode: 'verify-ca', ca: 'CA-PEM' }), {
      ca: ['CA-PEM'],
      rejectUnauthorized: true,
      verifyIdentity: false,
    });
    assert.deepEqual(mysqlSslOptions({ mode: 'verify-identity', cert: 'C', key: 'K' }), {
      cert: 'C',
      key: 'K',
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
  });
});

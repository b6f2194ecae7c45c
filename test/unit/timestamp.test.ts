import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { epochMillisToSqlTimestamp, parseIsoTimestamp } from '../../src/common/timestamp';

describe('parseIsoTimestamp', () => {
  it('keeps microseconds exact and converts offsets to UTC', () => {
    assert.equal(parseIsoTimestamp('2025-03-01T14:00:00.123456+02:00'), '2025-03-01 12:00:00.123456');
    assert.equal(parseIsoTimestamp('2025-03-01T00:30:00.000001-05:30'), '2025-03-01 06:00:00.000001');
  });

  it('takes Z and offset-less strings as UTC', () => {
    assert.equal(parseIsoTimestamp('2025-01-15T10:30:00Z'), '2025-01-15 10:30:00.000000');
    assert.equal(parseIsoTimestamp('2025-01-15T10:30:00'), '2025-01-15 10:30:00.000000');
  });

  it('pads short fractions and truncates 7–9 digits to 6', () => {
    assert.equal(parseIsoTimestamp('2025-01-15T10:30:00.5Z'), '2025-01-15 10:30:00.500000');
    assert.equal(parseIsoTimestamp('2025-01-15T10:30:00.123456789Z'), '2025-01-15 10:30:00.123456');
    assert.equal(parseIsoTimestamp('2025-01-15T10:30:00.9999999Z'), '2025-01-15 10:30:00.999999');
  });

  it('crosses day, month and year boundaries', () => {
    assert.equal(parseIsoTimestamp('2024-12-31T23:30:00.25-01:00'), '2025-01-01 00:30:00.250000');
    assert.equal(parseIsoTimestamp('2024-03-01T01:00:00+02:00'), '2024-02-29 23:00:00.000000');
  });

  it('rejects what is not a real timestamp', () => {
    for (const bad of [
      '',
      'yesterday',
      '2025-02-30T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01',
      '2025-01-01T00:00:00.Z',
      '2025-01-01T00:00:00+2',
      '0999-12-31T23:59:59Z',
      '2025-01-01T00:00:00.1234567890Z',
    ]) {
      assert.equal(parseIsoTimestamp(bad), null, bad);
    }
  });

  it('does not depend on the process time zone', () => {
    const before = process.env.TZ;
    try {
      const results = ['UTC', 'America/New_York', 'Asia/Kolkata'].map((tz) => {
        process.env.TZ = tz;
        return parseIsoTimestamp('2025-03-09T02:30:00.000007-05:00');
      });
      assert.deepEqual(results, Array(3).fill('2025-03-09 07:30:00.000007'));
    } finally {
      process.env.TZ = before;
    }
  });

  it('formats a Kafka record timestamp (ms since the epoch) as a DATETIME(6) literal in UTC', () => {
    assert.equal(epochMillisToSqlTimestamp(String(Date.UTC(2025, 0, 2, 3, 4, 5, 678))), '2025-01-02 03:04:05.678000');
    assert.equal(epochMillisToSqlTimestamp('-1'), null, 'no timestamp (old message format)');
    assert.equal(epochMillisToSqlTimestamp('1.5'), null);
  });
});

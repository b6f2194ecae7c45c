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

describe('parseIsoTimestamp at the edges of each field (spec §4)', () => {
  it('accepts the first and last valid value of each field', () => {
    const ok: Array<[string, string]> = [
      ['1000-01-01T00:00:00Z', '1000-01-01 00:00:00.000000'],
      ['9999-12-31T23:59:59.999999Z', '9999-12-31 23:59:59.999999'],
      ['2025-01-31T00:00:00Z', '2025-01-31 00:00:00.000000'],
      ['2025-04-30T00:00:00Z', '2025-04-30 00:00:00.000000'],
      ['2025-12-01T00:00:00Z', '2025-12-01 00:00:00.000000'],
      ['2025-01-01T23:59:59Z', '2025-01-01 23:59:59.000000'],
      ['2025-01-01T00:00:00.000000001Z', '2025-01-01 00:00:00.000000'],
      ['2025-01-01t10:00:00z', '2025-01-01 10:00:00.000000'],
      ['2025-01-01 10:00:00', '2025-01-01 10:00:00.000000'],
      ['2025-01-01T10:00:00+00:00', '2025-01-01 10:00:00.000000'],
      ['2025-01-01T10:00:00-00:00', '2025-01-01 10:00:00.000000'],
    ];
    for (const [text, sql] of ok) assert.equal(parseIsoTimestamp(text), sql, text);
  });

  it('knows leap years: every 4th, not every 100th, but every 400th', () => {
    const days: Array<[string, boolean]> = [
      ['2024-02-29', true],
      ['2023-02-29', false],
      ['2023-02-28', true],
      ['1900-02-29', false],
      ['2000-02-29', true],
      ['2024-02-30', false],
      ['2024-01-31', true],
      ['2024-04-31', false],
      ['2024-12-31', true],
    ];
    for (const [day, valid] of days) {
      assert.equal(parseIsoTimestamp(`${day}T00:00:00Z`), valid ? `${day} 00:00:00.000000` : null, day);
    }
  });

  it('rejects one past each field', () => {
    for (const bad of [
      '2025-00-10T00:00:00Z',
      '2025-12-00T00:00:00Z',
      '2025-01-32T00:00:00Z',
      '2025-01-01T23:60:00Z',
      '2025-01-01T23:59:60Z',
      '2025-01-01X10:00:00Z',
      '2025-01-01T10:00:00Y',
      '2025-01-01T10:00:00*01:00',
      '2025-01-01T10:00:00+0100',
      'x2025-01-01T10:00:00Z',
      '2025-01-01T10:00:00Zx',
      '202-01-01T10:00:00Z',
      '2025-1-01T10:00:00Z',
      '2025-01-01T10:00:00+01:00:00',
      '２０２５-01-01T10:00:00Z',
    ]) {
      assert.equal(parseIsoTimestamp(bad), null, bad);
    }
  });

  it('applies offsets up to ±23:59 and rejects larger ones', () => {
    assert.equal(parseIsoTimestamp('2025-01-02T00:00:00+23:59'), '2025-01-01 00:01:00.000000');
    assert.equal(parseIsoTimestamp('2025-01-01T00:00:00-23:59'), '2025-01-01 23:59:00.000000');
    assert.equal(parseIsoTimestamp('2025-01-01T00:00:00.5+00:59'), '2024-12-31 23:01:00.500000');
    assert.equal(parseIsoTimestamp('2025-01-01T00:00:00+24:00'), null);
    assert.equal(parseIsoTimestamp('2025-01-01T00:00:00+00:60'), null);
  });

  it('rejects an offset that moves the instant out of years 1000–9999, and keeps the edges', () => {
    assert.equal(parseIsoTimestamp('1000-01-01T00:30:00+01:00'), null);
    assert.equal(parseIsoTimestamp('1000-01-01T01:00:00+01:00'), '1000-01-01 00:00:00.000000');
    assert.equal(parseIsoTimestamp('9999-12-31T23:30:00-01:00'), null);
    assert.equal(parseIsoTimestamp('9999-12-31T22:59:59.9-01:00'), '9999-12-31 23:59:59.900000');
  });
});

describe('epochMillisToSqlTimestamp at its edges', () => {
  it('accepts 0 and the last millisecond of 9999, rejects the next one', () => {
    assert.equal(epochMillisToSqlTimestamp('0'), '1970-01-01 00:00:00.000000');
    assert.equal(epochMillisToSqlTimestamp('7'), '1970-01-01 00:00:00.007000');
    assert.equal(epochMillisToSqlTimestamp('253402300799999'), '9999-12-31 23:59:59.999000');
    assert.equal(epochMillisToSqlTimestamp('253402300800000'), null);
  });

  it('rejects what is not whole non-negative milliseconds', () => {
    for (const bad of ['', '-1', '1.5', ' 1', '1 ', '1e3', '0x10', '99999999999999999', '1'.repeat(400)]) {
      assert.equal(epochMillisToSqlTimestamp(bad), null, bad);
    }
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Message } from 'kafkajs';
import { compressedBatchSize, fitDeadLetter } from '../../src/kafka/dead-letter-fit';

const headers = { trace: 't-1', 'dlq.reason': 'invalid_event', 'dlq.topic': 'user', 'dlq.offset': '42' };

describe('fitting a dead letter to the topic (spec §5)', () => {
  it('sends a letter whose compressed batch fits whole, however large its value', () => {
    const message: Message = { key: 'k', value: Buffer.alloc(3_000_000, 'a'), headers };
    assert.ok(compressedBatchSize([message]) < 20_000, 'a repetitive 3 MB value compresses to a few KB');
    assert.equal(fitDeadLetter(message, 1_048_588), message);
  });

  it('cuts an incompressible value to the longest prefix that fits and says so in headers', () => {
    const value = randomBytes(5000);
    const message: Message = { key: 'k', value, headers };
    const fitted = fitDeadLetter(message, 1500);
    const cut = fitted.value as Buffer;
    assert.ok(cut.length > 1000 && cut.length < 1500, `cut to ${cut.length} bytes`);
    assert.ok(value.subarray(0, cut.length).equals(cut), 'a prefix of the original');
    assert.equal(fitted.headers?.['dlq.value_truncated'], 'true');
    assert.equal(fitted.headers?.['dlq.value_bytes'], '5000');
    assert.equal(fitted.headers?.['dlq.offset'], '42', 'source headers still point at the original');
    assert.ok(compressedBatchSize([fitted]) <= 1500);
    const longer = { ...fitted, value: value.subarray(0, cut.length + 1) };
    assert.ok(compressedBatchSize([longer]) > 1500, 'the longest prefix that fits');
  });

  it('cuts the value to nothing when the headers alone exceed the limit (the broker then decides)', () => {
    const message: Message = { key: 'k', value: Buffer.from('{}'), headers: { big: randomBytes(4000) } };
    const fitted = fitDeadLetter(message, 1500);
    assert.equal((fitted.value as Buffer).length, 0);
    assert.equal(fitted.headers?.['dlq.value_bytes'], '2');
  });
});

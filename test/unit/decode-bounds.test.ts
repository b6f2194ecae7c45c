import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundText, InvalidEventError, MAX_ERROR_MESSAGE_CHARS } from '../../src/common/invalid-event-error';
import { decodeEnvelope, MAX_EVENT_BYTES } from '../../src/pipeline/decode';

function rejection(bytes: Buffer): InvalidEventError {
  try {
    decodeEnvelope(bytes);
  } catch (err) {
    assert.ok(err instanceof InvalidEventError);
    return err;
  }
  assert.fail('expected a rejection');
}

/** A JSON object of exactly `size` bytes. */
function objectOf(size: number): Buffer {
  const head = '{"event_type":"user.created","pad":"';
  return Buffer.from(`${head}${'p'.repeat(size - head.length - 2)}"}`);
}

describe('a value larger than any valid event (spec §5)', () => {
  it('is invalid_event by its size alone, even when it is not JSON at all', () => {
    const err = rejection(Buffer.from(`{${'x'.repeat(MAX_EVENT_BYTES)}`));
    assert.equal(err.reason, 'invalid_event', 'refused before parsing (unparsed, so not invalid_json)');
    assert.equal(err.field, 'value');
    assert.equal(
      err.message,
      `value is ${MAX_EVENT_BYTES + 1} bytes, larger than any valid event (${MAX_EVENT_BYTES})`,
    );
  });

  it('decodes a value of exactly the bound', () => {
    assert.equal(decodeEnvelope(objectOf(MAX_EVENT_BYTES)).event_type, 'user.created');
    assert.equal(rejection(objectOf(MAX_EVENT_BYTES + 1)).reason, 'invalid_event');
  });
});

describe('messages quoting input are bounded', () => {
  it('cuts a quoted 200,000-character event_type in the middle, keeping the field and the problem', () => {
    const err = new InvalidEventError('unknown_event_type', `event_type "${'e'.repeat(200_000)}" has no handler`);
    assert.equal(Array.from(err.message).length, MAX_ERROR_MESSAGE_CHARS);
    assert.match(err.message, /^event_type "e+…e+" has no handler$/);
  });

  it('leaves short messages alone and counts characters, not UTF-16 units', () => {
    assert.equal(boundText('event_type is missing'), 'event_type is missing');
    const cut = boundText('😀'.repeat(1000), 10);
    assert.equal(Array.from(cut).length, 10);
    assert.ok(!cut.includes('\uFFFD') && /^(😀)+…(😀)+$/u.test(cut), 'no emoji split in half');
  });
});

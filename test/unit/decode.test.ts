import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEventError } from '../../src/common/invalid-event-error';
import { decodeEnvelope } from '../../src/pipeline/decode';

function reasonOf(bytes: Buffer): [string, string] {
  try {
    decodeEnvelope(bytes);
  } catch (err) {
    assert.ok(err instanceof InvalidEventError);
    return [err.reason, err.message];
  }
  assert.fail('expected a rejection');
}

describe('decodeEnvelope', () => {
  it('returns the object with its event_type', () => {
    assert.equal(decodeEnvelope(Buffer.from('{"event_type":"user.created","x":1}')).event_type, 'user.created');
  });

  it('rejects malformed JSON and invalid UTF-8 as invalid_json', () => {
    assert.equal(reasonOf(Buffer.from('{"event_type":'))[0], 'invalid_json');
    assert.equal(reasonOf(Buffer.from([0x7b, 0xff, 0x7d]))[0], 'invalid_json');
  });

  it('rejects JSON that is not an object as invalid_event', () => {
    assert.deepEqual(reasonOf(Buffer.from('[1,2]')), ['invalid_event', 'value must be a JSON object, got an array']);
    assert.deepEqual(reasonOf(Buffer.from('42')), ['invalid_event', 'value must be a JSON object, got a number']);
    assert.deepEqual(reasonOf(Buffer.from('null')), ['invalid_event', 'value must be a JSON object, got null']);
  });

  it('rejects a missing or non-string event_type', () => {
    assert.deepEqual(reasonOf(Buffer.from('{"entity_id":"x"}')), ['invalid_event', 'event_type is missing']);
    assert.deepEqual(reasonOf(Buffer.from('{"event_type":7}')), ['invalid_event', 'event_type must be a string']);
  });
});

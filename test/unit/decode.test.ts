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

  it('rejects a missing, null, empty or non-string event_type', () => {
    assert.deepEqual(reasonOf(Buffer.from('{"entity_id":"x"}')), ['invalid_event', 'event_type is missing']);
    assert.deepEqual(reasonOf(Buffer.from('{"event_type":null}')), ['invalid_event', 'event_type is missing']);
    assert.deepEqual(reasonOf(Buffer.from('{"event_type":""}')), ['invalid_event', 'event_type is missing']);
    assert.deepEqual(reasonOf(Buffer.from('{"event_type":7}')), ['invalid_event', 'event_type must be a string']);
    assert.deepEqual(reasonOf(Buffer.from('{"event_type":{}}')), ['invalid_event', 'event_type must be a string']);
  });

  it('names event_type as the field of its rejection', () => {
    for (const text of ['{}', '{"event_type":""}', '{"event_type":false}']) {
      assert.throws(
        () => decodeEnvelope(Buffer.from(text)),
        (err: unknown) => err instanceof InvalidEventError && err.field === 'event_type',
        text,
      );
    }
  });

  it('rejects invalid UTF-8 inside an otherwise valid JSON string, without quoting the value', () => {
    const head = Buffer.from('{"event_type":"user.created","data":{"password_hash":"SECRET');
    const tail = Buffer.from('"}}');
    // A stray continuation byte, a truncated 2-byte sequence, an overlong '/', an encoded surrogate.
    for (const bad of [[0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      const value = Buffer.concat([head, Buffer.from(bad), tail]);
      assert.doesNotThrow(() => JSON.parse(value.toString('utf8')), 'valid JSON once decoded with U+FFFD');
      assert.deepEqual(reasonOf(value), ['invalid_json', 'value is not valid UTF-8']);
    }
    assert.equal(decodeEnvelope(Buffer.concat([head, Buffer.from('é😀'), tail])).event_type, 'user.created');
  });

  it('rejects each kind of non-object JSON as invalid_event naming the value', () => {
    assert.deepEqual(reasonOf(Buffer.from('"user.created"')), [
      'invalid_event',
      'value must be a JSON object, got a string',
    ]);
    assert.deepEqual(reasonOf(Buffer.from('true')), ['invalid_event', 'value must be a JSON object, got a boolean']);
    assert.throws(
      () => decodeEnvelope(Buffer.from('[]')),
      (err: unknown) => err instanceof InvalidEventError && err.field === 'value',
    );
  });
});

describe('decodeEnvelope: parse errors name the position, never the text', () => {
  it('reports line, column and byte offset of a break inside a password hash', () => {
    const secret = 'HASH-SECRET-0123456789abcdef';
    const text = `{"event_type":"user.created","data":{"password_hash":${secret}}}`;
    const [reason, message] = reasonOf(Buffer.from(text));
    assert.equal(reason, 'invalid_json');
    assert.equal(
      message,
      `value is not JSON: InvalidSymbol at line 1, column ${text.indexOf(secret) + 1} (byte ${text.indexOf(secret)})`,
    );
    for (let i = 0; i + 8 <= secret.length; i++) assert.ok(!message.includes(secret.slice(i, i + 8)), message);
  });

  it('counts lines and bytes (not UTF-16 units) for multi-line, non-ASCII input', () => {
    const [, message] = reasonOf(Buffer.from('{"née":1,\n  "x": oops}'));
    assert.equal(message, 'value is not JSON: InvalidSymbol at line 2, column 8 (byte 18)');
  });

  it('names what strict JSON forbids: comments, trailing commas, an empty value', () => {
    const cases: Array<[string, string]> = [
      ['{"event_type":"user.created" /* c */}', 'InvalidCommentToken at line 1, column 30 (byte 29)'],
      ['{"event_type":"user.created",}', 'PropertyNameExpected at line 1, column 30 (byte 29)'],
      ['', 'ValueExpected at line 1, column 1 (byte 0)'],
      ['{"event_type":"user.created"}}', 'EndOfFileExpected at line 1, column 30 (byte 29)'],
    ];
    for (const [text, where] of cases) {
      assert.deepEqual(reasonOf(Buffer.from(text)), ['invalid_json', `value is not JSON: ${where}`], text);
    }
  });

  it('reports truncated input at its end', () => {
    assert.equal(
      reasonOf(Buffer.from('{"event_type":'))[1],
      'value is not JSON: ValueExpected at line 1, column 15 (byte 14)',
    );
  });
});

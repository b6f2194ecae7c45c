import { isUtf8 } from 'node:buffer';
import { parse as parseLoosely, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isJsonObject, type JsonObject } from '../common/fields';
import { InvalidEventError } from '../common/invalid-event-error';

/** A decoded message: a JSON object with a string event_type. */
export interface Envelope extends JsonObject {
  event_type: string;
}

/** bytes → envelope, or InvalidEventError (invalid_json / invalid_event) naming the problem. */
export function decodeEnvelope(value: Buffer): Envelope {
  if (!isUtf8(value)) throw new InvalidEventError('invalid_json', 'value is not valid UTF-8');
  const text = value.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never JSON.parse's message: it quotes the input near the error (a password hash, say).
    throw new InvalidEventError('invalid_json', `value is not JSON: ${locateJsonError(text)}`);
  }
  if (!isJsonObject(parsed)) {
    const kind = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`;
    throw new InvalidEventError('invalid_event', `value must be a JSON object, got ${kind}`, 'value');
  }
  const eventType = parsed['event_type'];
  if (eventType === undefined || eventType === null || eventType === '') {
    throw new InvalidEventError('invalid_event', 'event_type is missing', 'event_type');
  }
  if (typeof eventType !== 'string') {
    throw new InvalidEventError('invalid_event', 'event_type must be a string', 'event_type');
  }
  return parsed as Envelope;
}

/** What is wrong and where, as line, column and byte offset: never a piece of the text. */
export function locateJsonError(text: string): string {
  const errors: ParseError[] = [];
  parseLoosely(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return 'invalid at an unknown position';
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  const byte = Buffer.byteLength(before, 'utf8');
  return `${printParseErrorCode(first.error)} at line ${line}, column ${column} (byte ${byte})`;
}

import { isUtf8 } from 'node:buffer';
import { parse as parseLoosely, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isJsonObject, type JsonObject } from '../common/fields';
import { InvalidEventError } from '../common/invalid-event-error';

/** A decoded message: a JSON object with a string event_type. */
export interface Envelope extends JsonObject {
  event_type: string;
}

/**
 * Larger than any valid event can be. The users row at its largest is about 66 KB of text (a
 * 65,535-byte avatar, 1,000 characters of VARCHARs, ids and timestamps); JSON escaping at its
 * worst (\u00XX per byte, 12 bytes per astral character) makes it about 420 KB; the rest is slack
 * for the fields not stored (password_hash, additional_emails, extras).
 */
export const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * bytes → envelope, or InvalidEventError (invalid_json / invalid_event) naming the problem. A
 * value past MAX_EVENT_BYTES is refused by its size alone: parsing it would only cost memory.
 */
export function decodeEnvelope(value: Buffer): Envelope {
  if (value.length > MAX_EVENT_BYTES) {
    throw new InvalidEventError(
      'invalid_event',
      `value is ${value.length} bytes, larger than any valid event (${MAX_EVENT_BYTES})`,
      'value',
    );
  }
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

import { isUtf8 } from 'node:buffer';
import { isJsonObject, type JsonObject } from '../common/fields';
import { InvalidEventError } from '../common/invalid-event-error';

/** A decoded message: a JSON object with a string event_type. */
export interface Envelope extends JsonObject {
  event_type: string;
}

/** bytes → envelope, or InvalidEventError (invalid_json / invalid_event) naming the problem. */
export function decodeEnvelope(value: Buffer): Envelope {
  if (!isUtf8(value)) throw new InvalidEventError('invalid_json', 'value is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new InvalidEventError('invalid_json', `value is not JSON: ${detail}`);
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

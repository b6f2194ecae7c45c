import { InvalidEventError } from './invalid-event-error';
import { parseIsoTimestamp, type SqlTimestamp } from './timestamp';

/** A column's size limit: characters for VARCHAR, UTF-8 bytes for TEXT. */
export type SizeLimit = { chars: number } | { bytes: number };

/** A plain JSON object, as decoded from an event. */
export type JsonObject = Record<string, unknown>;

const INT_MIN = -2147483648;
// With the u flag a surrogate pair is one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;
const INT_MAX = 2147483647;

// Number.isInteger is false for every non-number; as a type guard it also narrows.
const isInteger = (value: unknown): value is number => Number.isInteger(value);

function invalid(field: string, problem: string): InvalidEventError {
  return new InvalidEventError('invalid_event', `${field} ${problem}`, field);
}

/** True for a non-null, non-array object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested object; absent or null gives an empty object (its fields then read as absent). */
export function optionalObject(value: unknown, field: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw invalid(field, 'must be an object');
  return value;
}

/** Reads a string that may be absent or null (→ null), enforcing the column's size. */
export function optionalString(value: unknown, field: string, limit: SizeLimit): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(field, `must be a string, got ${describeType(value)}`);
  // JSON's \uD800-style escapes can spell half a character, which utf8mb4 cannot store: the driver
  // would send U+FFFD instead, a silent change of the value.
  if (LONE_SURROGATE.test(value)) throw invalid(field, 'contains a lone UTF-16 surrogate (not a Unicode character)');
  checkSize(value, field, limit);
  return value;
}

/** Reads a string that must be present and non-empty, enforcing the column's size. */
export function requiredString(value: unknown, field: string, limit: SizeLimit): string {
  const text = optionalString(value, field, limit);
  if (text === null) throw invalid(field, 'is missing');
  if (text.trim() === '') throw invalid(field, 'is empty');
  return text;
}

/** Reads an integer that fits a signed 32-bit INT column; absent or null gives the fallback. */
export function optionalInt(value: unknown, field: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (!isInteger(value)) {
    throw invalid(field, `must be an integer, got ${describeType(value)}`);
  }
  if (value < INT_MIN || value > INT_MAX) throw invalid(field, `is out of the INT range (${value})`);
  return value;
}

/** Reads an optional ISO-8601 timestamp (absent or null → null). */
export function optionalTimestamp(value: unknown, field: string): SqlTimestamp | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(field, `must be an ISO-8601 string, got ${describeType(value)}`);
  const parsed = parseIsoTimestamp(value);
  if (parsed === null) throw invalid(field, 'is not a valid ISO-8601 timestamp (years 1000–9999)');
  return parsed;
}

/** Reads a required ISO-8601 timestamp. */
export function requiredTimestamp(value: unknown, field: string): SqlTimestamp {
  const parsed = optionalTimestamp(value, field);
  if (parsed === null) throw invalid(field, 'is missing');
  return parsed;
}

/** Reads an entity id: 24 hexadecimal characters (a MongoDB ObjectId), in lowercase. */
export function objectId(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') throw invalid(field, 'is missing');
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{24}$/.test(value)) {
    throw invalid(field, 'must be 24 hexadecimal characters');
  }
  // One text per key: the column compares case-insensitively, and the writers group, order and
  // look up a chunk's commands by this text, so "ABC…" and "abc…" must not be two keys there.
  return value.toLowerCase();
}

function checkSize(text: string, field: string, limit: SizeLimit): void {
  if ('chars' in limit) {
    const chars = countCodePoints(text);
    if (chars > limit.chars) throw invalid(field, `is ${chars} characters, longer than ${limit.chars}`);
  } else {
    const bytes = Buffer.byteLength(text); // UTF-8
    if (bytes > limit.bytes) throw invalid(field, `is ${bytes} bytes, longer than ${limit.bytes}`);
  }
}

/** MySQL counts utf8mb4 characters as code points; JavaScript's length counts UTF-16 units. */
function countCodePoints(text: string): number {
  let count = 0;
  // A string iterates by code point: a surrogate pair is one step.
  for (const _ of text) count++;
  return count;
}

function describeType(value: unknown): string {
  // (null never gets here: every reader takes it as absent.)
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a non-integer number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

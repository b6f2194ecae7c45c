/**
 * ISO-8601 → MySQL DATETIME(6) text, by string arithmetic so microseconds survive
 * (a JavaScript Date keeps milliseconds only) and the result never depends on TZ.
 */

/** A UTC timestamp formatted as `YYYY-MM-DD HH:MM:SS.ffffff`, the DATETIME(6) literal. */
export type SqlTimestamp = string;

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})?$/;

const MIN_YEAR = 1000; // DATETIME's range
const MAX_YEAR = 9999;

/** Parses an ISO-8601 timestamp (Z, ±hh:mm or no offset = UTC; 0–9 fraction digits, kept to 6); null when not valid. */
export function parseIsoTimestamp(text: string): SqlTimestamp | null {
  const match = ISO_PATTERN.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction = '', offset = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > daysInMonth(year, month) || year < MIN_YEAR) return null;

  const micros = fraction.slice(0, 6).padEnd(6, '0');
  if (offset === 'Z' || offset === 'z' || offset === '+00:00' || offset === '-00:00') {
    // Already UTC: only the separator and the fraction change (the hot path).
    return `${y}-${mo}-${d} ${h}:${mi}:${s}.${micros}`;
  }
  const sign = offset.startsWith('-') ? -1 : 1;
  const oh = Number(offset.slice(1, 3));
  const om = Number(offset.slice(4, 6));
  if (oh > 23 || om > 59) return null;
  // Whole seconds only go through Date.UTC (exact integers); the fraction is carried as text.
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second) - sign * (oh * 60 + om) * 60_000;
  const utc = new Date(utcMs);
  const utcYear = utc.getUTCFullYear();
  if (utcYear < MIN_YEAR || utcYear > MAX_YEAR) return null;
  return (
    `${pad(utcYear, 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ` +
    `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}.${micros}`
  );
}

/** Milliseconds since the epoch (as Kafka gives a record's timestamp, in text) → DATETIME(6); null when not valid. */
export function epochMillisToSqlTimestamp(millis: string): SqlTimestamp | null {
  // Whole non-negative milliseconds (Kafka's -1 means none): from 1970 on, and 15 digits always
  // make a valid Date, so only the upper end of DATETIME's range is left to check.
  if (!/^\d{1,15}$/.test(millis)) return null;
  const date = new Date(Number(millis));
  if (date.getUTCFullYear() > MAX_YEAR) return null;
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ, always UTC
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS[month - 1] as number);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

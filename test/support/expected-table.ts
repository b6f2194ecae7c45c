/**
 * The reference model of the `users` table, written from the contract (../shared/spec/users.md
 * §2–§4) and nothing of the worker's code: events in offset order → the rows `SELECT *` returns.
 * It takes valid events only (what the contract dead-letters never reaches a table).
 */

/** A row of `users` keyed by column name, DATETIME(6) as `YYYY-MM-DD HH:MM:SS.ffffff` text. */
export type ModelRow = {
  user_id: string;
  email: string;
  phone: string | null;
  display_name: string;
  avatar: string | null;
  bio: string | null;
  version: number;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
  event_id: string | null;
  event_timestamp: string | null;
};

/** What the contract says one event did: written, skipped as stale, or a delete of no row. */
export type ModelOutcome = 'applied' | 'stale' | 'missing';

/** An event as it reaches the worker: the JSON value, and the Kafka record's timestamp (ms, text). */
export interface ModelEvent {
  value: Record<string, unknown>;
  timestamp?: string;
}

type Json = Record<string, unknown>;

/** §4: ISO-8601 (Z, ±hh:mm or none = UTC; 0–9 fraction digits, truncated to 6) → UTC DATETIME(6) text. */
export function utcDatetime6(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:\d{2})?$/.exec(iso);
  if (!m) throw new Error(`model: not a timestamp the contract accepts: ${iso}`);
  const [, date, hh, mm, ss, fraction = '', zone = 'Z'] = m;
  const offsetMinutes =
    zone.toUpperCase() === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  // Whole seconds only through Date (exact); the microseconds stay text.
  const local = Date.parse(`${date}T${hh}:${mm}:${ss}Z`);
  const utc = new Date(local - offsetMinutes * 60_000).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)}.${(fraction + '000000').slice(0, 6)}`;
}

/** A Kafka record timestamp (ms since the epoch, text) as DATETIME(6) text. */
export function recordDatetime6(millis: string): string {
  const iso = new Date(Number(millis)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

const text = (v: unknown): string | null => (v === undefined || v === null ? null : (v as string));
const time = (v: unknown): string | null => (v === undefined || v === null ? null : utcDatetime6(v as string));
const obj = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});

/** A small sequential model of spec §3: applies events one by one, in offset order. */
export class UserTableModel {
  readonly rows = new Map<string, ModelRow>();

  /** Applies one valid event; returns what the contract says happened to the table. */
  apply(event: Json, recordTimestamp?: string): ModelOutcome {
    const data = obj(event['data']);
    if (event['event_type'] === 'user.deleted') {
      const id = String(data['user_id'] ?? event['entity_id']).toLowerCase();
      const stored = this.rows.get(id);
      if (!stored) return 'missing';
      const t =
        time(event['timestamp']) ??
        recordDatetime6(recordTimestamp ?? fail('a delete without timestamp needs the record timestamp'));
      if (stored.event_timestamp !== null && t < stored.event_timestamp) return 'stale';
      this.rows.set(id, {
        ...stored,
        deleted_at: stored.deleted_at ?? t,
        event_id: text(event['event_id']),
        event_timestamp: t,
      });
      return 'applied';
    }
    const contact = obj(data['contact_info']);
    const profile = obj(data['profile']);
    const row: ModelRow = {
      user_id: String(event['entity_id']).toLowerCase(),
      email: contact['primary_email'] as string,
      phone: text(contact['phone']),
      display_name: profile['display_name'] as string,
      avatar: text(profile['avatar']),
      bio: text(profile['bio']),
      version: (data['version'] as number | undefined | null) ?? 1,
      deleted_at: time(data['deleted_at']),
      created_at: time(data['created_at']) as string,
      updated_at: time(data['updated_at']) as string,
      event_id: text(event['event_id']),
      event_timestamp: time(event['timestamp']),
    };
    const stored = this.rows.get(row.user_id);
    if (stored) {
      const known = row.event_timestamp !== null && stored.event_timestamp !== null;
      if (row.version < stored.version) return 'stale';
      if (
        row.version === stored.version &&
        known &&
        (row.event_timestamp as string) < (stored.event_timestamp as string)
      ) {
        return 'stale';
      }
      row.created_at = stored.created_at; // kept from the first insert
    }
    this.rows.set(row.user_id, row);
    return 'applied';
  }

  /** Applies events in order (deletes among them carry their own timestamp). */
  applyEvents(events: readonly Json[]): this {
    for (const e of events) this.apply(e);
    return this;
  }

  /** Applies records in order: each value with its Kafka record timestamp. */
  applyRecords(records: readonly ModelEvent[]): this {
    for (const r of records) this.apply(r.value, r.timestamp);
    return this;
  }

  /** The table as `SELECT * … ORDER BY user_id` returns it. */
  table(): ModelRow[] {
    return [...this.rows.values()].sort((a, b) => (a.user_id < b.user_id ? -1 : 1));
  }
}

function fail(message: string): never {
  throw new Error(`model: ${message}`);
}

/** The bench's event stream: generated once, encoded once, with the tables it must produce. */
import { userEventStream } from '../test/support/event-stream';
import { UserTableModel } from '../test/support/expected-table';

/** A message ready to produce: the user id key and the JSON bytes. */
export interface EncodedMessage {
  key: string;
  value: Buffer;
}

/** A `users` row as `SELECT *` returns it with dateStrings (the model's table() shape). */
export type UserRow = Record<string, unknown>;

/** The generated stream and what applying it (or its prefix) in order must leave in `users`. */
export interface BenchStream {
  messages: EncodedMessage[];
  /** The table after every event (sorted by user_id). */
  expected: UserRow[];
  /** The table after the first `prefixLength` events. */
  expectedPrefix: UserRow[];
  prefixLength: number;
  /** Distinct users that occur in the stream. */
  users: number;
  /** Total JSON bytes of the values. */
  bytes: number;
}

/** Generates `events` events for `users` users and computes the expected tables with the reference model. */
export function buildStream(events: number, users: number, seed: number, prefixLength: number): BenchStream {
  const raw = userEventStream(users, seed, { events });
  const model = new UserTableModel();
  const prefix = Math.min(prefixLength, raw.length);
  model.applyEvents(raw.slice(0, prefix).map((e) => e.value));
  const expectedPrefix = model.table();
  model.applyEvents(raw.slice(prefix).map((e) => e.value));
  let bytes = 0;
  const messages = raw.map(({ key, value }) => {
    const encoded = Buffer.from(JSON.stringify(value));
    bytes += encoded.length;
    return { key, value: encoded };
  });
  const expected = model.table();
  return {
    messages,
    expected,
    expectedPrefix,
    prefixLength: prefix,
    users: new Set(raw.map((e) => e.key)).size,
    bytes,
  };
}

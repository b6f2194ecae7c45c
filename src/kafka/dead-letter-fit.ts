import { gzipSync } from 'node:zlib';
import type { IHeaders, Message } from 'kafkajs';

/** The header saying a dead letter's value was cut to fit the topic. */
export const TRUNCATED_HEADER = 'dlq.value_truncated';
/** The header with the original value's size in bytes, when it was cut. */
export const ORIGINAL_BYTES_HEADER = 'dlq.value_bytes';

// A v2 record batch: 12 bytes of offset and length, then a 49-byte header, then the records.
const BATCH_OVERHEAD = 61;
// What the estimate leaves out: another letter's deltas in the batch, gzip output differing by a byte or two.
const MARGIN = 64;

/**
 * The size of a gzip-compressed record batch holding `messages`, as the broker checks it against
 * max.message.bytes: the records are encoded as Kafka does and compressed as kafkajs' gzip does.
 */
export function compressedBatchSize(messages: readonly Message[]): number {
  const records = Buffer.concat(messages.map(encodeRecord));
  return BATCH_OVERHEAD + gzipSync(records).length + MARGIN;
}

/**
 * The letter as sent: whole when its compressed batch fits `limit`, else with its value cut to the
 * longest prefix that fits and headers saying so (empty when even its key and headers exceed it:
 * the broker, not an estimate, then says whether it is refused).
 */
export function fitDeadLetter(message: Message, limit: number): Message {
  if (compressedBatchSize([message]) <= limit) return message;
  const value = toBuffer(message.value ?? null) ?? Buffer.alloc(0);
  const cut = (bytes: number): Message => ({
    ...message,
    value: value.subarray(0, bytes),
    headers: { ...message.headers, [TRUNCATED_HEADER]: 'true', [ORIGINAL_BYTES_HEADER]: String(value.length) },
  });
  const fits = (bytes: number): boolean => compressedBatchSize([cut(bytes)]) <= limit;
  if (!fits(0)) return cut(0);
  // Compressed size grows with the prefix: binary search for the longest prefix that fits.
  let low = 0;
  let high = value.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return cut(low);
}

/** One record as Kafka's v2 format lays it out (attributes, deltas 0, key, value, headers). */
function encodeRecord(message: Message): Buffer {
  const headers = headerPairs(message.headers);
  const body = Buffer.concat([
    Buffer.from([0, 0, 0]), // attributes, timestamp delta, offset delta
    bytesField(toBuffer(message.key ?? null)),
    bytesField(toBuffer(message.value ?? null)),
    varint(headers.length),
    ...headers.flatMap(([key, value]) => [bytesField(Buffer.from(key)), bytesField(value)]),
  ]);
  return Buffer.concat([varint(body.length), body]);
}

function headerPairs(headers: IHeaders | undefined): Array<[string, Buffer | null]> {
  return Object.entries(headers ?? {}).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, Buffer | null] => [key, toBuffer(v ?? null)]),
  );
}

function toBuffer(value: Buffer | string | null): Buffer | null {
  return value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value);
}

function bytesField(value: Buffer | null): Buffer {
  return value === null ? varint(-1) : Buffer.concat([varint(value.length), value]);
}

/** A zigzag varint, as Kafka's records encode lengths. */
function varint(n: number): Buffer {
  let zigzag = n >= 0 ? n * 2 : -n * 2 - 1;
  const bytes: number[] = [];
  while (zigzag >= 0x80) {
    bytes.push((zigzag & 0x7f) | 0x80);
    zigzag = Math.floor(zigzag / 128);
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

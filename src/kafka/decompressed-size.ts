/**
 * The most bytes a compressed Kafka batch can expand to, read from its framing without
 * decompressing it: each format says how much every block may produce, so a compression bomb
 * is refused before any memory is taken for it.
 */

import { WorkerError } from '../errors';

/** The framing cannot be read: the batch is corrupt (or in a format no Kafka producer writes). */
export class UnreadableFrameError extends WorkerError<'COMPRESSED_FRAME_UNREADABLE'> {
  override readonly name = 'UnreadableFrameError';
  constructor(message: string) {
    super('COMPRESSED_FRAME_UNREADABLE', message, false);
  }
}

const ZSTD_MAGIC = 0xfd2fb528;
const LZ4_MAGIC = 0x184d2204;
// Skippable frames (zstd and lz4 share the range): a 4-byte length, no output.
const isSkippable = (magic: number): boolean => magic >>> 4 === 0x184d2a5;
const ZSTD_BLOCK_MAX = 128 * 1024;
const LZ4_BLOCK_MAX: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };
const XERIAL_HEADER = Buffer.from([130, 83, 78, 65, 80, 80, 89, 0]);

function need(buffer: Buffer, end: number, what: string): void {
  if (end > buffer.length) throw new UnreadableFrameError(`${what}: truncated frame`);
}

/** zstd (RFC 8878): per frame, the declared content size and the sum of what its blocks may produce. */
export function zstdMaxSize(buffer: Buffer): number {
  let total = 0;
  let at = 0;
  while (at < buffer.length) {
    need(buffer, at + 4, 'zstd');
    const magic = buffer.readUInt32LE(at);
    if (isSkippable(magic)) {
      need(buffer, at + 8, 'zstd');
      at += 8 + buffer.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new UnreadableFrameError('zstd: not a zstd frame');
    need(buffer, at + 5, 'zstd');
    const descriptor = buffer.readUInt8(at + 4);
    const singleSegment = (descriptor & 0x20) !== 0;
    const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][descriptor >> 6] as number;
    const dictSize = [0, 1, 2, 4][descriptor & 3] as number;
    at += 5;
    let window = Infinity;
    if (!singleSegment) {
      need(buffer, at + 1, 'zstd');
      const w = buffer.readUInt8(at);
      const base = 2 ** (10 + (w >> 3));
      window = base + (base / 8) * (w & 7);
      at += 1;
    }
    at += dictSize;
    need(buffer, at + fcsSize, 'zstd');
    // A declared size may be what a decoder allocates up front: it counts even if blocks say less.
    const declared = fcsSize > 0 ? readUIntLE(buffer, at, fcsSize) + (fcsSize === 2 ? 256 : 0) : 0;
    if (singleSegment) window = declared;
    at += fcsSize;
    const blockMax = Math.min(window, ZSTD_BLOCK_MAX);
    let blocks = 0;
    for (let last = false; !last;) {
      need(buffer, at + 3, 'zstd');
      const header = buffer.readUIntLE(at, 3);
      last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw new UnreadableFrameError('zstd: reserved block type');
      // Raw and RLE blocks say their output; a compressed block yields at most the block maximum.
      blocks += type === 2 ? blockMax : size;
      at += 3 + (type === 1 ? 1 : size);
    }
    total += Math.max(declared, blocks);
    if (descriptor & 0x04) at += 4; // content checksum
  }
  return total;
}

/** LZ4 frame format: per frame, the declared content size or the sum of what its blocks may produce. */
export function lz4MaxSize(buffer: Buffer): number {
  let total = 0;
  let at = 0;
  while (at < buffer.length) {
    need(buffer, at + 4, 'lz4');
    const magic = buffer.readUInt32LE(at);
    if (isSkippable(magic)) {
      need(buffer, at + 8, 'lz4');
      at += 8 + buffer.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== LZ4_MAGIC) throw new UnreadableFrameError('lz4: not an LZ4 frame');
    need(buffer, at + 6, 'lz4');
    const flags = buffer.readUInt8(at + 4);
    const blockMax = LZ4_BLOCK_MAX[(buffer.readUInt8(at + 5) >> 4) & 7];
    if (blockMax === undefined) throw new UnreadableFrameError('lz4: invalid block maximum size');
    at += 6;
    let frame = 0;
    if (flags & 0x08) {
      need(buffer, at + 8, 'lz4');
      // A declared size may be what a decoder allocates up front: it counts even if blocks say less.
      frame = readUIntLE(buffer, at, 8);
      at += 8;
    }
    if (flags & 0x01) at += 4; // dictionary id
    at += 1; // header checksum
    let blocks = 0;
    for (;;) {
      need(buffer, at + 4, 'lz4');
      const word = buffer.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      blocks += word & 0x80000000 ? size : blockMax;
      at += size + (flags & 0x10 ? 4 : 0);
    }
    if (flags & 0x04) at += 4; // content checksum
    total += Math.max(frame, blocks);
  }
  return total;
}

/** Snappy, raw or in the xerial framing of Java producers: the lengths each chunk declares. */
export function snappyMaxSize(buffer: Buffer): number {
  if (!buffer.subarray(0, 8).equals(XERIAL_HEADER)) return snappyDeclared(buffer, 0);
  let total = 0;
  for (let at = 16; at + 4 <= buffer.length;) {
    const size = buffer.readUInt32BE(at);
    total += snappyDeclared(buffer, at + 4);
    at += 4 + size;
  }
  return total;
}

/** The uncompressed length a raw snappy block starts with (a little-endian base-128 varint). */
function snappyDeclared(buffer: Buffer, start: number): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    need(buffer, start + i + 1, 'snappy');
    const byte = buffer.readUInt8(start + i);
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  throw new UnreadableFrameError('snappy: invalid length');
}

function readUIntLE(buffer: Buffer, at: number, size: number): number {
  if (size <= 6) return buffer.readUIntLE(at, size);
  return Number(buffer.readBigUInt64LE(at));
}

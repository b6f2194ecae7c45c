import { promisify } from 'node:util';
import { gzip, unzip } from 'node:zlib';
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import { compressFrame, decompressFrame } from 'lz4-napi';
import { lz4MaxSize, snappyMaxSize, UnreadableFrameError, zstdMaxSize } from './decompressed-size';
import { WorkerError } from '../errors';

/** What kafkajs hands a codec to compress. */
interface Encoder {
  buffer: Buffer;
}

/** Default bound on one decompressed batch (DECOMPRESSED_BATCH_MAX_BYTES). */
export const DEFAULT_DECOMPRESSED_BATCH_MAX_BYTES = 64 * 1024 * 1024;

/** A compressed batch that would expand past the bound (or whose framing cannot be read). */
export class DecompressionBoundError extends WorkerError<'DECOMPRESSION_BOUND_EXCEEDED'> {
  override readonly name = 'DecompressionBoundError';

  constructor(
    readonly codec: string,
    /** The batch's first offset, when kafkajs' fetch buffer shows it (see batchOffsets). */
    readonly firstOffset: string | undefined,
    /** Its last offset, likewise. */
    readonly lastOffset: string | undefined,
    message: string,
  ) {
    super('DECOMPRESSION_BOUND_EXCEEDED', message, false);
  }
}

let maxBytes = DEFAULT_DECOMPRESSED_BATCH_MAX_BYTES;
const listeners = new Set<(err: DecompressionBoundError) => void>();

/**
 * Sets the bound on what one batch may decompress to, and who hears of a batch past it: kafkajs
 * only retries a fetch whose decoding fails, so the consumer must end the process itself.
 */
export function boundDecompression(bytes: number, onExceeded?: (err: DecompressionBoundError) => void): () => void {
  maxBytes = bytes;
  if (!onExceeded) return () => undefined;
  listeners.add(onExceeded);
  return () => listeners.delete(onExceeded);
}

function exceeded(codec: string, buffer: Buffer, problem: string): DecompressionBoundError {
  const { first, last } = batchOffsets(buffer);
  const err = new DecompressionBoundError(
    codec,
    first,
    last,
    `a ${codec} batch ${problem} (DECOMPRESSED_BATCH_MAX_BYTES is ${maxBytes})`,
  );
  for (const listener of listeners) listener(err);
  return err;
}

/** Refuses a batch whose framing allows more than the bound, before it is decompressed. */
function checkFraming(codec: string, buffer: Buffer, maxSize: (b: Buffer) => number): void {
  let size: number;
  try {
    size = maxSize(buffer);
  } catch (err) {
    if (err instanceof UnreadableFrameError) throw exceeded(codec, buffer, `cannot be read: ${err.message}`);
    throw err;
  }
  if (size > maxBytes) throw exceeded(codec, buffer, `may expand to ${size} bytes, past the bound`);
}

const RECORD_BATCH_HEADER = 61;
const MAGIC_V2 = 2;

/**
 * The first and last offsets of the batch kafkajs is decoding: it hands the codec a view into
 * the fetch response, right after the 61-byte batch header. Read only when that header checks out.
 */
export function batchOffsets(records: Buffer): { first?: string; last?: string } {
  const start = records.byteOffset - RECORD_BATCH_HEADER;
  if (start < 0) return {};
  const header = Buffer.from(records.buffer, start, RECORD_BATCH_HEADER);
  if (header.readInt8(16) !== MAGIC_V2 || header.readInt32BE(8) !== records.length + RECORD_BATCH_HEADER - 12) {
    return {};
  }
  const first = header.readBigInt64BE(0);
  return { first: String(first), last: String(first + BigInt(header.readInt32BE(23))) };
}

const gzipAsync = promisify(gzip);
const unzipAsync = promisify(unzip);

const gzipCodec = () => ({
  compress: (encoder: Encoder) => gzipAsync(encoder.buffer),
  decompress: async (buffer: Buffer) => {
    try {
      // zlib stops inflating once the output passes the bound.
      return await unzipAsync(buffer, { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw exceeded('gzip', buffer, 'expands past the bound');
      }
      throw err;
    }
  },
});

const snappyCodec = () => {
  const inner = SnappyCodec();
  return {
    compress: (encoder: Encoder) => inner.compress(encoder),
    decompress: async (buffer: Buffer) => {
      checkFraming('snappy', buffer, snappyMaxSize);
      return inner.decompress(buffer);
    },
  };
};

// Kafka's lz4 is the LZ4 frame format (not raw blocks); zstd batches are whole zstd frames.
const lz4Codec = () => ({
  compress: (encoder: Encoder) => compressFrame(encoder.buffer),
  decompress: async (buffer: Buffer) => {
    checkFraming('lz4', buffer, lz4MaxSize);
    return decompressFrame(buffer);
  },
});

const zstdCodec = () => ({
  compress: (encoder: Encoder) => zstdCompress(encoder.buffer),
  decompress: async (buffer: Buffer) => {
    checkFraming('zstd', buffer, zstdMaxSize);
    return zstdDecompress(buffer);
  },
});

let registered = false;

/**
 * Teaches kafkajs snappy, lz4 and zstd, and bounds gzip too, for every client of this process:
 * the codec table is global to kafkajs, so registering once per process is enough.
 */
export function registerCodecs(): void {
  if (registered) return;
  CompressionCodecs[CompressionTypes.GZIP] = gzipCodec;
  CompressionCodecs[CompressionTypes.Snappy] = snappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec;
  registered = true;
}

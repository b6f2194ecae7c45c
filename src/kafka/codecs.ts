import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import { compressFrame, decompressFrame } from 'lz4-napi';

/** What kafkajs hands a codec to compress. */
interface Encoder {
  buffer: Buffer;
}

// Kafka's lz4 is the LZ4 frame format (not raw blocks); zstd batches are whole zstd frames.
const lz4Codec = () => ({
  compress: (encoder: Encoder) => compressFrame(encoder.buffer),
  decompress: (buffer: Buffer) => decompressFrame(buffer),
});

const zstdCodec = () => ({
  compress: (encoder: Encoder) => zstdCompress(encoder.buffer),
  decompress: (buffer: Buffer) => zstdDecompress(buffer),
});

let registered = false;

/**
 * Teaches kafkajs (which only knows gzip) snappy, lz4 and zstd, for every client of this process:
 * the codec table is global to kafkajs, so registering once per process is enough.
 */
export function registerCodecs(): void {
  if (registered) return;
  CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec;
  registered = true;
}

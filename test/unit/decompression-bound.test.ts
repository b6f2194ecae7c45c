import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import {
  boundDecompression,
  DecompressionBoundError,
  DEFAULT_DECOMPRESSED_BATCH_MAX_BYTES,
  registerCodecs,
} from '../../src/kafka/codecs';
import { lz4MaxSize, snappyMaxSize, zstdMaxSize } from '../../src/kafka/decompressed-size';

registerCodecs();
const codecs = {
  gzip: CompressionCodecs[CompressionTypes.GZIP](),
  snappy: CompressionCodecs[CompressionTypes.Snappy](),
  lz4: CompressionCodecs[CompressionTypes.LZ4](),
  zstd: CompressionCodecs[CompressionTypes.ZSTD](),
};
// Three megabytes that compress to a few kilobytes.
const records = Buffer.from('{"event_type":"user.created","pad":"x"}'.repeat(80_000));

describe('bounded decompression (spec §5)', () => {
  after(() => boundDecompression(DEFAULT_DECOMPRESSED_BATCH_MAX_BYTES));

  for (const [name, codec] of Object.entries(codecs)) {
    it(`${name}: a batch within the bound decompresses; past it, it is refused`, async () => {
      const compressed = (await codec.compress({ buffer: records } as never)) as Buffer;
      assert.ok(compressed.length < records.length / 10, `${name} compresses (${compressed.length} bytes)`);
      boundDecompression(4 * 1024 * 1024);
      assert.ok(((await codec.decompress(compressed)) as Buffer).equals(records));
      const heard: DecompressionBoundError[] = [];
      const stop = boundDecompression(1024 * 1024, (err) => heard.push(err));
      try {
        await assert.rejects(codec.decompress(compressed), DecompressionBoundError);
        assert.equal(heard.length, 1, 'the listener hears of it');
        assert.match(heard[0]!.message, new RegExp(`^a ${name} batch .*DECOMPRESSED_BATCH_MAX_BYTES is 1048576`));
      } finally {
        stop();
      }
    });
  }

  it('reads the most each framing can expand to without decompressing', async () => {
    const zstd = (await codecs.zstd.compress({ buffer: records } as never)) as Buffer;
    const lz4 = (await codecs.lz4.compress({ buffer: records } as never)) as Buffer;
    const snappy = (await codecs.snappy.compress({ buffer: records } as never)) as Buffer;
    for (const [name, size] of [
      ['zstd', zstdMaxSize(zstd)],
      ['lz4', lz4MaxSize(lz4)],
      ['snappy', snappyMaxSize(snappy)],
    ] as const) {
      assert.ok(size >= records.length && size <= records.length + 4 * 1024 * 1024, `${name}: ${size}`);
    }
    assert.equal(snappyMaxSize(snappy), records.length, 'snappy declares its length exactly');
  });

  it('refuses a batch whose framing cannot be read', async () => {
    boundDecompression(DEFAULT_DECOMPRESSED_BATCH_MAX_BYTES);
    await assert.rejects(codecs.zstd.decompress(Buffer.from('not a zstd frame')), /zstd batch cannot be read/);
  });
});

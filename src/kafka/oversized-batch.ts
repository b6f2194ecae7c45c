import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { describeError, WorkerError } from '../errors';
import { boundDecompression, type DecompressionBoundError } from './codecs';

/** What the watch needs to know about the consumer. */
export interface OversizedBatchWatch {
  topic: string;
  groupId: string;
  /** DECOMPRESSED_BATCH_MAX_BYTES. */
  maxBytes: number;
}

/**
 * Bounds decompression and ends the worker on a batch past the bound, with one fatal line naming
 * topic, partition and offset: kafkajs would only retry the fetch (and then restart) forever.
 * Returns what stops the watch.
 */
export function watchOversizedBatches(
  kafka: Kafka,
  watch: OversizedBatchWatch,
  logger: Logger,
  fail: (err: unknown) => void,
): () => void {
  let seen = false;
  return boundDecompression(watch.maxBytes, (err) => {
    if (seen) return;
    seen = true;
    void (async () => {
      const partitions = await locate(kafka, watch, err).catch((e: unknown) => {
        logger.warn({ err: describeError(e) }, 'cannot tell which partition holds the oversized batch');
        return [] as number[];
      });
      const partition = partitions.length === 1 ? partitions[0] : partitions.length ? partitions : 'unknown';
      const where = `topic "${watch.topic}" partition ${String(partition)} offset ${err.firstOffset ?? 'unknown'}`;
      logger.fatal(
        { topic: watch.topic, partition, offset: err.firstOffset, lastOffset: err.lastOffset, codec: err.codec },
        `${err.message}: ${where}; nothing of it is committed: raise DECOMPRESSED_BATCH_MAX_BYTES and restart`,
      );
      fail(new WorkerError('BATCH_TOO_LARGE', `${err.message} at ${where}`, false, { cause: err }));
    })();
  });
}

/**
 * The partitions that can hold the batch: the codec sees the batch's offsets but not its
 * partition, so it is the one whose next offset to read falls in the batch (ambiguous only when
 * several partitions of one fetch are at the same offsets: then all are named).
 */
async function locate(kafka: Kafka, watch: OversizedBatchWatch, err: DecompressionBoundError): Promise<number[]> {
  const admin = kafka.admin({ retry: { retries: 2 } });
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId: watch.groupId, topics: [watch.topic] });
    const ends = await admin.fetchTopicOffsets(watch.topic);
    const next = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    return ends
      .filter(({ partition, low, high }) => {
        const stored = next.get(partition) ?? -1n;
        const position = stored >= 0n ? stored : BigInt(low);
        if (position >= BigInt(high)) return false;
        if (err.firstOffset === undefined || err.lastOffset === undefined) return true;
        return position <= BigInt(err.lastOffset) && BigInt(err.firstOffset) < BigInt(high);
      })
      .map(({ partition }) => partition);
  } finally {
    await admin.disconnect();
  }
}

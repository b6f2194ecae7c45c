import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** A message read from a topic, with where it came from. */
export interface ReadMessage {
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads a topic from the beginning up to its end as of the call (no group offsets committed),
 * calling onMessage for each message in partition order.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (m: ReadMessage) => Promise<void> | void,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  let remaining: Set<number>;
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return;
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    // A partition whose records retention (or deleteRecords) removed has low = high > 0: nothing
    // will ever arrive from it, so it is not waited for.
    remaining = new Set(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => o.partition));
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return;

  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let failure: unknown;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = ends.get(batch.partition) ?? 0n;
          try {
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end) break;
              await onMessage({ partition: batch.partition, message });
            }
          } catch (err) {
            failure ??= err;
            remaining.clear();
          }
          if (BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      });
    });
    await done;
    if (failure) throw failure;
  } finally {
    await consumer.disconnect();
  }
}

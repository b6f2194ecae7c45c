import { uniqueName, waitFor } from './services';
import { testKafka } from './test-kafka';

/** Where a record sits in its topic and its own timestamp: what dlq.* source headers must repeat. */
export interface RecordPosition {
  key: string | null;
  partition: number;
  offset: string;
  timestamp: string;
}

/** Reads `count` records of a topic (every partition, from the beginning) with their positions. */
export async function readPositions(topic: string, count: number, timeoutMs = 30_000): Promise<RecordPosition[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('positions'), maxWaitTimeInMs: 200 });
  const seen: RecordPosition[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          key: message.key?.toString() ?? null,
          partition,
          offset: message.offset,
          timestamp: message.timestamp,
        });
      },
    });
    await waitFor(`${count} records on ${topic} (have ${seen.length})`, () => seen.length >= count, timeoutMs);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

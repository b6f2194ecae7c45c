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

/** Fetches the worker's /metrics text, the port taken from its `http server listening` log line. */
export async function fetchMetrics(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/** The value of one sample in Prometheus text format (labels as written, in order), 0 when absent. */
export function metricSample(metrics: string, name: string, labels = ''): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

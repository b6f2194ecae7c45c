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

/**
 * Records ever written to a topic (the sum of its end offsets), 0 when the broker lists no such topic:
 * a dead-letter topic is created by its first letter. A failure to read propagates, never taken for 0.
 */
export async function topicRecordCount(topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Fetches the worker's /metrics text, the port taken from its `http server listening` log line. */
export async function fetchMetrics(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/** The value of one sample in Prometheus text format (labels as written, in order); absent fails. */
export function metricSample(metrics: string, name: string, labels = ''): number {
  const series = `${name}${labels ? `{${labels}}` : ''}`;
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no sample ${series} on /metrics`);
  return Number(line.split(' ').pop());
}

import { Kafka, logLevel, Partitioners, type IHeaders, type KafkaMessage } from 'kafkajs';
import { kafkaBrokers, uniqueName, waitFor } from './services';

const kafka = new Kafka({ clientId: 'tests', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });

/** The shared test client. */
export function testKafka(): Kafka {
  return kafka;
}

/** Creates a fresh topic with a unique name and returns the name. */
export async function createTopic(prefix: string, partitions = 1): Promise<string> {
  const topic = uniqueName(prefix).replace(/_/g, '-');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** A message to produce: the key, the value (object → JSON, string/Buffer as is, null = tombstone). */
export interface TestMessage {
  key?: string | null;
  value: unknown;
  headers?: IHeaders;
  partition?: number;
}

/** Produces messages in order and waits for all acks. */
export async function produce(topic: string, messages: readonly TestMessage[]): Promise<void> {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 1000).map((m) => ({
          key: m.key ?? null,
          value:
            m.value === null
              ? null
              : Buffer.isBuffer(m.value) || typeof m.value === 'string'
                ? m.value
                : JSON.stringify(m.value),
          headers: m.headers,
          partition: m.partition,
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Latest offsets (high watermarks) per partition. */
export async function endOffsets(topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

/** The group's committed offsets per partition (-1 when none). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the group has committed every offset the topic has now. */
export async function waitForCaughtUp(groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
  const ends = await endOffsets(topic);
  await waitFor(
    `group ${groupId} to commit the end of ${topic}`,
    async () => {
      const committed = await committedOffsets(groupId, topic);
      return [...ends].every(([p, end]) => end === '0' || committed.get(p) === end);
    },
    timeoutMs,
    250,
  );
}

/** Reads a whole topic from the beginning with a throwaway group until `count` messages arrived. */
export async function readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message);
      },
    });
    await waitFor(`${count} messages on ${topic} (have ${seen.length})`, () => seen.length >= count, timeoutMs);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/** A header value as text. */
export function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? String(value[0]) : value.toString();
}

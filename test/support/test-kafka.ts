import { Kafka, logLevel, Partitioners, type IHeaders, type KafkaMessage } from 'kafkajs';
import { kafkaBrokers, uniqueName, waitFor } from './services';

/** A message to produce: the key, the value (object → JSON, string/Buffer as is, null = tombstone). */
export interface TestMessage {
  key?: string | null;
  value: unknown;
  headers?: IHeaders;
  partition?: number;
  /** The record's timestamp (ms since the epoch, text); the producer's clock when absent. */
  timestamp?: string;
}

/** Test-side Kafka helpers bound to one broker list. */
export class TestKafka {
  readonly kafka: Kafka;

  constructor(brokers: string[] | Kafka) {
    this.kafka = Array.isArray(brokers)
      ? new Kafka({ clientId: 'tests', brokers, logLevel: logLevel.NOTHING })
      : brokers;
  }

  /** The helpers over an existing client. */
  static on(kafka: Kafka): TestKafka {
    return new TestKafka(kafka);
  }

  /** Creates a fresh topic with a unique name and returns the name. */
  async createTopic(prefix: string, partitions = 1, config: Record<string, string> = {}): Promise<string> {
    const topic = uniqueName(prefix).replace(/_/g, '-');
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: partitions,
            replicationFactor: 1,
            configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
          },
        ],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    return topic;
  }

  /** Produces messages in order and waits for all acks. */
  async produce(topic: string, messages: readonly TestMessage[]): Promise<void> {
    const producer = this.kafka.producer({
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
            timestamp: m.timestamp,
          })),
        });
      }
    } finally {
      await producer.disconnect();
    }
  }

  /** Latest offsets (high watermarks) per partition. */
  async endOffsets(topic: string): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((o) => [o.partition, o.high]));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * How many records were ever written to a topic: the sum of its end offsets, 0 when the broker lists no such
   * topic (a dead-letter topic is created by its first letter). Any failure to read propagates:
   * an error is never taken for "nothing there".
   */
  async recordCount(topic: string): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(topic)) return 0;
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((n, o) => n + Number(o.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** The group's committed offsets per partition (-1 when none). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until the group has committed every offset the topic has now. */
  async waitForCaughtUp(groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
    // Retried: right after a broker restart the partition leaders may not be elected yet.
    const ends = await waitFor(`end offsets of ${topic}`, () => this.endOffsets(topic), timeoutMs);
    await waitFor(
      `group ${groupId} to commit the end of ${topic}`,
      async () => {
        const committed = await this.committedOffsets(groupId, topic);
        return [...ends].every(([p, end]) => end === '0' || committed.get(p) === end);
      },
      timeoutMs,
      250,
    );
  }

  /** Reads a whole topic from the beginning with a throwaway group until `count` messages arrived. */
  async readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
    const consumer = this.kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
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
}

const shared = new TestKafka(kafkaBrokers());

/** The shared test client (the broker the test runner started or KAFKA_BROKERS). */
export function testKafka(): Kafka {
  return shared.kafka;
}

/** Creates a fresh, uniquely named topic on the shared broker. */
export const createTopic = (prefix: string, partitions = 1, config?: Record<string, string>): Promise<string> =>
  shared.createTopic(prefix, partitions, config);
/** Produces to the shared broker. */
export const produce = (topic: string, messages: readonly TestMessage[]): Promise<void> =>
  shared.produce(topic, messages);
/** High watermarks on the shared broker. */
export const endOffsets = (topic: string): Promise<Map<number, string>> => shared.endOffsets(topic);
/** How many records were ever written to a topic on the shared broker (0 when there is no such topic). */
export const recordCount = (topic: string): Promise<number> => shared.recordCount(topic);
/** Committed offsets on the shared broker. */
export const committedOffsets = (groupId: string, topic: string): Promise<Map<number, string>> =>
  shared.committedOffsets(groupId, topic);
/** Waits for a group to commit the end of a topic on the shared broker. */
export const waitForCaughtUp = (groupId: string, topic: string, timeoutMs?: number): Promise<void> =>
  shared.waitForCaughtUp(groupId, topic, timeoutMs);
/** Reads a topic on the shared broker. */
export const readTopic = (topic: string, count: number, timeoutMs?: number): Promise<KafkaMessage[]> =>
  shared.readTopic(topic, count, timeoutMs);

/** A header value as text. */
export function headerText(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? String(value[0]) : value.toString();
}

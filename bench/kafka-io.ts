/** Kafka plumbing of the bench: a client, topics, bulk produce and committed-offset reads. */
import { Partitioners, type Admin, type Kafka } from 'kafkajs';
import pino from 'pino';
import { createKafka } from '../src/kafka/kafka-client';
import { PLAINTEXT } from '../src/kafka/kafka-security';
import { TestKafka } from '../test/support/test-kafka';
import type { EncodedMessage } from './stream';

/** Per-partition offsets (partition → next offset), as numbers. */
export type Offsets = Map<number, number>;

/** A client for the bench's own (plaintext) broker, built like the worker's; its logs off. */
export function benchKafka(brokers: string[]): Kafka {
  return createKafka({ brokers, clientId: 'bench', security: PLAINTEXT }, pino({ level: 'silent' }));
}

/** Creates a uniquely named topic with `partitions` partitions and returns its name. */
export function createTopic(kafka: Kafka, prefix: string, partitions: number): Promise<string> {
  return TestKafka.on(kafka).createTopic(prefix, partitions);
}

/** Bytes per send: kafkajs puts a send's messages for one partition in one record batch, and the
 * broker refuses batches over message.max.bytes (~1 MB) — so stay under it even with one partition. */
const SEND_BYTES = 900 * 1024;

/** Produces messages in order (keyed, default partitioner, acks from all in-sync replicas), one send at a time. */
export async function produceAll(kafka: Kafka, topic: string, messages: readonly EncodedMessage[]): Promise<void> {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length;) {
      let end = start;
      for (let bytes = 0; end < messages.length && bytes < SEND_BYTES; end++) {
        bytes += (messages[end] as EncodedMessage).value.length + 100;
      }
      await producer.send({ topic, acks: -1, messages: messages.slice(start, end) });
      start = end;
    }
  } finally {
    await producer.disconnect();
  }
}

/** The end offsets (high watermarks) of a topic. */
export async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** A group's committed offsets (-1 where none). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Offsets> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

/** True when every non-empty partition's committed offset reached its end. */
export function coversAll(committed: Offsets, ends: Offsets): boolean {
  return [...ends].every(([p, end]) => end === 0 || (committed.get(p) ?? -1) >= end);
}

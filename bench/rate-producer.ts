/** Produces a stream at a steady rate and reports which offsets each send got, and when. */
import { Partitioners, type Kafka } from 'kafkajs';
import type { EncodedMessage } from './stream';

/** Consecutive offsets of one partition written by one send at `producedAt` (epoch ms). */
export interface SentRange {
  partition: number;
  base: number;
  count: number;
  producedAt: number;
}

const TICK_MS = 10;

/** FNV-1a of the key: a user's events always land on the same partition, in order. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % partitions;
}

/** Sends due messages every 10 ms so that by time t about rate × t messages are out. */
export class RateProducer {
  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly onRange: (range: SentRange) => void,
  ) {}

  /** Produces every message at `rate` per second; resolves with the seconds it took. */
  async run(messages: readonly EncodedMessage[], rate: number): Promise<number> {
    const producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const started = Date.now();
      let sent = 0;
      while (sent < messages.length) {
        const due = Math.min(messages.length, Math.floor(((Date.now() - started) / 1000) * rate));
        if (due > sent) {
          const producedAt = Date.now();
          const batch = messages.slice(sent, due).map((m) => ({
            key: m.key,
            value: m.value,
            partition: partitionOf(m.key, this.partitions),
            timestamp: String(producedAt),
          }));
          const counts = new Map<number, number>();
          for (const m of batch) counts.set(m.partition, (counts.get(m.partition) ?? 0) + 1);
          const metadata = await producer.send({ topic: this.topic, acks: -1, messages: batch });
          for (const m of metadata) {
            const base = Number(m.baseOffset ?? m.offset);
            const count = counts.get(m.partition) ?? 0;
            if (!Number.isFinite(base) || base < 0) throw new Error(`no base offset for partition ${m.partition}`);
            if (count > 0) this.onRange({ partition: m.partition, base, count, producedAt });
          }
          sent = due;
        }
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
      return (Date.now() - started) / 1000;
    } finally {
      await producer.disconnect();
    }
  }
}

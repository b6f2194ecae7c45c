/** K: the Kafka ceiling, kafkajs eachBatch reading the whole topic and doing nothing. */
import type { Kafka } from 'kafkajs';
import { uniqueName } from '../test/support/services';

/** The K figure. */
export interface KafkaFigure {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

/**
 * Consumes every message of the topic with the worker's fetch settings (4 MB per partition,
 * 500 ms max wait) and all partitions in parallel; timed from connect to the last message.
 */
export async function measureKafka(
  kafka: Kafka,
  topic: string,
  events: number,
  timeoutMs: number,
): Promise<KafkaFigure> {
  const consumer = kafka.consumer({
    groupId: uniqueName('bench-k'),
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxWaitTimeInMs: 500,
  });
  try {
    let seen = 0;
    let finish: () => void = () => undefined;
    const allSeen = new Promise<void>((ok) => (finish = ok));
    const started = performance.now();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 64,
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= events) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, ko) => {
      timer = setTimeout(() => ko(new Error(`kafka: ${seen} of ${events} after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([allSeen, timeout]);
    } finally {
      clearTimeout(timer);
    }
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, eventsPerSecond: events / seconds };
  } finally {
    await consumer.disconnect();
  }
}

import { Partitioners, type Kafka } from 'kafkajs';

/** A JSON event with the key it is sent under. */
export interface KeyedJson {
  key: string | null;
  value: unknown;
}

/** Sends JSON events to a topic in order and waits for all in-sync replicas. */
export async function produceJson(kafka: Kafka, topic: string, events: readonly KeyedJson[]): Promise<void> {
  const producer = kafka.producer({ maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: events.map((e) => ({ key: e.key, value: JSON.stringify(e.value) })),
    });
  } finally {
    await producer.disconnect();
  }
}

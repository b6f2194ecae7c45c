import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/** A JSON event with the key it is sent under. */
export interface KeyedJson {
  key: string | null;
  value: unknown;
}

/** Sends JSON events to one topic in order, waiting for all in-sync replicas. */
export class JsonProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = kafka.producer({ maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  }

  /** Connects. */
  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Sends a batch of events; resolves when acknowledged. */
  async send(events: readonly KeyedJson[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: events.map((e) => ({ key: e.key, value: JSON.stringify(e.value) })),
    });
  }

  /** Disconnects. */
  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

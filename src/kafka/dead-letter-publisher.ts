import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import type { DeadLetter, DeadLetterSink } from '../pipeline/source-record';

/**
 * Publishes dead letters: the original key, value bytes and headers, plus dlq.* headers
 * with the reason and where the record came from. Resolves once all replicas have them.
 */
export class DeadLetterPublisher implements DeadLetterSink {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    // One request in flight keeps letters in order. A send retried after a lost acknowledgement may
    // duplicate a letter (at least once); dlq.topic/partition/offset identify its source uniquely.
    this.producer = kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects the producer. */
  async connect(): Promise<void> {
    await this.producer.connect();
  }

  /** Disconnects the producer. */
  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /** Sends every letter and waits for acks from all in-sync replicas. */
  async publish(letters: readonly DeadLetter[]): Promise<void> {
    const failedAt = new Date().toISOString();
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map(({ record, reason, error }) => ({
        key: record.key,
        value: record.value,
        headers: {
          ...(record.headers as IHeaders),
          'dlq.reason': reason,
          'dlq.error': error,
          'dlq.topic': record.topic,
          'dlq.partition': String(record.partition),
          'dlq.offset': record.offset,
          'dlq.timestamp': record.timestamp,
          'dlq.failed_at': failedAt,
        },
      })),
    });
  }
}

import type { DeadLetterReason } from '../common/outcome';

/** A consumed message as the pipeline sees it: Kafka-agnostic, bytes untouched. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  /** The broker's timestamp, milliseconds since the epoch as text. */
  timestamp: string;
}

/** A record that cannot be applied, with the reason and a readable message naming the field. */
export interface DeadLetter {
  record: SourceRecord;
  reason: DeadLetterReason;
  error: string;
}

/** Where dead letters go; publish resolves only once every letter is durable. */
export interface DeadLetterSink {
  publish(letters: readonly DeadLetter[]): Promise<void>;
}

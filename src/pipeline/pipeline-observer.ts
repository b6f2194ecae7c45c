import type { DeadLetterReason, Outcome } from '../common/outcome';

/** What the pipeline reports as it works (metrics implement it; the pipeline knows no metrics library). */
export interface PipelineObserver {
  /** One record finished with an outcome; eventType is absent for records that never decoded. */
  recordDone(outcome: Outcome, eventType: string | undefined, reason: DeadLetterReason | undefined): void;
  /** One chunk became durable: its size and how long the writes took. */
  chunkDone(size: number, writeSeconds: number): void;
  /** A retry after a failure: `database` for writes, `dead_letter` for publishes. */
  retried(target: 'database' | 'dead_letter'): void;
  /** No write is failing any more, or one is (readOnly: the server refused it as read-only). */
  databaseHealthy(healthy: boolean, readOnly?: boolean): void;
  /** Records the database has rejected in a row with the same error, none accepted since. */
  rejectionStreak(count: number): void;
  /**
   * Records of a partition not yet durable, and when a chunk became durable, the record timestamp
   * (ms since the epoch) of its last record.
   */
  lag(topic: string, partition: number, lag: number, lastTimestampMs?: number): void;
  /** The partitions of the topic this member now holds (others' series are dropped). */
  assigned(topic: string, partitions: readonly number[]): void;
}

/** An observer that records nothing. */
export const noopObserver: PipelineObserver = {
  recordDone: () => undefined,
  chunkDone: () => undefined,
  retried: () => undefined,
  databaseHealthy: () => undefined,
  rejectionStreak: () => undefined,
  lag: () => undefined,
  assigned: () => undefined,
};

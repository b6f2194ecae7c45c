import type { RecordOutcome } from './chunk-processor';
import type { DeadLetterReason } from './source-record';

/** What the pipeline reports as it works (metrics implement it; the pipeline knows no metrics library). */
export interface PipelineObserver {
  /** One record finished with an outcome; eventType is absent for records that never decoded. */
  recordDone(outcome: RecordOutcome, eventType: string | undefined, reason: DeadLetterReason | undefined): void;
  /** One chunk became durable: its size and how long the writes took. */
  chunkDone(size: number, writeSeconds: number): void;
  /** A retry after a failure: `database` for writes, `dead_letter` for publishes. */
  retried(target: 'database' | 'dead_letter'): void;
  /** The database answered again after failures, or started failing. */
  databaseHealthy(healthy: boolean): void;
  /** Distance from a partition's committed position to its end. */
  lag(topic: string, partition: number, lag: number): void;
}

/** An observer that records nothing. */
export const noopObserver: PipelineObserver = {
  recordDone: () => undefined,
  chunkDone: () => undefined,
  retried: () => undefined,
  databaseHealthy: () => undefined,
  lag: () => undefined,
};

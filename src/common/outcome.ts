/**
 * What happened to one record: written (applied), skipped as older than the stored row (stale),
 * a delete of no row (missing), a Kafka tombstone skipped, or sent to the dead-letter topic.
 * Metric labels and log lines use these exact words.
 */
export type Outcome = 'applied' | 'stale' | 'missing' | 'tombstone' | 'dead_lettered';

/** Why a record went to the dead-letter topic (spec §5): the `dlq.reason` header and metric label. */
export type DeadLetterReason = 'invalid_json' | 'invalid_event' | 'unknown_event_type' | 'rejected_by_database';

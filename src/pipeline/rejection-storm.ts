/**
 * A rejection storm (spec §5): the database refusing every record alike, as after a schema change
 * gone wrong (a CHECK constraint no row passes), is not bad input. Dead-lettering the stream for it
 * would empty the table's future into the dead-letter topic, so past a bound the worker stops.
 */

/** What one record of a chunk tells the detector, in offset order. */
export type StormSignal =
  /** The database accepted the record's write (applied, stale or missing): the storm is over. */
  | { kind: 'accepted' }
  /** The database rejected the record alone; `error` is its description (values already cut out). */
  | { kind: 'rejected'; error: string }
  /** Neither (invalid input, tombstone): says nothing about the database. */
  | { kind: 'neutral' };

/** A storm the detector saw: how many records in a row, and the error they share. */
export interface Storm {
  count: number;
  error: string;
}

/**
 * "The same error": the server's error number, SQLSTATE and message with values cut out (so the
 * same constraint, column or key), without the row number of a multi-row statement.
 */
export function rejectionSignature(error: string): string {
  return error.replace(/ at row \d+/g, '');
}

/**
 * Counts consecutive records rejected by the database with the same error, across chunks and
 * partitions in the order the worker sees them; any accepted write resets the count. One instance
 * serves the whole stream.
 */
export class RejectionStormDetector {
  private signature: string | undefined;
  private count = 0;

  constructor(
    /** Consecutive same-error rejections allowed; one more is a storm. */
    readonly limit: number,
  ) {}

  /** Consecutive same-error rejections seen so far (0 after an accepted write). */
  get consecutive(): number {
    return this.count;
  }

  /**
   * Feeds one chunk's signals in offset order. Returns the storm once the count passes the limit
   * (the chunk's dead letters must then not be published), else undefined.
   */
  observe(signals: readonly StormSignal[]): Storm | undefined {
    let storm: Storm | undefined;
    for (const signal of signals) {
      if (signal.kind === 'accepted') {
        this.signature = undefined;
        this.count = 0;
      } else if (signal.kind === 'rejected') {
        const signature = rejectionSignature(signal.error);
        this.count = signature === this.signature ? this.count + 1 : 1;
        this.signature = signature;
        if (this.count > this.limit && !storm) storm = { count: this.count, error: signal.error };
      }
    }
    return storm;
  }
}

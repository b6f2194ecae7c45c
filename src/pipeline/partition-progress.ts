/**
 * Which partitions have work in hand and when each last made progress, so readiness can say
 * "a partition is stuck" (retrying, or failing the same chunk) after a bound.
 */
export class PartitionProgress {
  /** Partition key → when it last made progress while it had work (ms since the epoch). */
  private readonly since = new Map<string, number>();

  constructor(
    /** How long a partition may have work without progress before it counts as stuck. */
    readonly stuckAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The partition has work in hand; its clock keeps running if it was already waiting. */
  working(topic: string, partition: number): void {
    const key = `${topic}/${partition}`;
    if (!this.since.has(key)) this.since.set(key, this.now());
  }

  /** A chunk of the partition became durable. */
  progressed(topic: string, partition: number): void {
    this.since.set(`${topic}/${partition}`, this.now());
  }

  /** The partition's work in hand is done. */
  idle(topic: string, partition: number): void {
    this.since.delete(`${topic}/${partition}`);
  }

  /** Forgets every partition (after a rebalance the assignment may have changed). */
  reset(): void {
    this.since.clear();
  }

  /** Every partition with work in hand and how long it has gone without progress (for metrics). */
  waiting(): Array<{ topic: string; partition: number; forMs: number }> {
    const now = this.now();
    return [...this.since].map(([key, at]) => {
      const cut = key.lastIndexOf('/');
      return { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), forMs: now - at };
    });
  }

  /** Partitions stuck longer than the bound, with how long. */
  stuck(): Array<{ partition: string; stuckForMs: number }> {
    const now = this.now();
    return [...this.since]
      .map(([partition, at]) => ({ partition, stuckForMs: now - at }))
      .filter((p) => p.stuckForMs > this.stuckAfterMs);
  }
}

import type { User } from '../../src/domains/users/user.entity';
import type { UserCommand } from '../../src/domains/users/user.events';
import { toUserColumns } from '../../src/domains/users/user.columns';
import { mapUserEvent } from '../../src/domains/users/user.mapper';

/** A small sequential reference model of spec §3, written independently of the writer. */
export class UserTableModel {
  readonly rows = new Map<string, User>();

  /** Applies one command; returns what the spec says happened. */
  apply(c: UserCommand): 'applied' | 'stale' | 'missing' {
    const stored = this.rows.get(c.entityId);
    const older = (t: string | null, s: string | null | undefined): boolean =>
      t !== null && s !== null && s !== undefined && t < s;
    if (c.kind === 'upsert') {
      if (
        stored &&
        (c.row.version < stored.version ||
          (c.row.version === stored.version && older(c.row.eventTimestamp, stored.eventTimestamp)))
      ) {
        return 'stale';
      }
      this.rows.set(c.entityId, { ...c.row, createdAt: stored?.createdAt ?? c.row.createdAt });
      return 'applied';
    }
    if (!stored) return 'missing';
    if (older(c.eventTimestamp, stored.eventTimestamp)) return 'stale';
    this.rows.set(c.entityId, {
      ...stored,
      deletedAt: stored.deletedAt ?? c.deletedAt,
      eventId: c.eventId,
      eventTimestamp: c.eventTimestamp,
    });
    return 'applied';
  }

  /** Applies valid events in order (their timestamps are all set, so no processing time enters). */
  applyEvents(events: readonly Record<string, unknown>[]): this {
    for (const e of events) this.apply(mapUserEvent(e, { receivedAt: 'unused' }));
    return this;
  }

  /** The table as `SELECT * … ORDER BY user_id` returns it. */
  table(): Record<string, unknown>[] {
    return [...this.rows.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1)).map(toUserColumns);
  }
}

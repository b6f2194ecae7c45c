import { groupBy } from '../../common/group-by';
import type { User } from './user.entity';

/**
 * True when `later` wins over `earlier` under spec §3's stale rule in a way that does not
 * depend on the stored row: a higher version, or the same version with both event timestamps
 * known and `later`'s not earlier. (A NULL timestamp is "never stale" and so not transitive.)
 */
export function dominates(later: User, earlier: User): boolean {
  if (later.version > earlier.version) return true;
  if (later.version < earlier.version) return false;
  return (
    later.eventTimestamp !== null && earlier.eventTimestamp !== null && later.eventTimestamp >= earlier.eventTimestamp
  );
}

/**
 * Folds each key's upserts (given in order) into the rows a multi-row upsert must write for the
 * same table. When a key's last row dominates all its earlier ones, the guarded upsert of that row
 * alone leaves what all the key's rows would against any stored row (or none): it wins exactly
 * when one of them would have, and then it would have won last. It carries the first row's
 * created_at, the value an insert by those rows would have kept. Otherwise the key's rows stay as
 * they are. Keys keep their first-seen order; a key's rows stay in order.
 */
export function coalesceUpserts(rows: readonly User[]): User[] {
  const byKey = groupBy(rows, (row) => row.userId);
  const out: User[] = [];
  for (const keyRows of byKey.values()) {
    const last = keyRows[keyRows.length - 1] as User;
    // A key with one row passes too (nothing earlier): it is written as it is.
    if (keyRows.slice(0, -1).every((row) => dominates(last, row))) {
      out.push({ ...last, createdAt: (keyRows[0] as User).createdAt });
    } else {
      out.push(...keyRows);
    }
  }
  return out;
}

import { groupBy } from '../../common/group-by';
import type { User } from './user.entity';

/**
 * True when `later` wins over `earlier` under spec §3's stale rule in a way that does not
 * depend on the stored row: a higher version, or the same version with both event timestamps
 * known and `later`'s not earlier. (A NULL timestamp is "never stale" and so not transitive.)
 */
export function dominates(later: User, earlier: User): boolean {
  if (later.version !== earlier.version) return later.version > earlier.version;
  return (
    later.eventTimestamp !== null && earlier.eventTimestamp !== null && later.eventTimestamp >= earlier.eventTimestamp
  );
}

/**
 * Folds each key's upserts (given in order) into the rows a multi-row upsert must write for the
 * same table. When a key's last row dominates all its earlier ones, the guarded upsert of that row
 * alone leaves what the whole run would against any stored row (or none): it wins exactly when
 * some row of the run would have, and then it would have won last. It carries the first row's
 * created_at, the value an insert by the run would have kept. Otherwise the key's rows stay as
 * they are. Keys keep their first-seen order; a key's rows stay in order.
 */
export function coalesceUpserts(rows: readonly User[]): User[] {
  const byKey = groupBy(rows, (row) => row.userId);
  if (byKey.size === rows.length) return [...rows];
  const out: User[] = [];
  for (const run of byKey.values()) {
    const last = run[run.length - 1] as User;
    if (run.length > 1 && run.slice(0, -1).every((row) => dominates(last, row))) {
      out.push({ ...last, createdAt: (run[0] as User).createdAt });
    } else {
      out.push(...run);
    }
  }
  return out;
}

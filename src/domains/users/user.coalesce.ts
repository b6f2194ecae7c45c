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
 * one of the earlier rows would have, and then overwrites them all. It carries the first row's
 * created_at, the value an insert by the run would have kept. Otherwise the key's rows stay as
 * they are. Keys keep their first-seen order; a key's rows stay in order.
 */
export function coalesceUpserts(rows: readonly User[]): User[] {
  const byKey = new Map<string, User[]>();
  for (const row of rows) {
    const run = byKey.get(row.userId);
    if (run) run.push(row);
    else byKey.set(row.userId, [row]);
  }
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

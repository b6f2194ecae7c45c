import { groupBy } from '../../common/group-by';
import type { TablePolicy } from './table-policy';

/**
 * True when `later` wins over `earlier` under the stale rule in a way that does not depend on the
 * stored row: it ranks higher on the first ranking column that differs, or equal on all, with
 * every column compared known (a NULL is "never stale", which is not transitive: no verdict).
 */
export function dominates<R>(policy: TablePolicy<R>, later: R, earlier: R): boolean {
  for (const property of policy.rankedBy) {
    const a = later[property] as unknown;
    const b = earlier[property] as unknown;
    if (a === null || b === null || a === undefined || b === undefined) return false;
    if (a !== b) return (a as string | number) > (b as string | number);
  }
  return true;
}

/**
 * Folds each key's upserts (given in order) into the rows a multi-row upsert must write for the
 * same table. When a key's last row dominates all its earlier ones, the guarded upsert of that row
 * alone leaves what all the key's rows would against any stored row (or none): it wins exactly
 * when one of them would have, and then it would have won last. It carries the first row's kept
 * columns, the values an insert by those rows would have kept. Otherwise the key's rows stay as
 * they are. Keys keep their first-seen order; a key's rows stay in order.
 */
export function coalesceUpserts<R>(policy: TablePolicy<R>, rows: readonly R[]): R[] {
  const byKey = groupBy(rows, (row) => row[policy.key]);
  const out: R[] = [];
  for (const keyRows of byKey.values()) {
    const first = keyRows[0] as R;
    const last = keyRows[keyRows.length - 1] as R;
    // A key with one row passes too (nothing earlier): it is written as it is.
    if (keyRows.slice(0, -1).every((row) => dominates(policy, last, row))) {
      const folded = { ...last };
      for (const property of policy.keep) folded[property] = first[property];
      out.push(folded);
    } else {
      out.push(...keyRows);
    }
  }
  return out;
}

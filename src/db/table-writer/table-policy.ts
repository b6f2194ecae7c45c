import type { EntitySchema } from '@mikro-orm/core';

/** A property of the row type `R`. */
export type Column<R> = keyof R & string;

/**
 * How a table takes events: conflicts on `key`; `key` and `keep` keep the first insert's values;
 * every other column is overwritten unless the incoming row ranks lower by `rankedBy` (compared
 * in order, most significant first; a NULL never ranks lower, so it is never stale).
 */
export interface TablePolicy<R> {
  /** The primary key property whose duplicate makes the conflict. */
  key: Column<R>;
  /** Properties written by the first insert only. */
  keep: ReadonlyArray<Column<R>>;
  /** Properties that rank rows; an incoming row that ranks lower is stale and changes nothing. */
  rankedBy: ReadonlyArray<Column<R>>;
  /** Where a row keeps its last event: a delete older than `timestamp` is stale. */
  event: { id: Column<R>; timestamp: Column<R> };
  /**
   * soft: set `at` (an already set one is kept) and the event columns; hard: DELETE the row, so a
   * later create or update inserts it again (no row is left to rank it against).
   */
  delete: { mode: 'soft'; at: Column<R> } | { mode: 'hard' };
}

/** A table the generic writer can write: its entity mapping and its policy. */
export interface TableDeclaration<R extends object> {
  entity: EntitySchema<R>;
  policy: TablePolicy<R>;
}

/** True when `incoming` ranks lower than `stored` under the policy (the stale rule, without I/O). */
export function ranksLower<R>(policy: TablePolicy<R>, incoming: Partial<R>, stored: Partial<R>): boolean {
  for (const property of policy.rankedBy) {
    const a = incoming[property] as unknown;
    const b = stored[property] as unknown;
    // SQL three-valued logic: a comparison with NULL is never true, so it never makes a row stale.
    if (a === null || b === null || a === undefined || b === undefined) return false;
    if (a !== b) return (a as string | number) < (b as string | number);
  }
  return false;
}

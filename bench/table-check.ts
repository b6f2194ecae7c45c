/** Compares a database's `users` table with the reference model's table. */
import { isDeepStrictEqual } from 'node:util';
import type { TestDatabase } from '../test/support/test-database';
import type { UserRow } from './stream';

/** How a table compares with the expected one. */
export interface TableCheck {
  equal: boolean;
  rows: number;
  expectedRows: number;
  /** Rows that differ or are missing on either side. */
  mismatches: number;
  /** The first differing user, for the report. */
  firstMismatch: string | null;
}

/** Reads `users` (ordered by user_id) and compares every column of every row. */
export async function checkTable(db: TestDatabase, expected: readonly UserRow[]): Promise<TableCheck> {
  const actual = await db.users();
  const byId = new Map(actual.map((row) => [String(row.user_id), { ...row }]));
  let mismatches = 0;
  let firstMismatch: string | null = null;
  for (const want of expected) {
    const id = String(want.user_id);
    const got = byId.get(id);
    byId.delete(id);
    if (got === undefined || !isDeepStrictEqual(got, want)) {
      mismatches++;
      firstMismatch ??= `${id}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got ?? null)}`;
    }
  }
  mismatches += byId.size;
  if (firstMismatch === null && byId.size > 0) firstMismatch = `unexpected row ${[...byId.keys()][0] ?? ''}`;
  return { equal: mismatches === 0, rows: actual.length, expectedRows: expected.length, mismatches, firstMismatch };
}

/** D: the database ceiling, the final rows written straight through mysql2 in multi-row upserts. */
import { TestDatabase } from '../test/support/test-database';
import type { UserRow } from './stream';
import { checkTable, type TableCheck } from './table-check';
import { createPool, tableRowParams, userStatements } from './user-sql';

/** The D figure. */
export interface DatabaseFigure {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  batchRows: number;
  /** Batches in flight at once (each on its own connection, autocommit). */
  concurrency: number;
  table: TableCheck;
}

/** Writes `rows` (the expected final table) into a fresh database in guarded multi-row upserts. */
export async function measureDatabase(
  rows: readonly UserRow[],
  batchRows = 500,
  concurrency = 2,
): Promise<DatabaseFigure> {
  const db = await TestDatabase.create('bench_d');
  const statements = await userStatements(db);
  const pool = createPool(db.config, concurrency);
  try {
    const batches: UserRow[][] = [];
    for (let i = 0; i < rows.length; i += batchRows) batches.push(rows.slice(i, i + batchRows));
    const fullSql = statements.upsertSql(batchRows);
    // Warm every connection first so the timing covers writes, not connection set-up.
    await Promise.all(Array.from({ length: concurrency }, () => pool.query('SELECT 1')));
    const started = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
        const sql = batch.length === batchRows ? fullSql : statements.upsertSql(batch.length);
        await pool.execute(sql, batch.flatMap((row) => tableRowParams(statements, row)) as never);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    const seconds = (performance.now() - started) / 1000;
    return {
      rows: rows.length,
      seconds,
      rowsPerSecond: rows.length / seconds,
      batchRows,
      concurrency,
      table: await checkTable(db, rows),
    };
  } finally {
    await pool.end();
    await db.drop();
  }
}

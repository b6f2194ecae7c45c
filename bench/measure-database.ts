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
  /** Rows per multi-row upsert statement. */
  statementRows: number;
  /** Statements in flight at once (each on its own connection, autocommit). */
  concurrency: number;
  table: TableCheck;
}

/** Writes `rows` (the expected final table) into a fresh database in guarded multi-row upserts. */
export async function measureDatabase(
  rows: readonly UserRow[],
  statementRows = 500,
  concurrency = 2,
): Promise<DatabaseFigure> {
  const db = await TestDatabase.create('bench_d');
  const statements = await userStatements(db);
  const pool = createPool(db.config, concurrency);
  try {
    const groups: UserRow[][] = [];
    for (let i = 0; i < rows.length; i += statementRows) groups.push(rows.slice(i, i + statementRows));
    const fullSql = statements.upsertSql(statementRows);
    // Warm every connection first so the timing covers writes, not connection set-up.
    await Promise.all(Array.from({ length: concurrency }, () => pool.query('SELECT 1')));
    const started = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let group = groups[next++]; group !== undefined; group = groups[next++]) {
        const sql = group.length === statementRows ? fullSql : statements.upsertSql(group.length);
        await pool.execute(sql, group.flatMap((row) => tableRowParams(statements, row)) as never);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    const seconds = (performance.now() - started) / 1000;
    return {
      rows: rows.length,
      seconds,
      rowsPerSecond: rows.length / seconds,
      statementRows,
      concurrency,
      table: await checkTable(db, rows),
    };
  } finally {
    await pool.end();
    await db.drop();
  }
}

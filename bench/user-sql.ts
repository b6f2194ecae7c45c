/** Plain mysql2 access for the figures that bypass the worker: a pool and the worker's own users statements. */
import mysql from 'mysql2/promise';
import type { MysqlConfig } from '../src/config';
import type { Statement } from '../src/db/table-writer/sql/statement';
import { TableStatements } from '../src/db/table-writer/sql/table-statements';
import type { DeleteCommand } from '../src/db/table-writer/write-command';
import type { User } from '../src/domains/users/user.entity';
import { usersModule } from '../src/domains/users';
import type { TestDatabase } from '../test/support/test-database';

/** A mysql2 pool on one database with the worker's session settings (strict mode, UTC). */
export function createPool(config: MysqlConfig, connections: number): mysql.Pool {
  const pool = mysql.createPool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    connectionLimit: connections,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    dateStrings: true,
  });
  pool.on('connection', (conn) => {
    conn.query(
      "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'",
    );
  });
  return pool;
}

/** The worker's users statements, as the figures use them. */
export interface UserUpsertText {
  columns: readonly string[];
  upsertSql(rows: number): string;
  upsertRows(rows: readonly User[]): Statement;
  softDelete(deletes: readonly DeleteCommand[]): Statement;
}

/** The worker's statements (built from the entity's metadata), for binding through mysql2 here. */
export async function userStatements(db: TestDatabase): Promise<UserUpsertText> {
  const orm = await db.openOrm();
  try {
    const { upsert, delete: softDelete } = TableStatements.of(orm.em.fork(), usersModule);
    return {
      columns: upsert.columns,
      upsertSql: (rows) => upsert.sql(rows),
      upsertRows: (rows) => upsert.statement(rows),
      softDelete: (deletes) => softDelete.statement(deletes),
    };
  } finally {
    await orm.close(true);
  }
}

/** The parameters of one row of the upsert, from a table row as SELECT returns it. */
export function tableRowParams(statements: UserUpsertText, row: Record<string, unknown>): unknown[] {
  return statements.columns.map((column) => row[column]);
}

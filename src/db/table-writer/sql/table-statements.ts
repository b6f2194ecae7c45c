import type { EntityManager } from '@mikro-orm/mysql';
import type { TableDeclaration } from '../table-policy';
import { DeleteSql } from './delete';
import { LockSql } from './lock';
import { TableColumns } from './table-columns';
import { UpsertSql } from './upsert';

/**
 * A table's statements, built once per ORM from its metadata (table, column names, key, types)
 * and the table's policy; every value is a parameter the driver escapes when it formats the query.
 */
export class TableStatements<R extends object> {
  private static readonly byOrm = new WeakMap<object, Map<TableDeclaration<object>, TableStatements<object>>>();

  /** The statements of `table` for the ORM that `em` belongs to. */
  static of<R extends object>(em: EntityManager, table: TableDeclaration<R>): TableStatements<R> {
    const metadata = em.getMetadata();
    let tables = TableStatements.byOrm.get(metadata);
    if (!tables) {
      tables = new Map();
      TableStatements.byOrm.set(metadata, tables);
    }
    let statements = tables.get(table as unknown as TableDeclaration<object>);
    if (!statements) {
      statements = new TableStatements(em, table) as unknown as TableStatements<object>;
      tables.set(table as unknown as TableDeclaration<object>, statements);
    }
    return statements as unknown as TableStatements<R>;
  }

  readonly lock: LockSql<R>;
  readonly upsert: UpsertSql<R>;
  readonly delete: DeleteSql<R>;

  private constructor(em: EntityManager, { entity, policy }: TableDeclaration<R>) {
    const columns = new TableColumns<R>(em.getMetadata<R>(entity), em.getPlatform());
    this.lock = new LockSql(columns, policy);
    this.upsert = new UpsertSql(columns, policy);
    this.delete = new DeleteSql(columns, policy);
  }
}

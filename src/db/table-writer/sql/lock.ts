import { stateProperties } from '../rules';
import type { Column, TablePolicy } from '../table-policy';
import type { Statement } from './statement';
import type { TableColumns } from './table-columns';

/**
 * The locking read (`SELECT … FOR UPDATE`) of the guard state of the stored rows among some keys:
 * the key as `id`, then each state column under its own column name.
 */
export class LockSql<R extends object> {
  private readonly text: string;
  /** Column name in the result → property of the guard state. */
  readonly stateColumns: ReadonlyArray<readonly [string, Column<R>]>;

  constructor(table: TableColumns<R>, policy: TablePolicy<R>) {
    this.stateColumns = stateProperties(policy).map((p) => [table.field(p), p] as const);
    const selected = [
      `${table.quoted(policy.key)} as id`,
      ...this.stateColumns.map(([field, p]) => `${table.quoted(p)} as ${table.platform.quoteIdentifier(field)}`),
    ];
    this.text = `select ${selected.join(', ')} from ${table.table} where ${table.quoted(policy.key)} in (?) for update`;
  }

  /** The locking read of the rows among `ids`. */
  statement(ids: readonly string[]): Statement {
    if (ids.length === 0) throw new Error('LockSql: no ids');
    return { sql: this.text, params: [ids] };
  }
}

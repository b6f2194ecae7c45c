import type { TablePolicy } from '../table-policy';
import type { Statement } from './statement';
import type { TableColumns } from './table-columns';

/**
 * The multi-row `INSERT … ON DUPLICATE KEY UPDATE` of a table under its policy, with the stale
 * guard in each assignment and `?` for every value (formatted by the driver's escaping).
 */
export class UpsertSql<R extends object> {
  /** The column names, in the order of each row's values. */
  readonly columns: readonly string[];
  private readonly head: string;
  private readonly tail: string;
  private readonly rowPlaceholders: string;
  private readonly texts = new Map<number, string>();

  constructor(
    private readonly table: TableColumns<R>,
    policy: TablePolicy<R>,
  ) {
    const { meta, properties } = table;
    if (meta.primaryKeys.length !== 1 || meta.primaryKeys[0] !== policy.key) {
      throw new Error(`UpsertSql: ${meta.className}'s primary key is not "${policy.key}"`);
    }
    const field = (name: string): string => table.quoted(name);
    const quoted = properties.map((p) => field(p.name));
    this.columns = properties.map((p) => p.fieldNames[0] as string);

    const stale = staleExpression(policy.rankedBy.map(field));
    const kept = new Set<string>([policy.key, ...policy.keep]);
    // MySQL and MariaDB apply these assignments left to right, and a later one reads the columns
    // earlier ones set: the ranking columns go last, least significant first, so each one's guard
    // still gives the verdict the stored row gave (the columns it compares first are unchanged, and
    // those already assigned now equal the incoming values).
    const ranked = new Set<string>(policy.rankedBy);
    const assigned = [
      ...properties.map((p) => p.name as string).filter((n) => !kept.has(n) && !ranked.has(n)),
      ...[...policy.rankedBy].reverse(),
    ].map(field);
    this.head = `insert into ${table.table} (${quoted.join(', ')}) values `;
    this.tail = ` on duplicate key update ${assigned.map((c) => `${c} = if(${stale}, ${c}, values(${c}))`).join(', ')}`;
    this.rowPlaceholders = `(${quoted.map(() => '?').join(', ')})`;
  }

  /** The statement text for `rows` rows (cached per row count, which chunks of one size repeat). */
  sql(rows: number): string {
    if (rows < 1) throw new Error('UpsertSql: no rows');
    let text = this.texts.get(rows);
    if (text === undefined) {
      text = this.head + Array<string>(rows).fill(this.rowPlaceholders).join(', ') + this.tail;
      if (this.texts.size < 64) this.texts.set(rows, text);
    }
    return text;
  }

  /** The guarded upsert of `rows` (rows of one key apply left to right). */
  statement(rows: readonly R[]): Statement {
    return { sql: this.sql(rows.length), params: this.params(rows) };
  }

  /** The values of `rows`, row after row in column order, converted by each property's type. */
  private params(rows: readonly R[]): unknown[] {
    const props = this.table.properties;
    const out = new Array<unknown>(rows.length * props.length);
    let i = 0;
    for (const row of rows) {
      for (const prop of props) out[i++] = this.table.toDatabase(prop, row[prop.name as keyof R]);
    }
    return out;
  }
}

/** `V(a) < a OR (V(a) = a AND (V(b) < b OR …))`: the incoming row ranks lower, in SQL. */
function staleExpression(ranked: readonly string[]): string {
  const [first, ...rest] = ranked;
  if (first === undefined) return 'false';
  const lower = `values(${first}) < ${first}`;
  return rest.length === 0 ? lower : `(${lower} or (values(${first}) = ${first} and ${staleExpression(rest)}))`;
}

import type { EntityMetadata, EntityProperty, Platform } from '@mikro-orm/core';

/**
 * How a table resolves a conflict on its key: the key's and `keep`'s columns keep their stored
 * values; every other column takes the incoming value unless the incoming row ranks lower than the
 * stored one by `rankedBy` (compared in order, most significant first; NULL never ranks lower).
 */
export interface ConflictPolicy<T> {
  /** The primary key property whose duplicate makes the conflict. */
  key: keyof T & string;
  /** Properties written by the first insert only. */
  keep: ReadonlyArray<keyof T & string>;
  /** Properties that rank rows; an incoming row that ranks lower is stale and changes nothing. */
  rankedBy: ReadonlyArray<keyof T & string>;
}

/** True when `incoming` ranks lower than `stored` under the policy (the stale rule, without I/O). */
export function ranksLower<T>(policy: ConflictPolicy<T>, incoming: Partial<T>, stored: Partial<T>): boolean {
  for (const property of policy.rankedBy) {
    const a = incoming[property] as unknown;
    const b = stored[property] as unknown;
    // SQL three-valued logic: a comparison with NULL is never true, so it never makes a row stale.
    if (a === null || b === null || a === undefined || b === undefined) return false;
    if (a !== b) return (a as string | number) < (b as string | number);
  }
  return false;
}

/**
 * The multi-row `INSERT … ON DUPLICATE KEY UPDATE` of an entity under a ConflictPolicy, built from
 * the ORM's metadata (columns in declaration order, field names, custom types) with `?` placeholders
 * for every value: the text is formatted by the ORM's own escaping in `em.execute(sql, params)`.
 */
export class GuardedUpsert<T extends object> {
  /** The column names, in the order of each row's values. */
  readonly columns: readonly string[];
  private readonly properties: ReadonlyArray<EntityProperty<T>>;
  private readonly head: string;
  private readonly tail: string;
  private readonly rowPlaceholders: string;
  private readonly texts = new Map<number, string>();

  constructor(
    meta: EntityMetadata<T>,
    policy: ConflictPolicy<T>,
    private readonly platform: Platform,
  ) {
    if (meta.primaryKeys.length !== 1 || meta.primaryKeys[0] !== policy.key) {
      throw new Error(`GuardedUpsert: ${meta.className}'s primary key is not "${policy.key}"`);
    }
    this.properties = meta.props.filter((p) => p.persist !== false && p.fieldNames?.length === 1);
    const field = (name: string): string => {
      const prop = this.properties.find((p) => p.name === name);
      if (!prop) throw new Error(`GuardedUpsert: ${meta.className} has no column for "${name}"`);
      return platform.quoteIdentifier(prop.fieldNames[0] as string);
    };
    const quoted = this.properties.map((p) => field(p.name));
    this.columns = this.properties.map((p) => p.fieldNames[0] as string);

    const ranked = policy.rankedBy.map(field);
    const stale = staleExpression(ranked);
    const kept = new Set<string>([policy.key, ...policy.keep]);
    // MySQL and MariaDB apply these assignments left to right, and a later one reads the columns
    // earlier ones set: the ranking columns go last, least significant first, so each one's guard
    // still gives the verdict the stored row gave (the columns it compares first are unchanged, and
    // those already assigned now equal the incoming values).
    const assigned = [
      ...this.properties.map((p) => p.name).filter((n) => !kept.has(n) && !policy.rankedBy.includes(n as never)),
      ...[...policy.rankedBy].reverse(),
    ].map(field);
    this.head = `insert into ${platform.quoteIdentifier(meta.tableName)} (${quoted.join(', ')}) values `;
    this.tail = ` on duplicate key update ${assigned.map((c) => `${c} = if(${stale}, ${c}, values(${c}))`).join(', ')}`;
    this.rowPlaceholders = `(${quoted.map(() => '?').join(', ')})`;
  }

  /** The statement for `rows` rows (cached per row count, which chunks of one size tend to repeat). */
  sql(rows: number): string {
    if (rows < 1) throw new Error('GuardedUpsert: no rows');
    let text = this.texts.get(rows);
    if (text === undefined) {
      text = this.head + Array<string>(rows).fill(this.rowPlaceholders).join(', ') + this.tail;
      if (this.texts.size < 64) this.texts.set(rows, text);
    }
    return text;
  }

  /** The values of `rows`, row after row in column order, converted by each property's type. */
  params(rows: readonly T[]): unknown[] {
    const props = this.properties;
    const out = new Array<unknown>(rows.length * props.length);
    let i = 0;
    for (const row of rows) {
      for (const prop of props) {
        const value = row[prop.name as keyof T] as unknown;
        out[i++] = prop.customType ? prop.customType.convertToDatabaseValue(value, this.platform) : value;
      }
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

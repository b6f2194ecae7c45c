/**
 * SQL text for values, for statements built once as a whole: formatting a multi-row statement
 * through knex, MikroORM and mysql2 scanned and copied it three times (a fifth of the worker's
 * CPU in a profile). The sessions keep MySQL's default backslash escapes (orm-options sets
 * sql_mode without NO_BACKSLASH_ESCAPES) and talk utf8mb4, so escaping the characters below
 * is sufficient, as in the driver's own escaping.
 */

/** A value of a column as sent to the server. */
export type SqlValue = string | number | null;

// The control characters are the point of these patterns.
// eslint-disable-next-line no-control-regex
const SPECIAL = /[\0\b\t\n\r\x1a"'\\]/;
// eslint-disable-next-line no-control-regex
const SPECIAL_ALL = /[\0\b\t\n\r\x1a"'\\]/g;
const REPLACEMENT: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  '"': '\\"',
  "'": "\\'",
  '\\': '\\\\',
};

/** The literal for a value: a quoted, escaped string, a finite number, or NULL. */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`sqlLiteral: ${value} is not a finite number`);
    return String(value);
  }
  if (!SPECIAL.test(value)) return `'${value}'`;
  return `'${value.replace(SPECIAL_ALL, (c) => REPLACEMENT[c] as string)}'`;
}

/** A backquoted identifier (table or column name). */
export function sqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `(a, b, c)`: a parenthesised list of literals, as one row of a VALUES clause or an IN list. */
export function sqlTuple(values: readonly SqlValue[]): string {
  let out = '(';
  for (let i = 0; i < values.length; i++) out += (i === 0 ? '' : ', ') + sqlLiteral(values[i] as SqlValue);
  return `${out})`;
}

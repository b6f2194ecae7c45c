/** A statement with `?` placeholders and its values, for `em.execute(sql, params)`. */
export interface Statement {
  sql: string;
  params: unknown[];
}

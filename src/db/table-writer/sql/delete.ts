import type { TablePolicy } from '../table-policy';
import type { DeleteCommand } from '../write-command';
import type { Statement } from './statement';
import type { TableColumns } from './table-columns';

/**
 * The delete of rows of distinct keys as one statement joined to a derived table of the deletes'
 * values (`?` each). Soft: an UPDATE that sets the delete column (an earlier one is kept) and the
 * event columns; hard: a DELETE. Both skip a row whose stored event is newer than the delete
 * (the stale guard of spec §3, in the SQL: a NULL on either side never makes it stale).
 */
export class DeleteSql<R extends object> {
  private readonly head: string;
  private readonly tail: string;
  private readonly row: string;
  private readonly soft: boolean;

  constructor(table: TableColumns<R>, policy: TablePolicy<R>) {
    const key = table.quoted(policy.key);
    const eventTs = table.quoted(policy.event.timestamp);
    const tsType = table.columnType(policy.event.timestamp);
    const guard = `where (d.event_timestamp < u.${eventTs}) is not true`;
    if (policy.delete.mode === 'soft') {
      const at = table.quoted(policy.delete.at);
      const atType = table.columnType(policy.delete.at);
      this.soft = true;
      this.row = `select ? as id, ? as event_id, cast(? as ${tsType}) as event_timestamp, cast(? as ${atType}) as deleted_at`;
      this.head = `update ${table.table} u join (`;
      this.tail =
        `) d on u.${key} = d.id set u.${at} = coalesce(u.${at}, d.deleted_at), ` +
        `u.${table.quoted(policy.event.id)} = d.event_id, u.${eventTs} = d.event_timestamp ${guard}`;
    } else {
      this.soft = false;
      this.row = `select ? as id, cast(? as ${tsType}) as event_timestamp`;
      this.head = `delete u from ${table.table} u join (`;
      this.tail = `) d on u.${key} = d.id ${guard}`;
    }
  }

  /** The delete of `deletes` (one per key). */
  statement(deletes: readonly DeleteCommand[]): Statement {
    if (deletes.length === 0) throw new Error('DeleteSql: no deletes');
    const params: unknown[] = [];
    for (const d of deletes) {
      if (this.soft) params.push(d.entityId, d.eventId, d.eventTimestamp, d.eventTimestamp);
      else params.push(d.entityId, d.eventTimestamp);
    }
    return { sql: this.head + Array<string>(deletes.length).fill(this.row).join(' union all ') + this.tail, params };
  }
}

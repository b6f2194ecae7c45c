import type { EntityManager } from '@mikro-orm/mysql';
import { GuardedUpsert } from '../../db/guarded-upsert';
import { USER_CONFLICT_POLICY } from './user.conflict';
import { UserSchema, type User } from './user.entity';
import type { UserDelete } from './user.events';

/** A statement with `?` placeholders and its values, for `em.execute(sql, params)`. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The users statements, built once per ORM from its metadata (table, column names, key) and the
 * conflict policy; every value is a parameter that the ORM escapes when it formats the query.
 */
export class UserStatements {
  private static readonly byOrm = new WeakMap<object, UserStatements>();

  /** The statements for the ORM that `em` belongs to. */
  static of(em: EntityManager): UserStatements {
    const metadata = em.getMetadata();
    let statements = UserStatements.byOrm.get(metadata);
    if (!statements) {
      statements = new UserStatements(em);
      UserStatements.byOrm.set(metadata, statements);
    }
    return statements;
  }

  private readonly upsert: GuardedUpsert<User>;
  private readonly lockHead: string;
  private readonly softDeleteHead: string;
  private readonly softDeleteTail: string;

  private constructor(em: EntityManager) {
    const meta = em.getMetadata(UserSchema);
    const platform = em.getPlatform();
    const column = (property: keyof User): string => {
      const field = meta.properties[property]?.fieldNames?.[0];
      if (field === undefined) throw new Error(`UserStatements: no column for ${property}`);
      return platform.quoteIdentifier(field);
    };
    const table = platform.quoteIdentifier(meta.tableName);
    const [id, version, eventId, eventTs, deletedAt] = (
      ['userId', 'version', 'eventId', 'eventTimestamp', 'deletedAt'] as const
    ).map(column) as [string, string, string, string, string];
    this.upsert = new GuardedUpsert(meta, USER_CONFLICT_POLICY, platform);
    this.lockHead = `select ${id} as id, ${version} as version, ${eventTs} as event_timestamp, ${deletedAt} as deleted_at from ${table} where ${id} in (?) for update`;
    // Spec §3's soft delete: an earlier deleted_at is kept; a delete older than the stored event is stale.
    this.softDeleteHead = `update ${table} u join (`;
    this.softDeleteTail =
      `) d on u.${id} = d.id set u.${deletedAt} = coalesce(u.${deletedAt}, d.deleted_at), ` +
      `u.${eventId} = d.event_id, u.${eventTs} = d.event_timestamp ` +
      `where (d.event_timestamp < u.${eventTs}) is not true`;
  }

  /** The locking read of the guard state of the stored rows among `ids`. */
  lock(ids: readonly string[]): Statement {
    if (ids.length === 0) throw new Error('UserStatements.lock: no ids');
    return { sql: this.lockHead, params: [ids] };
  }

  /** The columns of `users` in table order: the order of each upsert row's values. */
  get columns(): readonly string[] {
    return this.upsert.columns;
  }

  /** The guarded multi-row upsert of `rows` (rows of one key apply left to right). */
  upsertRows(rows: readonly User[]): Statement {
    return { sql: this.upsert.sql(rows.length), params: this.upsert.params(rows) };
  }

  /** The text of the guarded upsert of `count` rows, for values in `columns` order. */
  upsertSql(count: number): string {
    return this.upsert.sql(count);
  }

  /** The soft delete of deletes of distinct keys, as one joined UPDATE. */
  softDelete(deletes: readonly UserDelete[]): Statement {
    if (deletes.length === 0) throw new Error('UserStatements.softDelete: no deletes');
    const row =
      'select ? as id, ? as event_id, cast(? as datetime(6)) as event_timestamp, cast(? as datetime(6)) as deleted_at';
    const params: unknown[] = [];
    for (const d of deletes) params.push(d.entityId, d.eventId, d.eventTimestamp, d.eventTimestamp);
    return {
      sql: this.softDeleteHead + Array<string>(deletes.length).fill(row).join(' union all ') + this.softDeleteTail,
      params,
    };
  }
}

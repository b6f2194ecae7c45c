import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MikroORM } from '@mikro-orm/mysql';
import { buildOrmOptions } from '../../src/db/orm-options';
import type { User } from '../../src/domains/users/user.entity';
import type { UserDelete } from '../../src/domains/users/user.events';
import { TableStatements } from '../../src/db/table-writer/sql/table-statements';
import { domainEntities } from '../../src/domains';
import { usersModule } from '../../src/domains/users';

const user = (id: string, bio: string | null): User => ({
  userId: id,
  email: 'ann@example.com',
  phone: null,
  displayName: "Ann O'Neil",
  avatar: null,
  bio,
  version: 3,
  deletedAt: null,
  createdAt: '2025-01-01 00:00:00.000000',
  updatedAt: '2025-01-02 00:00:00.000000',
  eventId: 'e1',
  eventTimestamp: '2025-01-02 00:00:00.000001',
});

// The statements come from the ORM's metadata; no server is needed to build them.
describe('table statements of users (from the entity metadata and the table policy)', () => {
  let orm: MikroORM;
  let statements: TableStatements<User>;
  before(async () => {
    const nowhere = { host: '127.0.0.1', port: 1, user: 'u', password: 'p', database: 'analytics', poolSize: 1 };
    orm = await MikroORM.init(buildOrmOptions(nowhere, { entities: domainEntities, connect: false }));
    statements = TableStatements.of(orm.em.fork(), usersModule);
  });
  after(() => orm.close(true));

  it('lists every column in table order and binds each value as a parameter', () => {
    assert.deepEqual(statements.upsert.columns, [
      'user_id',
      'email',
      'phone',
      'display_name',
      'avatar',
      'bio',
      'version',
      'deleted_at',
      'created_at',
      'updated_at',
      'event_id',
      'event_timestamp',
    ]);
    const { sql, params } = statements.upsert.statement([user('a1', 'x\ny'), user('b2', null)]);
    assert.equal(params.length, 24);
    assert.deepEqual(params.slice(0, 6), ['a1', 'ann@example.com', null, "Ann O'Neil", null, 'x\ny']);
    assert.ok(!sql.includes("O'Neil") && !sql.includes('ann@'), 'no value in the statement text');
    const [insert] = sql.split(' on duplicate key update ');
    assert.equal(
      insert,
      'insert into `users` (`user_id`, `email`, `phone`, `display_name`, `avatar`, `bio`, `version`, `deleted_at`, ' +
        '`created_at`, `updated_at`, `event_id`, `event_timestamp`) values ' +
        Array(2)
          .fill(`(${Array(12).fill('?').join(', ')})`)
          .join(', '),
    );
  });

  it('never reassigns user_id or created_at, and guards every other column, the ranking ones last', () => {
    const { sql } = statements.upsert.statement([user('a1', null)]);
    const update = sql.split(' on duplicate key update ')[1] ?? '';
    const assigned = [...update.matchAll(/`(\w+)` = if\(/g)].map((m) => m[1]);
    assert.deepEqual(assigned, [
      'email',
      'phone',
      'display_name',
      'avatar',
      'bio',
      'deleted_at',
      'updated_at',
      'event_id',
      'event_timestamp',
      'version',
    ]);
    const stale =
      '(values(`version`) < `version` or (values(`version`) = `version` and values(`event_timestamp`) < `event_timestamp`))';
    assert.ok(update.startsWith(`\`email\` = if(${stale}, \`email\`, values(\`email\`))`), update);
  });

  it('locks rows by id and soft-deletes through one joined UPDATE, values as parameters', () => {
    assert.deepEqual(statements.lock.statement(['a1', "b'2"]).params, [['a1', "b'2"]]);
    assert.match(statements.lock.statement(['a1']).sql, /where `user_id` in \(\?\) for update$/);
    const del = statements.delete.statement([
      { kind: 'delete', eventType: 'user.deleted', entityId: 'a1', eventId: null, eventTimestamp: 't1' },
      { kind: 'delete', eventType: 'user.deleted', entityId: 'b2', eventId: 'e', eventTimestamp: 't2' },
    ]);
    assert.deepEqual(del.params, ['a1', null, 't1', 't1', 'b2', 'e', 't2', 't2']);
    assert.match(del.sql, /coalesce\(u\.`deleted_at`, d\.deleted_at\)/);
    assert.match(del.sql, /where \(d\.event_timestamp < u\.`event_timestamp`\) is not true$/);
    assert.throws(() => statements.upsert.statement([]), /no rows/);
  });

  it('spells the whole locking read and soft delete (the guard of spec §3 is in their text)', () => {
    assert.equal(
      statements.lock.statement(['a1']).sql,
      'select `user_id` as id, `version` as `version`, `event_timestamp` as `event_timestamp`, ' +
        '`deleted_at` as `deleted_at` from `users` where `user_id` in (?) for update',
    );
    const one =
      'select ? as id, ? as event_id, cast(? as datetime(6)) as event_timestamp, cast(? as datetime(6)) as deleted_at';
    const sql = (n: number): string =>
      'update `users` u join (' +
      Array<string>(n).fill(one).join(' union all ') +
      ') d on u.`user_id` = d.id set u.`deleted_at` = coalesce(u.`deleted_at`, d.deleted_at), ' +
      'u.`event_id` = d.event_id, u.`event_timestamp` = d.event_timestamp ' +
      'where (d.event_timestamp < u.`event_timestamp`) is not true';
    const d = (id: string): UserDelete => ({
      kind: 'delete',
      eventType: 'user.deleted',
      entityId: id,
      eventId: `e-${id}`,
      eventTimestamp: 't',
    });
    assert.equal(statements.delete.statement([d('a1')]).sql, sql(1));
    assert.equal(statements.delete.statement([d('a1'), d('b2'), d('c3')]).sql, sql(3));
    assert.equal(statements.upsert.sql(2), statements.upsert.statement([user('a1', null), user('b2', null)]).sql);
  });

  it('refuses empty batches and builds the statements once per ORM', () => {
    assert.throws(() => statements.lock.statement([]), /LockSql: no ids/);
    assert.throws(() => statements.delete.statement([]), /DeleteSql: no deletes/);
    assert.equal(TableStatements.of(orm.em.fork(), usersModule), statements);
  });
});

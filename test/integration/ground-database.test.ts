import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MikroORM } from '@mikro-orm/mysql';
import { UserSchema } from '../../src/domains/users/user.entity';
import { TestDatabase } from '../support/test-database';

describe('the real database through MikroORM', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  before(async () => {
    db = await TestDatabase.create('ground');
    orm = await db.openOrm();
  });
  after(async () => {
    await orm.close(true);
    await db.drop();
  });

  it('writes and reads a row with microseconds and emoji intact', async () => {
    const em = orm.em.fork();
    em.create(UserSchema, {
      userId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      email: 'a@example.com',
      phone: null,
      displayName: 'Zoë 😀',
      avatar: null,
      bio: 'bio 🚀',
      version: 3,
      deletedAt: null,
      createdAt: '2025-01-15 10:30:00.123456',
      updatedAt: '2025-01-15 10:30:00.654321',
      eventId: null,
      eventTimestamp: '2025-01-15 10:30:00.000001',
    });
    await em.flush();

    const found = await orm.em.fork().findOneOrFail(UserSchema, { userId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    assert.equal(found.displayName, 'Zoë 😀');
    assert.equal(found.bio, 'bio 🚀');
    assert.equal(found.createdAt, '2025-01-15 10:30:00.123456');
    assert.equal(found.eventTimestamp, '2025-01-15 10:30:00.000001');
    const [raw] = await db.users();
    assert.equal(raw?.updated_at, '2025-01-15 10:30:00.654321');
  });

  it('opens sessions in strict mode, UTC, READ COMMITTED, with the table collation', async () => {
    const [session] = await orm.em
      .getConnection()
      .execute<Array<{ c: string; m: string; tz: string }>>(
        'SELECT @@collation_connection c, @@sql_mode m, @@time_zone tz',
      );
    assert.equal(session?.c, 'utf8mb4_unicode_ci');
    assert.match(session?.m ?? '', /STRICT_ALL_TABLES/);
    assert.equal(session?.tz, '+00:00');
    // MySQL 8 names it transaction_isolation, MariaDB 10.11 only tx_isolation.
    const isolation = await orm.em
      .getConnection()
      .execute<Array<{ i: string }>>('SELECT @@transaction_isolation i')
      .catch(() => orm.em.getConnection().execute<Array<{ i: string }>>('SELECT @@tx_isolation i'));
    assert.equal(isolation[0]?.i, 'READ-COMMITTED');
  });

  it('still formats queries that carry values (knex bindings reach the driver)', async () => {
    const result = (await orm.em.getKnex().raw('SELECT ? AS v, ? AS w, ? AS n', ["it's ?", 3, null])) as unknown as [
      Array<Record<string, unknown>>,
    ];
    assert.deepEqual({ ...result[0][0] }, { v: "it's ?", w: 3, n: null });
  });
});

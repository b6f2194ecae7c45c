import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MikroORM } from '@mikro-orm/mysql';
import { buildOrmOptions } from '../../src/db/orm-options';
import type { UserCommand } from '../../src/domains/users/user.events';
import { writeUsers } from '../../src/domains/users/user.writer';
import { UserTableModel } from '../support/expected-table';
import { TestDatabase } from '../support/test-database';

const users = ['0000000000000000000000a1', '0000000000000000000000a2', '0000000000000000000000a3'];

function upsert(id: string, version: number): UserCommand {
  const t = `2025-01-0${version} 00:00:00.000000`;
  const eventId = `${id}-v${version}`;
  return {
    kind: 'upsert',
    eventType: version === 1 ? 'user.created' : 'user.updated',
    entityId: id,
    eventId,
    row: {
      userId: id,
      email: `${id}@example.com`,
      phone: null,
      displayName: `v${version}`,
      avatar: null,
      bio: null,
      version,
      deletedAt: null,
      createdAt: '2025-01-01 00:00:00.000000',
      updatedAt: t,
      eventId,
      eventTimestamp: t,
    },
  };
}

// The server's own per-session counters say which rows a statement asked InnoDB to insert or
// update; one pooled connection makes the writer's session the one that is read.
describe('rows the writer sends to the server', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  before(async () => {
    db = await TestDatabase.create('writes');
    orm = await MikroORM.init(buildOrmOptions({ ...db.config, poolSize: 1 }));
  });
  after(async () => {
    await orm.close(true);
    await db.drop();
  });

  async function handlerWrites(): Promise<number> {
    const rows = await orm.em
      .getConnection()
      .execute<Array<{ Value: string }>>("SHOW SESSION STATUS LIKE 'Handler_write'");
    return Number(rows[0]?.Value);
  }

  it('sends one row per user for a dominated run, and only the rows not proven stale on a replay', async () => {
    const history = [1, 2, 3].flatMap((version) => users.map((id) => upsert(id, version)));
    const model = new UserTableModel();
    history.forEach((c) => model.apply(c));

    let before = await handlerWrites();
    assert.deepEqual(await writeUsers(orm.em.fork(), history), Array(9).fill('applied'));
    assert.equal((await handlerWrites()) - before, users.length, 'v1..v3 of a user folded into one row');
    assert.deepEqual(await db.users(), model.table());

    // The replay comes one version per slice, so nothing folds: what is skipped is skipped as stale.
    before = await handlerWrites();
    const outcomes: string[] = [];
    for (const version of [1, 2, 3]) {
      outcomes.push(
        ...(await writeUsers(
          orm.em.fork(),
          history.filter((c) => c.kind === 'upsert' && c.row.version === version),
        )),
      );
    }
    assert.deepEqual(outcomes, [...Array(6).fill('stale'), ...Array(3).fill('applied')]);
    assert.equal((await handlerWrites()) - before, users.length, 'only each user’s latest event is sent again');
    assert.deepEqual(await db.users(), model.table());
  });
  it('treats a row stored with an uppercase id as the key of the lowercase commands', async () => {
    const id = '0000000000000000000000ab';
    await db.query(
      `INSERT INTO users (user_id, email, display_name, version, created_at, updated_at, event_timestamp)
       VALUES ('${id.toUpperCase()}', 'old@example.com', 'old', 5, '2025-01-01', '2025-01-01', '2025-01-05')`,
    );
    const staleUpdate = upsert(id, 4);
    const deletion: UserCommand = {
      kind: 'delete',
      eventType: 'user.deleted',
      entityId: id,
      eventId: 'd1',
      eventTimestamp: '2025-01-06 00:00:00.000000',
      deletedAt: '2025-01-06 00:00:00.000000',
    };
    assert.deepEqual(await writeUsers(orm.em.fork(), [staleUpdate, deletion]), ['stale', 'applied']);
    const [row] = await db.query(`SELECT user_id, version, deleted_at FROM users WHERE user_id = '${id}'`);
    assert.deepEqual(row, { user_id: id.toUpperCase(), version: 5, deleted_at: '2025-01-06 00:00:00.000000' });
  });
});

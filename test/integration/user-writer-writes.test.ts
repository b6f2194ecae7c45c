import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MikroORM } from '@mikro-orm/mysql';
import { buildOrmOptions } from '../../src/db/orm-options';
import { domainEntities } from '../../src/domains';
import type { UserCommand } from '../../src/domains/users/user.events';
import type { EntityManager } from '@mikro-orm/mysql';
import { writeTable } from '../../src/db/table-writer/table-writer';
import { usersModule } from '../../src/domains/users';
import { mapUserEvent } from '../../src/domains/users/user.mapper';
import { UserTableModel } from '../support/expected-table';
import { TestDatabase } from '../support/test-database';
import { userDeletedEvent, userUpsertEvent } from '../support/user-events';

/** The generic table writer under the users declaration. */
const writeUsers = (em: EntityManager, commands: readonly UserCommand[]) => writeTable(em, usersModule, commands);

const users = ['0000000000000000000000a1', '0000000000000000000000a2', '0000000000000000000000a3'];

/** The user's event at `version` (created at v1), timestamped a day per version. */
function upsertEvent(id: string, version: number): Record<string, unknown> {
  const t = `2025-01-0${version}T00:00:00Z`;
  return userUpsertEvent(version === 1 ? 'user.created' : 'user.updated', id, {
    version,
    timestamp: t,
    updatedAt: t,
    createdAt: '2025-01-01T00:00:00Z',
    displayName: `v${version}`,
    eventId: `${id}-v${version}`,
  });
}

const command = (event: Record<string, unknown>): UserCommand => mapUserEvent(event, { recordTimestamp: '0' });

// The server's own per-session counters say which rows a statement asked InnoDB to insert or
// update; one pooled connection makes the writer's session the one that is read.
describe('rows the writer sends to the server', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  before(async () => {
    db = await TestDatabase.create('writes');
    orm = await MikroORM.init(buildOrmOptions({ ...db.config, poolSize: 1 }, { entities: domainEntities }));
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

  it("sends one row for a user's dominated upserts, and only the rows not proven stale on a replay", async () => {
    const events = [1, 2, 3].flatMap((version) => users.map((id) => upsertEvent(id, version)));
    const history = events.map(command);
    const model = new UserTableModel().applyEvents(events);

    let before = await handlerWrites();
    assert.deepEqual(await writeUsers(orm.em.fork(), history), Array(9).fill('applied'));
    assert.equal((await handlerWrites()) - before, users.length, 'v1..v3 of a user folded into one row');
    assert.deepEqual(await db.users(), model.table());

    // The replay comes one version per chunk, so nothing folds: what is skipped is skipped as stale.
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
    const staleUpdate = command(upsertEvent(id, 4));
    const deletion = command(userDeletedEvent(id, '2025-01-06T00:00:00Z', 'd1'));
    assert.deepEqual(await writeUsers(orm.em.fork(), [staleUpdate, deletion]), ['stale', 'applied']);
    const [row] = await db.query(`SELECT user_id, version, deleted_at FROM users WHERE user_id = '${id}'`);
    assert.deepEqual(row, { user_id: id.toUpperCase(), version: 5, deleted_at: '2025-01-06 00:00:00.000000' });
  });
});

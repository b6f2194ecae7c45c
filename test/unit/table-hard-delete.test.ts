import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MikroORM } from '@mikro-orm/mysql';
import { buildOrmOptions } from '../../src/db/orm-options';
import { decide, nextState } from '../../src/db/table-writer/rules';
import { TableStatements } from '../../src/db/table-writer/sql/table-statements';
import { at, PARTS_POLICY, PARTS_TABLE, PartSchema, partDelete, partUpsert } from '../support/x-domains-parts-table';

describe('hard delete (policy delete mode "hard")', () => {
  let orm: MikroORM;
  before(async () => {
    const nowhere = { host: '127.0.0.1', port: 1, user: 'u', password: 'p', database: 'analytics', poolSize: 1 };
    orm = await MikroORM.init(buildOrmOptions(nowhere, { entities: [PartSchema], connect: false }));
  });
  after(() => orm.close(true));

  it('is one joined DELETE with the stale guard in its text and every value a parameter', () => {
    const statements = TableStatements.of(orm.em.fork(), PARTS_TABLE);
    const { sql, params } = statements.delete.statement([partDelete('a1', 3), partDelete("b'2", 4)]);
    const one = 'select ? as id, cast(? as datetime(6)) as event_timestamp';
    assert.equal(
      sql,
      `delete u from \`parts\` u join (${one} union all ${one}) d on u.\`part_id\` = d.id ` +
        'where (d.event_timestamp < u.`event_timestamp`) is not true',
    );
    assert.deepEqual(params, ['a1', at(3), "b'2", at(4)]);
    assert.equal(
      statements.lock.statement(['a1']).sql,
      'select `part_id` as id, `version` as `version`, `event_timestamp` as `event_timestamp` ' +
        'from `parts` where `part_id` in (?) for update',
    );
  });

  it('decides like a soft delete, but leaves no row for a later command of the chunk', () => {
    const stored = { version: 2, eventTimestamp: at(5) };
    assert.equal(decide(PARTS_POLICY, stored, partDelete('a', 4)), 'stale');
    assert.equal(decide(PARTS_POLICY, stored, partDelete('a', 5)), 'applied');
    assert.equal(decide(PARTS_POLICY, { version: 2, eventTimestamp: null }, partDelete('a', 1)), 'applied');
    assert.equal(decide(PARTS_POLICY, undefined, partDelete('a', 5)), 'missing');
    assert.equal(nextState(PARTS_POLICY, stored, partDelete('a', 6)), undefined);
    // With no row left, even an older version applies: the late event re-inserts the row.
    assert.equal(decide(PARTS_POLICY, undefined, partUpsert('a', 1, 1)), 'applied');
  });
});

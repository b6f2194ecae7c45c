import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { MikroORM } from '@mikro-orm/mysql';
import { buildOrmOptions } from '../../src/db/orm-options';
import type { WriteCommand } from '../../src/db/table-writer/write-command';
import { writeTable } from '../../src/db/table-writer/table-writer';
import { TestDatabase } from '../support/test-database';
import {
  at,
  PARTS_DDL,
  PARTS_TABLE,
  PartSchema,
  partDelete,
  partUpsert,
  type Part,
} from '../support/x-domains-parts-table';

type PartCommand = WriteCommand<Part>;
type PartRow = Record<string, string | number | null>;

/**
 * The reference: commands applied one by one under a hard-delete policy (written from the rule,
 * not the writer): an upsert inserts a missing row, or overwrites all but part_id and created_at
 * unless it ranks lower by (version, event timestamp), a NULL never ranking lower; a delete of no
 * row is missing, one older than the stored event is stale, any other removes the row.
 */
class PartsModel {
  private readonly rows = new Map<string, PartRow>();

  apply(c: PartCommand): string {
    const stored = this.rows.get(c.entityId);
    if (c.kind === 'delete') {
      if (!stored) return 'missing';
      const ts = stored['event_timestamp'];
      if (ts !== null && c.eventTimestamp < (ts as string)) return 'stale';
      this.rows.delete(c.entityId);
      return 'applied';
    }
    const r = c.row;
    if (stored) {
      const v = stored['version'] as number;
      const ts = stored['event_timestamp'] as string | null;
      const lower =
        r.version < v || (r.version === v && r.eventTimestamp !== null && ts !== null && r.eventTimestamp < ts);
      if (lower) return 'stale';
    }
    this.rows.set(c.entityId, {
      part_id: r.partId,
      name: r.name,
      version: r.version,
      created_at: stored ? (stored['created_at'] ?? null) : r.createdAt,
      event_id: r.eventId,
      event_timestamp: r.eventTimestamp,
    });
    return 'applied';
  }

  table(): PartRow[] {
    return [...this.rows.values()].sort((a, b) => ((a['part_id'] as string) < (b['part_id'] as string) ? -1 : 1));
  }
}

describe('generic table writer under a hard-delete policy (a test-only parts table)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  before(async () => {
    db = await TestDatabase.create('hard', { migrate: false });
    await db.query(PARTS_DDL);
    orm = await MikroORM.init(buildOrmOptions(db.config, { entities: [PartSchema] }));
  });
  after(async () => {
    await orm.close(true);
    await db.drop();
  });

  const parts = (): Promise<PartRow[]> => db.query('SELECT * FROM parts ORDER BY part_id');
  const write = (commands: readonly PartCommand[]) => writeTable(orm.em.fork(), PARTS_TABLE, commands);

  it('deletes the row, skips an older delete, and reports a delete of no row as missing', async () => {
    await db.query('TRUNCATE TABLE parts');
    assert.deepEqual(await write([partUpsert('a1', 2, 5), partUpsert('b2', 1, 5)]), ['applied', 'applied']);
    assert.deepEqual(await write([partDelete('a1', 6), partDelete('b2', 4), partDelete('c3', 9)]), [
      'applied',
      'stale',
      'missing',
    ]);
    assert.deepEqual(
      (await parts()).map((r) => [r['part_id'], r['version']]),
      [['b2', 1]],
    );
  });

  it('re-inserts the row on a create or update that arrives after the delete, even an older one', async () => {
    await db.query('TRUNCATE TABLE parts');
    await write([partUpsert('a1', 3, 10, 'v3')]);
    await write([partDelete('a1', 11)]);
    // No row is left to rank the late event against: this is the README's hard-delete guarantee.
    assert.deepEqual(await write([partUpsert('a1', 1, 1, 'late v1')]), ['applied']);
    assert.deepEqual(await parts(), [
      {
        part_id: 'a1',
        name: 'late v1',
        version: 1,
        created_at: at(0),
        event_id: 'a1-1',
        event_timestamp: at(1),
      },
    ]);
  });

  // Keys collide often, deletes are frequent, and a chunk may hold a key's upsert, delete and
  // upsert again: the statements of one chunk must still leave what one-by-one application does.
  it('gives the same table and outcomes as applying the commands one by one in order', async () => {
    const command = fc.oneof(
      fc
        .record({ id: fc.constantFrom('a1', 'b2', 'c3'), v: fc.integer({ min: 1, max: 3 }), s: fc.option(fc.nat(9)) })
        .map(({ id, v, s }) => partUpsert(id, v, s, `v${v}@${s}`) as PartCommand),
      fc
        .record({ id: fc.constantFrom('a1', 'b2', 'c3'), s: fc.nat(9) })
        .map(({ id, s }) => partDelete(id, s) as PartCommand),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 20 }), fc.nat(), async (commands, cut) => {
        await db.query('TRUNCATE TABLE parts');
        const model = new PartsModel();
        const expected = commands.map((c) => model.apply(c));
        const split = cut % (commands.length + 1);
        const outcomes = [...(await write(commands.slice(0, split))), ...(await write(commands.slice(split)))];
        assert.deepEqual(await parts(), model.table());
        assert.deepEqual(outcomes, expected);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) },
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { MikroORM } from '@mikro-orm/mysql';
import { sqlLiteral } from '../../src/db/sql-literal';
import { TestDatabase } from '../support/test-database';

const SPECIALS = ['\0', '\b', '\t', '\n', '\r', '\x1a', '"', "'", '\\', '`', '?', '??', '%', '_', '😀', 'é', '\u2028'];

describe('SQL literals on the server (the worker session)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  before(async () => {
    db = await TestDatabase.create('literal', { migrate: false });
    orm = await db.openOrm();
  });
  after(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('reads back every string exactly as written', async () => {
    const piece = fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ unit: 'binary', maxLength: 8 }));
    const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 20 }), async (values) => {
        const sql = values.map((v, i) => `SELECT ${i} AS i, ${sqlLiteral(v)} AS v`).join(' UNION ALL ');
        const rows = await orm.em.fork().execute<Array<{ i: number; v: string }>>(`${sql} ORDER BY i`);
        assert.deepEqual(
          rows.map((r) => r.v),
          values,
        );
      }),
      { numRuns: 200 },
    );
  });
});

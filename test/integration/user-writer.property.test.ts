import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { MikroORM } from '@mikro-orm/mysql';
import type { UserCommand } from '../../src/domains/users/user.events';
import type { EntityManager } from '@mikro-orm/mysql';
import { writeTable } from '../../src/db/table-writer/table-writer';
import { usersModule } from '../../src/domains/users';
import { mapUserEvent } from '../../src/domains/users/user.mapper';
import { UserTableModel, type ModelEvent } from '../support/expected-table';
import { replayableTopic, unstableReason } from '../support/replay-topic';
import { TestDatabase } from '../support/test-database';
import { userDeletedEvent, userUpsertEvent } from '../support/user-events';

/** The generic table writer under the users declaration. */
const writeUsers = (em: EntityManager, commands: readonly UserCommand[]) => writeTable(em, usersModule, commands);

const ids = ['00000000000000000000000a', '00000000000000000000000b', '00000000000000000000000c'];
const id = fc.tuple(fc.constantFrom(...ids), fc.boolean()).map(([v, upper]) => (upper ? v.toUpperCase() : v));
// Offsets, long and short fractions; two pairs are the same instant written differently.
const iso = fc.constantFrom(
  '2025-01-01T00:00:01Z',
  '2025-01-01T00:00:01.000001Z',
  '2025-01-01T02:00:01.0000019+02:00',
  '2025-01-01T00:00:02.5',
  '2025-01-01T00:00:02.500000Z',
  '2025-06-01T12:00:00Z',
);
const maybeIso = fc.option(iso, { nil: null, freq: 4 });
// Kafka record timestamps: 00:00:01.000, 00:00:02.500 and 2025-06-01 12:00:00 (UTC).
const recordTs = fc.constantFrom('1735689601000', '1735689602500', '1748779200000');
let counter = 0;

const upsertArb: fc.Arbitrary<ModelEvent> = fc
  .record({
    id,
    version: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined, freq: 5 }),
    timestamp: maybeIso,
    createdAt: iso,
    updatedAt: iso,
    deletedAt: fc.option(iso, { nil: null, freq: 3 }),
    bio: fc.option(fc.constantFrom('hi', 'bio 😀', '', "it's \\ ?"), { nil: null }),
    name: fc.constantFrom('Ann', 'Bob', 'Zoë'),
    type: fc.constantFrom('user.created' as const, 'user.updated' as const),
    recordTs,
  })
  .map((r) => {
    const value = userUpsertEvent(r.type, r.id, {
      version: r.version ?? 1,
      timestamp: r.timestamp,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      deletedAt: r.deletedAt,
      bio: r.bio,
      phone: r.bio === null ? null : '+1',
      displayName: r.name,
      email: `${r.name.toLowerCase()}@example.com`,
      eventId: `e${++counter}`,
    });
    if (r.version === undefined) delete (value['data'] as Record<string, unknown>)['version'];
    return { value, timestamp: r.recordTs };
  });

const deleteArb: fc.Arbitrary<ModelEvent> = fc
  .record({ id, t: maybeIso, recordTs })
  .map((r) => ({ value: userDeletedEvent(r.id, r.t, `d${++counter}`), timestamp: r.recordTs }));

// Duplicates and replays: repeat earlier records verbatim inside the sequence.
const sequenceArb = fc
  .tuple(
    fc.array(fc.oneof({ arbitrary: upsertArb, weight: 3 }, { arbitrary: deleteArb, weight: 1 }), {
      minLength: 1,
      maxLength: 25,
    }),
    fc.array(fc.nat(), { maxLength: 5 }),
  )
  .map(([records, repeats]) => {
    const out = [...records];
    for (const r of repeats) out.splice(r % (out.length + 1), 0, records[r % records.length] as ModelEvent);
    return out;
  });

/** The worker's commands for records (the mapper is part of what is checked against the model). */
const toCommands = (records: readonly ModelEvent[]): UserCommand[] =>
  records.map((r) => mapUserEvent(r.value, { recordTimestamp: r.timestamp as string }));

describe('guarded users writer against the real database', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  before(async () => {
    db = await TestDatabase.create('prop');
    orm = await db.openOrm();
  });
  after(async () => {
    await orm.close(true);
    await db.drop();
  });

  it('gives the same table and outcomes as applying the events one by one in order', async () => {
    await fc.assert(
      fc.asyncProperty(sequenceArb, fc.nat(), async (records, cut) => {
        await db.query('TRUNCATE TABLE users');
        const model = new UserTableModel();
        const expectedOutcomes = records.map((r) => model.apply(r.value, r.timestamp));

        // Two chunks: the first one's rows are already stored when the second arrives.
        const commands = toCommands(records);
        const split = cut % (commands.length + 1);
        const outcomes = [
          ...(await writeUsers(orm.em.fork(), commands.slice(0, split))),
          ...(await writeUsers(orm.em.fork(), commands.slice(split))),
        ];
        assert.deepEqual(await db.users(), model.table());
        assert.deepEqual(outcomes, expectedOutcomes);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
    );
  });

  // The contract cannot make two orders replay-stable (README, "Replay"): they are named by
  // unstableReason() from the model's first pass, and every other topic must replay unchanged.
  it('replaying a whole topic leaves the table byte-for-byte the same', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(replayableTopic(ids), async (topic) => {
        const firstPass = new UserTableModel();
        if (
          unstableReason(
            topic,
            topic.map((r) => firstPass.apply(r.value, r.timestamp)),
          ) !== null
        )
          return;
        checked++;
        await db.query('TRUNCATE TABLE users');
        await writeUsers(orm.em.fork(), toCommands(topic));
        const first = await db.users();
        assert.deepEqual(first, firstPass.table());
        await writeUsers(orm.em.fork(), toCommands(topic));
        assert.deepEqual(await db.users(), first);
      }),
      { numRuns: 80 },
    );
    assert.ok(checked >= 40, `only ${checked} of 80 topics were replay-stable orders`);
  });
});

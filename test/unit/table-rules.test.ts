import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserCommand, UserDelete, UserUpsert } from '../../src/domains/users/user.events';
import { planStatements } from '../../src/db/table-writer/plan';
import * as rules from '../../src/db/table-writer/rules';
import { USER_TABLE_POLICY } from '../../src/domains/users/user.policy';
import type { User } from '../../src/domains/users/user.entity';

// The generic rules under the users policy (spec §3).
const decide = (stored: Partial<User> | undefined, command: UserCommand) =>
  rules.decide(USER_TABLE_POLICY, stored, command);
const nextState = (stored: Partial<User> | undefined, command: UserCommand) =>
  rules.nextState(USER_TABLE_POLICY, stored, command);

function up(id: string, version: number, ts: string | null): UserUpsert {
  return {
    kind: 'upsert',
    eventType: 'user.updated',
    entityId: id,
    eventId: null,
    row: {
      userId: id,
      email: 'e',
      phone: null,
      displayName: 'd',
      avatar: null,
      bio: null,
      version,
      deletedAt: null,
      createdAt: 'c',
      updatedAt: 'u',
      eventId: null,
      eventTimestamp: ts,
    },
  };
}
const T0 = '2025-01-01 00:00:00.000000';
function del(id: string, ts: string = T0): UserDelete {
  return { kind: 'delete', eventType: 'user.deleted', entityId: id, eventId: null, eventTimestamp: ts };
}

describe('decide (spec §3 stale rules)', () => {
  const stored = { version: 2, eventTimestamp: '2025-01-01 00:00:01.000000', deletedAt: null };
  it('skips lower versions and older timestamps at the same version', () => {
    assert.equal(decide(stored, up('a', 1, '2030-01-01 00:00:00.000000')), 'stale');
    assert.equal(decide(stored, up('a', 2, '2025-01-01 00:00:00.999999')), 'stale');
  });
  it('applies higher versions, equal or newer timestamps, and NULL comparisons', () => {
    assert.equal(decide(stored, up('a', 3, '2000-01-01 00:00:00.000000')), 'applied');
    assert.equal(decide(stored, up('a', 2, '2025-01-01 00:00:01.000000')), 'applied');
    assert.equal(decide(stored, up('a', 2, null)), 'applied');
    assert.equal(decide({ ...stored, eventTimestamp: null }, up('a', 2, '1999-01-01 00:00:00.000000')), 'applied');
  });
  it('treats deletes by timestamp only, and a delete of no row as missing', () => {
    assert.equal(decide(stored, del('a', '2025-01-01 00:00:00.000000')), 'stale');
    assert.equal(decide(stored, del('a', '2025-01-01 00:00:01.000000')), 'applied');
    assert.equal(decide({ ...stored, eventTimestamp: null }, del('a')), 'applied');
    assert.equal(decide(undefined, del('a')), 'missing');
  });
});

describe('decide and nextState: what a later command of the same chunk sees', () => {
  const T1 = '2025-01-01 00:00:01.000000';
  const T2 = '2025-01-01 00:00:02.000000';
  it('applies an upsert to no row, and takes its version, timestamp and deleted_at', () => {
    const command = up('a', 4, T2);
    command.row.deletedAt = T1;
    assert.equal(decide(undefined, command), 'applied');
    assert.deepEqual(nextState(undefined, command), { version: 4, eventTimestamp: T2, deletedAt: T1 });
    const stored = { version: 9, eventTimestamp: null, deletedAt: T1 };
    assert.deepEqual(nextState(stored, up('a', 4, null)), { version: 4, eventTimestamp: null, deletedAt: null });
  });
  it('a delete keeps the version, sets the timestamp, and keeps an earlier deleted_at', () => {
    assert.deepEqual(nextState({ version: 3, eventTimestamp: T1, deletedAt: null }, del('a', T2)), {
      version: 3,
      eventTimestamp: T2,
      deletedAt: T2,
    });
    assert.deepEqual(nextState({ version: 3, eventTimestamp: T1, deletedAt: T1 }, del('a', T2)), {
      version: 3,
      eventTimestamp: T2,
      deletedAt: T1,
    });
  });
  it('refuses to apply a delete to no row', () => {
    assert.throws(() => nextState(undefined, del('a')), /a delete applies only to a stored row/);
  });
  it('a delete at the same timestamp as the stored event applies; one microsecond earlier is stale', () => {
    const stored = { version: 1, eventTimestamp: T1, deletedAt: null };
    assert.equal(decide(stored, del('a', T1)), 'applied');
    assert.equal(decide(stored, del('a', '2025-01-01 00:00:00.999999')), 'stale');
  });
});

describe('planStatements', () => {
  it('keeps each key in order and alternates statement kinds', () => {
    const commands: UserCommand[] = [
      up('a', 1, null),
      del('a'),
      up('b', 1, null),
      up('a', 2, null),
      del('b'),
      del('b'),
    ];
    const planned = planStatements(commands);
    assert.deepEqual(
      planned.map((r) => [r.kind, r.commands.map((c) => `${c.entityId}${c.kind[0]}`)]),
      [
        ['upsert', ['au', 'bu']],
        ['delete', ['ad', 'bd']],
        ['upsert', ['au']],
        ['delete', ['bd']],
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { User } from '../../src/domains/users/user.entity';
import * as coalesce from '../../src/db/table-writer/coalesce';
import { USER_TABLE_POLICY } from '../../src/domains/users/user.policy';

// The generic folding under the users policy.
const dominates = (later: User, earlier: User) => coalesce.dominates(USER_TABLE_POLICY, later, earlier);
const coalesceUpserts = (rows: readonly User[]) => coalesce.coalesceUpserts(USER_TABLE_POLICY, rows);

const T1 = '2025-01-01 00:00:01.000000';
const T2 = '2025-01-01 00:00:02.000000';

function row(id: string, version: number, eventTimestamp: string | null, tag: string): User {
  return {
    userId: id,
    email: `${tag}@example.com`,
    phone: null,
    displayName: tag,
    avatar: null,
    bio: null,
    version,
    deletedAt: null,
    createdAt: `created ${tag}`,
    updatedAt: T1,
    eventId: tag,
    eventTimestamp,
  };
}

describe('dominates', () => {
  it('is a higher version, or the same version with both timestamps known and not earlier', () => {
    assert.equal(dominates(row('a', 2, null, 'x'), row('a', 1, T2, 'y')), true);
    assert.equal(dominates(row('a', 1, T2, 'x'), row('a', 2, T1, 'y')), false);
    assert.equal(dominates(row('a', 1, T2, 'x'), row('a', 1, T1, 'y')), true);
    assert.equal(dominates(row('a', 1, T1, 'x'), row('a', 1, T1, 'y')), true);
    assert.equal(dominates(row('a', 1, T1, 'x'), row('a', 1, T2, 'y')), false);
    // NULL is "never stale" on either side, which is not transitive: no folding over it.
    assert.equal(dominates(row('a', 1, null, 'x'), row('a', 1, T1, 'y')), false);
    assert.equal(dominates(row('a', 1, T1, 'x'), row('a', 1, null, 'y')), false);
    assert.equal(dominates(row('a', 1, null, 'x'), row('a', 1, null, 'y')), false);
    // A version decides before timestamps, either way, whatever they are.
    assert.equal(dominates(row('a', 3, null, 'x'), row('a', 2, null, 'y')), true);
    assert.equal(dominates(row('a', 2, T2, 'x'), row('a', 3, T1, 'y')), false);
    assert.equal(dominates(row('a', -1, T2, 'x'), row('a', 0, T1, 'y')), false);
  });
});

describe('coalesceUpserts', () => {
  it("folds a key's dominated upserts into its last row, keeping the first row's created_at", () => {
    const out = coalesceUpserts([
      row('a', 1, T1, 'a1'),
      row('b', 1, T1, 'b1'),
      row('a', 2, T1, 'a2'),
      row('a', 3, T2, 'a3'),
    ]);
    assert.deepEqual(
      out.map((r) => [r.userId, r.eventId, r.createdAt]),
      [
        ['a', 'a3', 'created a1'],
        ['b', 'b1', 'created b1'],
      ],
    );
  });
  it('folds verbatim duplicates', () => {
    const dup = row('a', 2, T2, 'a2');
    assert.deepEqual(coalesceUpserts([dup, dup]), [dup]);
  });
  it("leaves a key's rows alone when its last row does not dominate every earlier one", () => {
    const stale = [row('a', 2, T1, 'a2'), row('a', 1, T2, 'a1')];
    assert.deepEqual(coalesceUpserts(stale), stale);
    const unknownTime = [row('a', 1, T1, 'x'), row('a', 1, null, 'y')];
    assert.deepEqual(coalesceUpserts(unknownTime), unknownTime);
  });
  it("keeps a key's rows in order when any earlier row is not dominated, even if others are", () => {
    const rows = [row('a', 1, T1, 'a1'), row('a', 3, T1, 'a3'), row('a', 2, T2, 'a2')];
    assert.deepEqual(coalesceUpserts(rows), rows);
  });
  it('folds into a last row whose higher version wins even without a timestamp', () => {
    const out = coalesceUpserts([row('a', 1, T1, 'a1'), row('a', 2, null, 'a2')]);
    assert.deepEqual(out, [{ ...row('a', 2, null, 'a2'), createdAt: 'created a1' }]);
  });
  it('returns the rows unchanged when no key repeats', () => {
    const rows = [row('a', 1, T1, 'a'), row('b', 1, null, 'b')];
    assert.deepEqual(coalesceUpserts(rows), rows);
  });
});

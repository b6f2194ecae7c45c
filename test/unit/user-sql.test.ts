import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { User } from '../../src/domains/users/user.entity';
import { lockUsersSql, softDeleteUsersSql, upsertUsersSql } from '../../src/domains/users/user.sql';

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

describe('users statements', () => {
  it('upserts every column, one escaped tuple per row, and never reassigns user_id or created_at', () => {
    const sql = upsertUsersSql([user('a1', 'x\ny'), user('b2', null)]);
    const [insert, update] = sql.split(' ON DUPLICATE KEY UPDATE ');
    assert.ok(insert?.startsWith('INSERT INTO `users` (`user_id`, `email`, `phone`, `display_name`, `avatar`, `bio`'));
    assert.match(insert ?? '', /VALUES \('a1', 'ann@example.com', NULL, 'Ann O\\'Neil', NULL, 'x\\ny', 3, NULL, /);
    assert.match(insert ?? '', /\), \('b2', /);
    const assigned = [...(update ?? '').matchAll(/`(\w+)` = IF\(/g)].map((m) => m[1]);
    assert.deepEqual(assigned.slice(-2), ['event_timestamp', 'version'], 'the guard reads these: assigned last');
    assert.ok(!assigned.includes('user_id') && !assigned.includes('created_at'));
    assert.equal(assigned.length, 10);
  });

  it('soft-deletes through one joined UPDATE and locks rows by id', () => {
    const sql = softDeleteUsersSql([
      {
        kind: 'delete',
        eventType: 'user.deleted',
        entityId: 'a1',
        eventId: null,
        eventTimestamp: null,
        deletedAt: '2025-01-03 00:00:00.000000',
      },
    ]);
    assert.match(sql, /SELECT 'a1' AS user_id, NULL AS event_id, CAST\(NULL AS DATETIME\(6\)\)/);
    assert.match(sql, /COALESCE\(u\.`deleted_at`, d\.deleted_at\)/);
    assert.equal(
      lockUsersSql(['a1', "b'2"]),
      "SELECT `user_id`, `version`, `event_timestamp`, `deleted_at` FROM `users` WHERE `user_id` IN ('a1', 'b\\'2') FOR UPDATE",
    );
    assert.throws(() => upsertUsersSql([]), /no rows/);
  });
});

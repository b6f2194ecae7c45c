import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEventError } from '../../src/common/invalid-event-error';
import type { UserDelete } from '../../src/domains/users/user.events';
import { mapUserEvent } from '../../src/domains/users/user.mapper';
import { ctx, rejection, upsert } from '../support/user-mapping';

// The Kafka record's timestamp: 2030-01-01 00:00:00.123 UTC.
const ID = '507f1f77bcf86cd799439011';

// The seed's sample payloads (spec §1).
const seedCreated = {
  event_type: 'user.created',
  event_id: '8d1f8a3e-2f0c-4a51-9a43-5b3c1b9e8f10',
  entity_id: ID,
  timestamp: '2025-01-15T10:30:00Z',
  data: {
    contact_info: { primary_email: 'jane@example.com', additional_emails: [], phone: '+1234567890' },
    profile: {
      display_name: 'Jane Smith',
      avatar: 'https://cdn.example.com/default.jpg',
      bio: null,
      date_of_birth: null,
    },
    password_hash: 'hash',
    version: 1,
    deleted_at: null,
    created_at: '2025-01-15T10:30:00Z',
    updated_at: '2025-01-15T10:30:00Z',
  },
};

function clone<T>(value: T): T {
  return structuredClone(value);
}

describe('mapUserEvent', () => {
  it('flattens the seed created event onto the twelve columns', () => {
    assert.deepEqual(upsert(seedCreated).row, {
      userId: ID,
      email: 'jane@example.com',
      phone: '+1234567890',
      displayName: 'Jane Smith',
      avatar: 'https://cdn.example.com/default.jpg',
      bio: null,
      version: 1,
      deletedAt: null,
      createdAt: '2025-01-15 10:30:00.000000',
      updatedAt: '2025-01-15 10:30:00.000000',
      eventId: '8d1f8a3e-2f0c-4a51-9a43-5b3c1b9e8f10',
      eventTimestamp: '2025-01-15 10:30:00.000000',
    });
  });

  it('never carries password_hash, additional_emails or date_of_birth', () => {
    const text = JSON.stringify(upsert(seedCreated));
    assert.ok(!text.includes('hash'));
    assert.ok(!text.includes('additional'));
    assert.ok(!text.includes('date_of_birth'));
  });

  it('writes absent optional fields and explicit nulls as NULL, version defaults to 1', () => {
    const event = clone(seedCreated) as Record<string, any>;
    delete event.data.contact_info.phone;
    delete event.data.profile.avatar;
    event.data.profile.bio = null;
    delete event.data.version;
    delete event.event_id;
    delete event.timestamp;
    const row = upsert(event).row;
    assert.equal(row.phone, null);
    assert.equal(row.avatar, null);
    assert.equal(row.bio, null);
    assert.equal(row.version, 1);
    assert.equal(row.eventId, null);
    assert.equal(row.eventTimestamp, null);
  });

  it('ignores extra fields anywhere', () => {
    const event = clone(seedCreated) as Record<string, any>;
    event.extra = 1;
    event.data.more = { x: 1 };
    event.data.profile.nickname = 'J';
    assert.deepEqual(upsert(event).row, upsert(seedCreated).row);
  });

  it('maps a delete with data.user_id, falling back to entity_id', () => {
    const del = {
      event_type: 'user.deleted',
      event_id: 'e1',
      entity_id: ID,
      timestamp: '2025-01-15T11:00:00.5+01:00',
      data: { user_id: ID },
    };
    const command = mapUserEvent(del, ctx) as UserDelete;
    assert.deepEqual(command, {
      kind: 'delete',
      eventType: 'user.deleted',
      entityId: ID,
      eventId: 'e1',
      eventTimestamp: '2025-01-15 10:00:00.500000',
    });
    const noData = mapUserEvent({ event_type: 'user.deleted', entity_id: ID }, ctx) as UserDelete;
    assert.equal(noData.entityId, ID);
    assert.equal(noData.eventTimestamp, '2030-01-01 00:00:00.123000', 'no timestamp: the Kafka record’s');
  });

  it('rejects a delete without timestamp whose record has no usable timestamp either', () => {
    for (const recordTimestamp of ['-1', '', 'x']) {
      assert.throws(
        () => mapUserEvent({ event_type: 'user.deleted', entity_id: ID }, { recordTimestamp }),
        (err: unknown) =>
          err instanceof InvalidEventError &&
          err.reason === 'invalid_event' &&
          err.field === 'timestamp' &&
          err.message === 'timestamp is missing and the Kafka record has none',
      );
    }
  });

  it('rejects a lone surrogate, which no UTF-8 column can hold, naming the field', () => {
    const e = clone(seedCreated) as Record<string, any>;
    e.data.profile.bio = 'half \ud83d of an emoji';
    assert.throws(
      () => mapUserEvent(e, ctx),
      (err: unknown) =>
        err instanceof InvalidEventError &&
        err.reason === 'invalid_event' &&
        err.message === 'data.profile.bio contains a lone UTF-16 surrogate (not a Unicode character)',
    );
    e.data.profile.bio = 'a whole 🚀 is fine';
    assert.equal(upsert(e).row.bio, 'a whole 🚀 is fine');
  });

  it('keeps ids in lowercase, the one text of a key the writer groups and orders by', () => {
    const upper = ID.toUpperCase();
    assert.notEqual(upper, ID);
    const created = upsert({ ...clone(seedCreated), entity_id: upper });
    assert.equal(created.entityId, ID);
    assert.equal(created.row.userId, ID);
    const del = mapUserEvent({ event_type: 'user.deleted', entity_id: ID, data: { user_id: upper } }, ctx);
    assert.equal(del.entityId, ID);
  });

  const cases: Array<[string, (e: Record<string, any>) => void, string]> = [
    ['missing contact_info', (e) => delete e.data.contact_info, 'data.contact_info.primary_email is missing'],
    ['missing profile', (e) => delete e.data.profile, 'data.profile.display_name is missing'],
    ['empty email', (e) => (e.data.contact_info.primary_email = ''), 'data.contact_info.primary_email is empty'],
    ['blank display name', (e) => (e.data.profile.display_name = '   '), 'data.profile.display_name is empty'],
    ['bad id', (e) => (e.entity_id = 'xyz'), 'entity_id must be 24 hexadecimal characters'],
    ['missing id', (e) => delete e.entity_id, 'entity_id is missing'],
    [
      '501-character bio',
      (e) => (e.data.profile.bio = 'b'.repeat(501)),
      'data.profile.bio is 501 characters, longer than 500',
    ],
    [
      '256-character email',
      (e) => (e.data.contact_info.primary_email = 'e'.repeat(256)),
      'data.contact_info.primary_email is 256 characters, longer than 255',
    ],
    [
      'avatar over 65,535 bytes',
      (e) => (e.data.profile.avatar = 'é'.repeat(32768)),
      'data.profile.avatar is 65536 bytes, longer than 65535',
    ],
    ['non-integer version', (e) => (e.data.version = 1.5), 'data.version must be an integer'],
    ['string version', (e) => (e.data.version = '2'), 'data.version must be an integer'],
    [
      'unparseable created_at',
      (e) => (e.data.created_at = 'yesterday'),
      'data.created_at is not a valid ISO-8601 timestamp',
    ],
    ['missing updated_at', (e) => delete e.data.updated_at, 'data.updated_at is missing'],
    ['unparseable timestamp', (e) => (e.timestamp = '15/01/2025'), 'timestamp is not a valid ISO-8601 timestamp'],
    [
      'unparseable deleted_at',
      (e) => (e.data.deleted_at = 'soon'),
      'data.deleted_at is not a valid ISO-8601 timestamp',
    ],
    ['37-character event_id', (e) => (e.event_id = 'x'.repeat(37)), 'event_id is 37 characters, longer than 36'],
    ['profile not an object', (e) => (e.data.profile = 'Jane'), 'data.profile must be an object'],
    ['numeric phone', (e) => (e.data.contact_info.phone = 123), 'data.contact_info.phone must be a string'],
  ];
  for (const [name, mutate, message] of cases) {
    it(`rejects ${name} naming the field`, () => {
      const event = clone(seedCreated) as Record<string, any>;
      mutate(event);
      const err = rejection(event);
      assert.equal(err.reason, 'invalid_event');
      assert.ok(err.message.startsWith(message), `${err.message} ≠ ${message}`);
    });
  }

  it('counts characters as MySQL does: an emoji is one character', () => {
    const event = clone(seedCreated) as Record<string, any>;
    event.data.profile.display_name = '😀'.repeat(100);
    assert.equal(upsert(event).row.displayName.length, 200);
    event.data.profile.display_name = '😀'.repeat(101);
    assert.match(rejection(event).message, /101 characters, longer than 100/);
  });

  it('rejects a delete with a bad id', () => {
    const err = rejection({ event_type: 'user.deleted', entity_id: ID, data: { user_id: 'nope' } });
    assert.equal(err.message, 'data.user_id must be 24 hexadecimal characters');
  });
});

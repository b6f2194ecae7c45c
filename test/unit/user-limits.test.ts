import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserDelete, UserUpsert } from '../../src/domains/users/user.events';
import { mapUserEvent } from '../../src/domains/users/user.mapper';
import { ctx, rejection, upsert } from '../support/user-mapping';

// Spec §2 and §5 at their edges: ids, every column's size (characters for VARCHAR, UTF-8 bytes
// for TEXT) at the limit and one over, and the INT range of version.

const ID = '507f1f77bcf86cd799439011';
const HASH = '$2b$12$SECRETHASHVALUEthatMustNeverLeak0123456789';

function created(): Record<string, any> {
  return {
    event_type: 'user.created',
    event_id: '8d1f8a3e-2f0c-4a51-9a43-5b3c1b9e8f10',
    entity_id: ID,
    timestamp: '2025-01-15T10:30:00Z',
    data: {
      contact_info: { primary_email: 'jane@example.com', additional_emails: [], phone: '+1234567890' },
      profile: { display_name: 'Jane Smith', avatar: 'https://cdn.example.com/a.jpg', bio: 'hi', date_of_birth: null },
      password_hash: HASH,
      version: 1,
      deleted_at: null,
      created_at: '2025-01-15T10:30:00Z',
      updated_at: '2025-01-15T10:30:00Z',
    },
  };
}

function assertRejected(envelope: Record<string, unknown>, field: string, message: string): void {
  const err = rejection(envelope);
  assert.deepEqual([err.reason, err.field, err.message], ['invalid_event', field, message]);
}

describe('ids: exactly 24 hexadecimal characters (spec §2)', () => {
  const bad: Array<[string, unknown]> = [
    ['23 hex characters', ID.slice(0, 23)],
    ['25 hex characters', `${ID}a`],
    ['1 hex character', 'a'],
    ['24 non-hex characters', 'g'.repeat(24)],
    ['24 characters, one not hex', `${ID.slice(0, 23)}z`],
    ['24 hex characters and a newline', `${ID}\n`],
    ['a number', 507],
    ['an object', { $oid: ID }],
    ['an array holding an id', [ID]],
  ];
  for (const [name, id] of bad) {
    it(`rejects ${name} as entity_id of an upsert and as data.user_id of a delete`, () => {
      assertRejected({ ...created(), entity_id: id }, 'entity_id', 'entity_id must be 24 hexadecimal characters');
      assertRejected(
        { event_type: 'user.deleted', entity_id: ID, data: { user_id: id } },
        'data.user_id',
        'data.user_id must be 24 hexadecimal characters',
      );
      assertRejected(
        { event_type: 'user.deleted', entity_id: id, timestamp: '2025-01-15T10:30:00Z' },
        'entity_id',
        'entity_id must be 24 hexadecimal characters',
      );
    });
  }

  it('rejects an empty id as missing', () => {
    assertRejected({ ...created(), entity_id: '' }, 'entity_id', 'entity_id is missing');
    assertRejected({ ...created(), entity_id: null }, 'entity_id', 'entity_id is missing');
    assertRejected({ event_type: 'user.deleted', data: { user_id: '' } }, 'data.user_id', 'data.user_id is missing');
    assertRejected({ event_type: 'user.deleted', data: {} }, 'entity_id', 'entity_id is missing');
  });

  it('accepts 24 hex characters in any case, stored lowercase', () => {
    for (const id of [ID, ID.toUpperCase(), 'ABCDEFabcdef0123456789Ab']) {
      assert.equal(upsert({ ...created(), entity_id: id }).row.userId, id.toLowerCase());
      const del = mapUserEvent({ event_type: 'user.deleted', data: { user_id: id } }, ctx) as UserDelete;
      assert.equal(del.entityId, id.toLowerCase());
    }
  });

  it('takes the delete key from data.user_id before entity_id, and entity_id when user_id is null', () => {
    const other = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const del = (data: unknown): string =>
      mapUserEvent({ event_type: 'user.deleted', entity_id: other, data }, ctx).entityId;
    assert.equal(del({ user_id: ID }), ID);
    assert.equal(del({ user_id: null }), other);
    assert.equal(del({}), other);
    assert.equal(del(null), other);
  });
});

// [field path, how to set it, limit, unit]
const COLUMNS: Array<[string, (e: Record<string, any>, v: string) => void, number, 'characters' | 'bytes']> = [
  ['data.contact_info.primary_email', (e, v) => (e.data.contact_info.primary_email = v), 255, 'characters'],
  ['data.contact_info.phone', (e, v) => (e.data.contact_info.phone = v), 50, 'characters'],
  ['data.profile.display_name', (e, v) => (e.data.profile.display_name = v), 100, 'characters'],
  ['data.profile.bio', (e, v) => (e.data.profile.bio = v), 500, 'characters'],
  ['event_id', (e, v) => (e.event_id = v), 36, 'characters'],
  ['data.profile.avatar', (e, v) => (e.data.profile.avatar = v), 65_535, 'bytes'],
];

/** `chars` characters: ASCII, 2-byte 'é', and 4-byte emoji (two UTF-16 units each), mixed. */
function mixedChars(chars: number): string {
  const pattern = ['a', 'é', '😀'];
  let out = '';
  for (let i = 0; i < chars; i++) out += pattern[i % 3];
  return out;
}

/** Exactly `bytes` UTF-8 bytes, mostly multi-byte characters. */
function utf8Bytes(bytes: number, unit: string): string {
  const size = Buffer.byteLength(unit);
  const text = unit.repeat(Math.floor(bytes / size)) + 'a'.repeat(bytes % size);
  assert.equal(Buffer.byteLength(text), bytes);
  return text;
}

function row(path: string, command: UserUpsert): unknown {
  const key = {
    'data.contact_info.primary_email': 'email',
    'data.contact_info.phone': 'phone',
    'data.profile.display_name': 'displayName',
    'data.profile.bio': 'bio',
    event_id: 'eventId',
    'data.profile.avatar': 'avatar',
  }[path] as keyof UserUpsert['row'];
  return command.row[key];
}

describe('column sizes: at the limit accepted, one over rejected, naming the field (spec §5)', () => {
  for (const [path, set, limit, unit] of COLUMNS.filter((c) => c[3] === 'characters')) {
    it(`${path}: ${limit} characters (not UTF-16 units, not bytes)`, () => {
      for (const value of ['x'.repeat(limit), 'é'.repeat(limit), '😀'.repeat(limit), mixedChars(limit)]) {
        const e = created();
        set(e, value);
        assert.equal(row(path, upsert(e)), value);
      }
      for (const value of [
        'x'.repeat(limit + 1),
        'é'.repeat(limit + 1),
        '😀'.repeat(limit + 1),
        mixedChars(limit + 1),
      ]) {
        const e = created();
        set(e, value);
        assertRejected(e, path, `${path} is ${limit + 1} ${unit}, longer than ${limit}`);
      }
    });
  }

  it('data.profile.avatar: 65,535 UTF-8 bytes (TEXT), whatever the characters', () => {
    for (const unitChar of ['a', 'é', '€', '😀']) {
      const e = created();
      const value = utf8Bytes(65_535, unitChar);
      e.data.profile.avatar = value;
      assert.equal(upsert(e).row.avatar, value);
      const over = created();
      over.data.profile.avatar = utf8Bytes(65_536, unitChar);
      assertRejected(over, 'data.profile.avatar', 'data.profile.avatar is 65536 bytes, longer than 65535');
    }
  });

  it('an empty optional string is kept as it is (not NULL), a NULL or absent one is NULL', () => {
    const e = created();
    e.data.contact_info.phone = '';
    e.data.profile.bio = '';
    e.data.profile.avatar = '';
    e.event_id = '';
    const r = upsert(e).row;
    assert.deepEqual([r.phone, r.bio, r.avatar, r.eventId], ['', '', '', '']);
  });

  it('rejects a non-string value of a string column, naming its type', () => {
    const cases: Array<[unknown, string]> = [
      [123, 'an integer'],
      [1.5, 'a non-integer number'],
      [true, 'a boolean'],
      [['+1'], 'an array'],
      [{ n: '+1' }, 'an object'],
    ];
    for (const [value, type] of cases) {
      const e = created();
      e.data.contact_info.phone = value;
      assertRejected(e, 'data.contact_info.phone', `data.contact_info.phone must be a string, got ${type}`);
    }
  });
});

describe('version: an integer within MySQL INT (spec §2, §5)', () => {
  it('accepts the INT bounds and defaults to 1', () => {
    for (const version of [2147483647, -2147483648, 0, 1]) {
      const e = created();
      e.data.version = version;
      assert.equal(upsert(e).row.version, version);
    }
    const e = created();
    e.data.version = null;
    assert.equal(upsert(e).row.version, 1);
  });

  it('rejects one past either bound', () => {
    for (const version of [2147483648, -2147483649, 1e20]) {
      const e = created();
      e.data.version = version;
      assertRejected(e, 'data.version', `data.version is out of the INT range (${version})`);
    }
  });

  it('rejects what is not an integer, naming its type', () => {
    const cases: Array<[unknown, string]> = [
      [1.5, 'a non-integer number'],
      ['2', 'a string'],
      [[2], 'an array'],
      [true, 'a boolean'],
    ];
    for (const [version, type] of cases) {
      const e = created();
      e.data.version = version;
      assertRejected(e, 'data.version', `data.version must be an integer, got ${type}`);
    }
  });
});

describe('event types (spec §1, §5)', () => {
  it('quotes only the event type in an unknown type error, never the envelope or the hash', () => {
    for (const type of ['user.renamed', 'USER.CREATED', '', 'order.created']) {
      const e = created();
      e.event_type = type;
      const err = rejection(e);
      assert.deepEqual(
        [err.reason, err.field, err.message],
        ['unknown_event_type', 'event_type', `event_type "${type}" is not a user event`],
      );
      const shown = `${err.message} ${String(err.stack)}`;
      for (let i = 0; i + 8 <= HASH.length; i++) assert.ok(!shown.includes(HASH.slice(i, i + 8)), shown);
      assert.ok(!shown.includes('jane@example.com'), shown);
    }
  });

  it('maps created and updated to upserts and deleted to a delete', () => {
    assert.equal(upsert(created()).eventType, 'user.created');
    assert.equal(upsert({ ...created(), event_type: 'user.updated' }).eventType, 'user.updated');
    const del = mapUserEvent({ ...created(), event_type: 'user.deleted' }, ctx);
    assert.deepEqual(del, {
      kind: 'delete',
      eventType: 'user.deleted',
      entityId: ID,
      eventId: '8d1f8a3e-2f0c-4a51-9a43-5b3c1b9e8f10',
      eventTimestamp: '2025-01-15 10:30:00.000000',
    });
  });

  it('validates event_id and timestamp on a delete too', () => {
    const del = { event_type: 'user.deleted', entity_id: ID, timestamp: '2025-01-15T10:30:00Z' };
    assertRejected({ ...del, event_id: 'x'.repeat(37) }, 'event_id', 'event_id is 37 characters, longer than 36');
    assertRejected(
      { ...del, timestamp: 'never' },
      'timestamp',
      'timestamp is not a valid ISO-8601 timestamp (years 1000–9999)',
    );
    assertRejected(
      { ...del, timestamp: 1736937000 },
      'timestamp',
      'timestamp must be an ISO-8601 string, got an integer',
    );
    assertRejected({ ...del, data: 'gone' }, 'data', 'data must be an object');
    assertRejected({ ...del, data: [ID] }, 'data', 'data must be an object');
    const e = created();
    e.data.contact_info = 'jane@example.com';
    assertRejected(e, 'data.contact_info', 'data.contact_info must be an object');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserTableModel, utcDatetime6 } from '../support/expected-table';

// Rows written by hand from ../shared/spec/users.md (§2 mapping, §3 rules, §4 timestamps), to
// check the reference model the end-to-end, property and fault tests compare the table with.
const ID = '507f1f77bcf86cd799439011';

const created = {
  event_type: 'user.created',
  event_id: '8d1f8a3e-2f0c-4a51-9a43-5b3c1b9e8f10',
  entity_id: '507F1F77BCF86CD799439011',
  timestamp: '2025-01-15T10:30:00Z',
  data: {
    contact_info: { primary_email: 'jane@example.com', additional_emails: ['x@example.com'], phone: '+1234567890' },
    profile: {
      display_name: 'Jane Smith',
      avatar: 'https://cdn.example.com/default.jpg',
      bio: 'hi 🚀',
      date_of_birth: null,
    },
    password_hash: 'secret',
    version: 1,
    deleted_at: null,
    created_at: '2025-01-15T10:30:00Z',
    updated_at: '2025-01-15T10:30:00Z',
  },
};

const createdRow = {
  user_id: ID,
  email: 'jane@example.com',
  phone: '+1234567890',
  display_name: 'Jane Smith',
  avatar: 'https://cdn.example.com/default.jpg',
  bio: 'hi 🚀',
  version: 1,
  deleted_at: null,
  created_at: '2025-01-15 10:30:00.000000',
  updated_at: '2025-01-15 10:30:00.000000',
  event_id: '8d1f8a3e-2f0c-4a51-9a43-5b3c1b9e8f10',
  event_timestamp: '2025-01-15 10:30:00.000000',
};

/** A v2 update: no bio, no phone, no version field in one case, offsets and long fractions. */
const updated = {
  event_type: 'user.updated',
  event_id: 'e2',
  entity_id: ID,
  timestamp: '2025-03-01T14:00:00.123456789+02:00',
  data: {
    contact_info: { primary_email: 'jane@new.example.com' },
    profile: { display_name: 'Jane S.' },
    version: 2,
    created_at: '2030-01-01T00:00:00Z',
    updated_at: '2025-03-01T08:00:00.5-04:30',
  },
};

const updatedRow = {
  user_id: ID,
  email: 'jane@new.example.com',
  phone: null,
  display_name: 'Jane S.',
  avatar: null,
  bio: null,
  version: 2,
  deleted_at: null,
  created_at: '2025-01-15 10:30:00.000000',
  updated_at: '2025-03-01 12:30:00.500000',
  event_id: 'e2',
  event_timestamp: '2025-03-01 12:00:00.123456',
};

describe('reference model of the users table (literal rows from the contract)', () => {
  it('normalizes timestamps to UTC with six truncated fraction digits', () => {
    assert.equal(utcDatetime6('2025-03-01T14:00:00.123456+02:00'), '2025-03-01 12:00:00.123456');
    assert.equal(utcDatetime6('2025-01-15T10:30:00'), '2025-01-15 10:30:00.000000');
    assert.equal(utcDatetime6('2025-01-01T23:30:00.9999999-01:00'), '2025-01-02 00:30:00.999999');
    assert.equal(utcDatetime6('2024-03-01T00:15:00+00:30'), '2024-02-29 23:45:00.000000');
  });

  it('maps a create, overwrites on update except user_id and created_at, and skips stale events', () => {
    const model = new UserTableModel();
    assert.equal(model.apply(created), 'applied');
    assert.deepEqual(model.table(), [createdRow]);
    assert.equal(model.apply(updated), 'applied');
    assert.deepEqual(model.table(), [updatedRow]);
    assert.equal(model.apply(created), 'stale', 'lower version');
    const sameVersionOlder = { ...updated, timestamp: '2025-03-01T11:59:59Z', event_id: 'old' };
    assert.equal(model.apply(sameVersionOlder), 'stale', 'same version, older timestamp');
    assert.deepEqual(model.table(), [updatedRow]);
    const sameVersionNoTime = { ...updated, timestamp: undefined, event_id: 'e3' };
    assert.equal(model.apply(sameVersionNoTime), 'applied', 'a comparison with NULL is never stale');
    assert.deepEqual(model.table(), [{ ...updatedRow, event_id: 'e3', event_timestamp: null }]);
  });

  it('soft-deletes at the event timestamp, or the record timestamp when the event has none', () => {
    const model = new UserTableModel().applyEvents([created]);
    const del = { event_type: 'user.deleted', event_id: 'd1', entity_id: ID, data: { user_id: ID.toUpperCase() } };
    assert.equal(model.apply(del, '1737000000123'), 'applied');
    const deletedRow = {
      ...createdRow,
      deleted_at: '2025-01-16 04:00:00.123000',
      event_id: 'd1',
      event_timestamp: '2025-01-16 04:00:00.123000',
    };
    assert.deepEqual(model.table(), [deletedRow]);
    // A second delete keeps deleted_at; an older one is stale; a delete of no row is missing.
    assert.equal(model.apply({ ...del, event_id: 'd2', timestamp: '2025-02-01T00:00:00Z' }), 'applied');
    assert.deepEqual(model.table(), [{ ...deletedRow, event_id: 'd2', event_timestamp: '2025-02-01 00:00:00.000000' }]);
    assert.equal(model.apply({ ...del, timestamp: '2025-01-20T00:00:00Z' }), 'stale');
    assert.equal(model.apply({ ...del, entity_id: 'a'.repeat(24), data: {} }, '1'), 'missing');
    // A restore: a higher version with deleted_at null brings the row back.
    assert.equal(model.apply({ ...updated, data: { ...updated.data, version: 3 } }), 'applied');
    assert.deepEqual(model.table(), [{ ...updatedRow, version: 3 }]);
  });
});

import assert from 'node:assert/strict';
import { InvalidEventError } from '../../src/common/invalid-event-error';
import type { UserUpsert } from '../../src/domains/users/user.events';
import { mapUserEvent } from '../../src/domains/users/user.mapper';

/** The mapping context of the unit tests: a fixed Kafka record timestamp. */
export const ctx = { recordTimestamp: '1893456000123' };

/** Maps an envelope that must become an upsert. */
export function upsert(envelope: Record<string, unknown>): UserUpsert {
  const command = mapUserEvent(envelope, ctx);
  assert.equal(command.kind, 'upsert');
  return command as UserUpsert;
}

/** Maps an envelope that must be refused, returning the validation error. */
export function rejection(envelope: Record<string, unknown>): InvalidEventError {
  try {
    mapUserEvent(envelope, ctx);
  } catch (err) {
    assert.ok(err instanceof InvalidEventError, String(err));
    return err;
  }
  assert.fail('expected an InvalidEventError');
}

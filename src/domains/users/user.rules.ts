import { ranksLower } from '../../db/guarded-upsert';
import { USER_CONFLICT_POLICY } from './user.conflict';
import type { User } from './user.entity';
import type { UserCommand } from './user.events';

/** What one command did to the table. */
export type UserOutcome = 'applied' | 'stale' | 'missing';

/** The guard state of a stored row: what the stale rules read. */
export type StoredUser = Pick<User, 'version' | 'eventTimestamp' | 'deletedAt'>;

/** t < stored, where a comparison with NULL is never true (spec §3). */
function isEarlier(t: string | null, stored: string | null): boolean {
  return t !== null && stored !== null && t < stored;
}

/** Spec §3: decides a command against the stored row, without I/O. */
export function decide(stored: StoredUser | undefined, command: UserCommand): UserOutcome {
  if (command.kind === 'delete') {
    if (!stored) return 'missing';
    return isEarlier(command.eventTimestamp, stored.eventTimestamp) ? 'stale' : 'applied';
  }
  if (!stored) return 'applied';
  return ranksLower(USER_CONFLICT_POLICY, command.row, stored) ? 'stale' : 'applied';
}

/** The guard state after an applied command (the row a later command in the same chunk sees). */
export function nextState(stored: StoredUser | undefined, command: UserCommand): StoredUser {
  if (command.kind === 'upsert') {
    const { version, eventTimestamp, deletedAt } = command.row;
    return { version, eventTimestamp, deletedAt };
  }
  if (!stored) throw new Error('nextState: a delete applies only to a stored row');
  return {
    version: stored.version,
    eventTimestamp: command.eventTimestamp,
    deletedAt: stored.deletedAt ?? command.eventTimestamp,
  };
}

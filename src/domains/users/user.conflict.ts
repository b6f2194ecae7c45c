import type { ConflictPolicy } from '../../db/guarded-upsert';
import type { User } from './user.entity';

/**
 * Spec §3's conflict policy for `users`: a conflict is on `userId`; `userId` and `createdAt` keep
 * the first insert's values; every other column is overwritten unless the incoming row is stale,
 * i.e. ranks lower by (version, eventTimestamp), where a NULL timestamp never makes it stale.
 */
export const USER_CONFLICT_POLICY: ConflictPolicy<User> = {
  key: 'userId',
  keep: ['userId', 'createdAt'],
  rankedBy: ['version', 'eventTimestamp'],
};

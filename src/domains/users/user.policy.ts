import type { TablePolicy } from '../../db/table-writer/table-policy';
import type { User } from './user.entity';

/**
 * Spec §3 for `users`: a conflict is on `userId`; `userId` and `createdAt` keep the first insert's
 * values; every other column is overwritten unless the incoming row ranks lower by (version,
 * eventTimestamp), a NULL timestamp never making it stale. A delete is soft: deleted_at is set once.
 */
export const USER_TABLE_POLICY: TablePolicy<User> = {
  key: 'userId',
  keep: ['userId', 'createdAt'],
  rankedBy: ['version', 'eventTimestamp'],
  event: { id: 'eventId', timestamp: 'eventTimestamp' },
  delete: { mode: 'soft', at: 'deletedAt' },
};

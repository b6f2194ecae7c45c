import type { DomainModule } from '../../pipeline/domain-module';
import { UserSchema, type User } from './user.entity';
import { USER_EVENT_TYPES } from './user.events';
import { mapUserEvent } from './user.mapper';
import { USER_TABLE_POLICY } from './user.policy';

/** The users domain: `user.*` events → the `users` table. */
export const usersModule: DomainModule<User> = {
  name: 'users',
  eventTypes: Object.values(USER_EVENT_TYPES),
  entity: UserSchema,
  policy: USER_TABLE_POLICY,
  map: mapUserEvent,
};

import type { DomainModule } from '../../pipeline/domain-module';
import { UserSchema } from './user.entity';
import { USER_EVENT_TYPES, type UserCommand } from './user.events';
import { mapUserEvent } from './user.mapper';
import { writeUsers } from './user.writer';

/** The users domain: `user.*` events → the `users` table. */
export const usersModule: DomainModule<UserCommand> = {
  name: 'users',
  eventTypes: Object.values(USER_EVENT_TYPES),
  entities: [UserSchema],
  map: mapUserEvent,
  write: writeUsers,
};

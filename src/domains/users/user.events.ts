import type { DeleteCommand, UpsertCommand, WriteCommand } from '../../db/table-writer/write-command';
import type { User } from './user.entity';

/** The event types of the `user` topic (spec §1). */
export const USER_EVENT_TYPES = {
  created: 'user.created',
  updated: 'user.updated',
  deleted: 'user.deleted',
} as const;

/** One of `user.created`, `user.updated`, `user.deleted`. */
export type UserEventType = (typeof USER_EVENT_TYPES)[keyof typeof USER_EVENT_TYPES];

/** created/updated: write the whole row (guarded by version and event timestamp). */
export type UserUpsert = UpsertCommand<User>;

/** deleted: soft delete of an existing row at a deterministic time. */
export type UserDelete = DeleteCommand;

/** A validated write derived from one event. */
export type UserCommand = WriteCommand<User>;

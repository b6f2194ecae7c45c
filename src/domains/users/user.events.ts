import type { SqlTimestamp } from '../../common/timestamp';
import type { DomainCommand } from '../../pipeline/domain-module';
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
export interface UserUpsert extends DomainCommand {
  kind: 'upsert';
  eventType: UserEventType;
  row: User;
}

/** deleted: soft delete of an existing row at a deterministic time. */
export interface UserDelete extends DomainCommand {
  kind: 'delete';
  eventType: UserEventType;
  /** The event's timestamp, or the Kafka record's when the event has none: deleted_at and event_timestamp. */
  eventTimestamp: SqlTimestamp;
}

/** A validated write derived from one event. */
export type UserCommand = UserUpsert | UserDelete;

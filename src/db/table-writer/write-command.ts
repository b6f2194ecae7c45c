/** The identity every command carries: the row key, the event type, the event id. */
export interface DomainCommand {
  /** The key of the row the command writes (logged as `[EVENT_TYPE] <entityId>`). */
  entityId: string;
  /** Event type as received, e.g. `user.created`. */
  eventType: string;
  eventId: string | null;
}

/** Write the whole row, guarded by the policy's ranking. */
export interface UpsertCommand<R> extends DomainCommand {
  kind: 'upsert';
  row: R;
}

/** Delete the row with key `entityId`, soft or hard as the policy says. */
export interface DeleteCommand extends DomainCommand {
  kind: 'delete';
  /** The event's timestamp, or the Kafka record's when the event has none (deterministic on replay). */
  eventTimestamp: string;
}

/** What a mapper makes of one event. */
export type WriteCommand<R> = UpsertCommand<R> | DeleteCommand;

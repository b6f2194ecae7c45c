import type { EntityManager } from '@mikro-orm/mysql';
import type { JsonObject } from '../common/fields';

/** What a write did to one command: applied, skipped as stale, or a delete of an absent row. */
export type WriteOutcome = 'applied' | 'stale' | 'missing';

/** A command plus the identity the pipeline logs and the writer keys on. */
export interface DomainCommand {
  /** The id of the row the command writes (logged as `[EVENT_TYPE] <entityId>`). */
  entityId: string;
  /** Event type as received, e.g. `user.created`. */
  eventType: string;
  eventId: string | null;
}

/** What a mapper may read besides the envelope: facts of the Kafka record, never the clock. */
export interface MapContext {
  /** The record's own timestamp, milliseconds since the epoch as text (SourceRecord.timestamp). */
  recordTimestamp: string;
}

/**
 * One domain (users, suppliers, …): which event types it owns, how an event becomes a
 * command (pure), and how its commands of a chunk are written (one transaction, in order).
 */
export interface DomainModule<C extends DomainCommand = DomainCommand> {
  name: string;
  eventTypes: readonly string[];
  entities: readonly unknown[];
  /** Pure: envelope → command, or InvalidEventError naming the field. */
  map(envelope: JsonObject, ctx: MapContext): C;
  /** Writes the commands in order; returns one outcome per command; throws on database errors. */
  write(em: EntityManager, commands: readonly C[]): Promise<WriteOutcome[]>;
}

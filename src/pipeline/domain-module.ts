import type { EntityManager } from '@mikro-orm/mysql';
import type { JsonObject } from '../common/fields';
import type { Outcome } from '../common/outcome';
import type { TableDeclaration } from '../db/table-writer/table-policy';
import type { DomainCommand, WriteCommand } from '../db/table-writer/write-command';
import { writeTable } from '../db/table-writer/table-writer';

export type { DomainCommand } from '../db/table-writer/write-command';

/** What a mapper may read besides the envelope: facts of the Kafka record, never the clock. */
export interface MapContext {
  /** The record's own timestamp, milliseconds since the epoch as text (SourceRecord.timestamp). */
  recordTimestamp: string;
}

/**
 * One domain (users, suppliers, …) as a declaration: the event types it owns, its entity and
 * table policy, and a pure mapper from an event to a row to upsert or a key to delete.
 */
export interface DomainModule<R extends object> extends TableDeclaration<R> {
  name: string;
  eventTypes: readonly string[];
  /** Pure: envelope → command, or InvalidEventError naming the field. */
  map(envelope: JsonObject, ctx: MapContext): WriteCommand<R>;
}

/** A module of any row type (the domain list holds several). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module's row type is its own
export type AnyDomainModule = DomainModule<any>;

/** What the pipeline runs for a domain: map an event, write a chunk's commands (one transaction, in order). */
export interface DomainHandler<C extends DomainCommand = DomainCommand> {
  name: string;
  eventTypes: readonly string[];
  /** Pure: envelope → command, or InvalidEventError naming the field. */
  map(envelope: JsonObject, ctx: MapContext): C;
  /** Writes the commands in order; returns one outcome per command; throws on database errors. */
  write(em: EntityManager, commands: readonly C[]): Promise<Outcome[]>;
}

/** The handler of a declared domain: its mapper, and the generic table writer under its policy. */
export function tableHandler<R extends object>(module: DomainModule<R>): DomainHandler<WriteCommand<R>> {
  return {
    name: module.name,
    eventTypes: module.eventTypes,
    map: (envelope, ctx) => module.map(envelope, ctx),
    write: (em, commands) => writeTable(em, module, commands),
  };
}

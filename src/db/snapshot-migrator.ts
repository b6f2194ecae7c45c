import type { MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { DatabaseSchema } from '@mikro-orm/knex';

/**
 * MikroORM's migrator, except that the committed schema snapshot is written only when a
 * migration is created (from the entities), never after `migration:up`/`down` from the live
 * server. MariaDB reports nullable columns' default as the text 'NULL', so a snapshot read
 * back from it would make `migration:check` see changes that are not there; and a snapshot
 * refreshed on every `up` could hide an entity change that has no migration yet.
 */
export class SnapshotMigrator extends Migrator {
  /** Registers this migrator as the ORM's `@mikro-orm/migrator` extension. */
  static override register(orm: MikroORM): void {
    orm.config.registerExtension('@mikro-orm/migrator', () => new SnapshotMigrator(orm.em as never));
  }

  protected override async storeCurrentSchema(schema?: DatabaseSchema): Promise<void> {
    if (schema) return; // called after up/down with the server's schema
    await super.storeCurrentSchema();
  }
}

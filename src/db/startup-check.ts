import { readdir } from 'node:fs/promises';
import { Utils, type EntityMetadata } from '@mikro-orm/mysql';
import type { MikroORM } from '@mikro-orm/mysql';
import type { MysqlConfig } from '../config';
import {
  migrationNames,
  pendingMigrations,
  pendingMigrationsFault,
  startupFault,
  type StartupContext,
} from './startup-faults';
import { serverErrno } from '../errors';

const ER_NO_SUCH_TABLE = 1146;

/**
 * Checks, before the worker consumes, what no retry can mend: the login, the database, that
 * every migration in the migrations folder is recorded as applied, and that the account may
 * read, insert and update each table the worker writes. Throws StartupFaultError for those;
 * any other error (refused or timed-out connection, a server still starting) is rethrown as is,
 * for the caller to retry.
 */
export async function checkDatabaseAtStartup(orm: MikroORM, mysql: MysqlConfig): Promise<void> {
  const ctx = startupContext(orm, mysql);
  try {
    const available = migrationNames(await readdir(migrationsFolder(orm)));
    const executed = await executedMigrations(orm);
    const pending = pendingMigrations(available, executed);
    if (pending.length > 0) throw pendingMigrationsFault(pending, available.length, ctx);
    await probeWritePrivileges(orm);
  } catch (err) {
    throw startupFault(err, ctx) ?? err;
  }
}

function startupContext(orm: MikroORM, mysql: MysqlConfig): StartupContext {
  return {
    host: mysql.host,
    port: mysql.port,
    user: mysql.user,
    database: mysql.database,
    tables: tableEntities(orm).map((meta) => meta.tableName),
    migrationsTable: orm.config.get('migrations').tableName ?? 'mikro_orm_migrations',
  };
}

/** The metadata of each entity that has a table of its own. */
function tableEntities(orm: MikroORM): EntityMetadata[] {
  return Object.values(orm.getMetadata().getAll()).filter(
    (meta) => meta.tableName && !meta.embeddable && !meta.virtual && !meta.abstract,
  );
}

/**
 * The folder the migration CLI runs from: the TypeScript sources when this code runs as
 * TypeScript, the compiled ones (dist/) when it runs compiled, as in the image.
 */
function migrationsFolder(orm: MikroORM): string {
  const options = orm.config.get('migrations');
  const runningTs = __filename.endsWith('.ts');
  const folder = (runningTs ? options.pathTs : undefined) ?? options.path ?? 'migrations';
  return Utils.absolutePath(folder, orm.config.get('baseDir'));
}

/** Names recorded by the migrator; none when its table does not exist yet (never created here). */
async function executedMigrations(orm: MikroORM): Promise<string[]> {
  try {
    return await orm.getMigrator().getStorage().executed();
  } catch (err) {
    if (serverErrno(err) === ER_NO_SUCH_TABLE) return [];
    throw err;
  }
}

/**
 * EXPLAIN needs the privileges of the statement it explains and writes nothing, so each
 * entity table is probed for what the writers do (select, insert, update) without a row changing.
 */
async function probeWritePrivileges(orm: MikroORM): Promise<void> {
  const platform = orm.em.getPlatform();
  const connection = orm.em.getConnection();
  for (const meta of tableEntities(orm)) {
    const table = platform.quoteIdentifier(meta.tableName);
    const key = meta.primaryKeys[0];
    const column = platform.quoteIdentifier(
      (key && meta.properties[key]?.fieldNames[0]) ?? meta.props[0]?.fieldNames[0] ?? 'id',
    );
    await connection.execute(`explain select ${column} from ${table} where 1 = 0`);
    await connection.execute(`explain insert into ${table} select * from ${table} where 1 = 0`);
    await connection.execute(`explain update ${table} set ${column} = ${column} where 1 = 0`);
  }
}

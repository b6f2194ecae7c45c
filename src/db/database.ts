import { MikroORM } from '@mikro-orm/mysql';
import type { MysqlConfig } from '../config';
import { buildOrmOptions, type OrmEntities } from './orm-options';
import { PoolGuard } from './pool-guard';

/** The worker's ORM and how to close it without waiting on a server that does not answer. */
export interface Database {
  orm: MikroORM;
  /**
   * Closes the pool, giving statements in flight up to graceMs to end; then their connections are
   * destroyed (the server rolls their transactions back), so a hung server cannot hold the stop.
   */
  close(graceMs: number): Promise<void>;
}

/** Opens the ORM without touching the schema (the table comes from migrations, never from start-up). */
export async function openDatabase(mysql: MysqlConfig, entities: OrmEntities): Promise<Database> {
  const guard = new PoolGuard(mysql.connectionMaxAgeMs);
  const orm = await MikroORM.init(buildOrmOptions(mysql, { entities, connect: false }, guard));
  return {
    orm,
    async close(graceMs) {
      const timer = setTimeout(() => guard.destroyAll(), graceMs);
      try {
        await orm.close(true);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** True when a trivial query succeeds within the timeout (readiness must answer fast). */
export async function isDatabaseReachable(orm: MikroORM, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = orm.em
    .getConnection()
    .execute('select 1', [], 'get')
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

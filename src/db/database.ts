import { MikroORM } from '@mikro-orm/mysql';
import type { MysqlConfig } from '../config';
import { buildOrmOptions } from './orm-options';

/** Opens the ORM without touching the schema (the table comes from migrations, never from start-up). */
export async function openDatabase(mysql: MysqlConfig): Promise<MikroORM> {
  return MikroORM.init(buildOrmOptions(mysql, { connect: false }));
}

/** True when a trivial query succeeds (readiness). */
export async function isDatabaseReachable(orm: MikroORM): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('select 1', [], 'get');
    return true;
  } catch {
    return false;
  }
}

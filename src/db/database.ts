import { MikroORM } from '@mikro-orm/mysql';
import type { MysqlConfig } from '../config';
import { buildOrmOptions } from './orm-options';

/** Opens the ORM without touching the schema (the table comes from migrations, never from start-up). */
export async function openDatabase(mysql: MysqlConfig): Promise<MikroORM> {
  return MikroORM.init(buildOrmOptions(mysql, { connect: false }));
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

/** The bench's own database server: scripts/db.sh on a free loopback port, unless MYSQL_HOST names one. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../src/common/free-port';
import { projectRoot } from '../test/support/services';

/** Starts the server when MYSQL_HOST is unset and points the MYSQL_* variables at it; returns its stop. */
export async function startDatabase(): Promise<() => void> {
  if (process.env.MYSQL_HOST) return () => undefined;
  // MariaDB unless DB_ENGINE says otherwise: the README's figures were measured on it.
  const engine = process.env.DB_ENGINE ?? 'mariadb';
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DB_PORT: String(port),
    DB_DATA_DIR: join(projectRoot, '.tmp', `${engine}-bench-${port}`),
  };
  const script = join(projectRoot, 'scripts/db.sh');
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    spawnSync('bash', [script, engine, 'stop'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    spawnSync('rm', ['-rf', env.DB_DATA_DIR as string]);
  };
  const started = spawnSync('bash', [script, engine, 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (started.status !== 0) {
    stop();
    throw new Error(`scripts/db.sh ${engine} start failed (exit ${started.status ?? started.signal})`);
  }
  Object.assign(process.env, {
    MYSQL_HOST: '127.0.0.1',
    MYSQL_PORT: String(port),
    MYSQL_USER: 'analytics',
    MYSQL_PASSWORD: 'analytics123',
  });
  return stop;
}

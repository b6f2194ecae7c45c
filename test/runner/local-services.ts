import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DbEngine } from '../support/private-database';

/** A service this run started: the variables that point the tests at it, and how to stop it. */
export interface LocalService {
  readonly env: Record<string, string>;
  stop(): void;
}

function runScript(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(root, 'scripts', args[0] as string), ...args.slice(1)], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

function stopScript(root: string, args: string[], env: NodeJS.ProcessEnv): void {
  spawnSync('bash', [join(root, 'scripts', args[0] as string), ...args.slice(1)], { env, stdio: 'inherit' });
}

/**
 * Starts a service with its script; `onStarting` gets the stop function before the start
 * finishes, so a signal during start-up still stops it.
 */
async function startWith(
  root: string,
  script: string[],
  env: NodeJS.ProcessEnv,
  exported: Record<string, string>,
  onStarting: (stop: () => void) => void,
): Promise<LocalService> {
  const stop = (): void => stopScript(root, [...script.slice(0, -1), 'stop'], env);
  onStarting(stop);
  if ((await runScript(root, script, env)) !== 0) {
    stop();
    throw new Error(`${script.join(' ')} failed (see the lines above)`);
  }
  return { env: exported, stop };
}

/** The project's Kafka broker (scripts/kafka.sh) on the given ports, data under runDir. */
export function startKafka(
  root: string,
  runDir: string,
  ports: { broker: number; controller: number },
  onStarting: (stop: () => void) => void,
): Promise<LocalService> {
  const dataDir = join(runDir, `kafka-${ports.broker}`);
  const env = {
    ...process.env,
    KAFKA_PORT: String(ports.broker),
    KAFKA_CONTROLLER_PORT: String(ports.controller),
    KAFKA_DATA_DIR: dataDir,
  };
  return startWith(
    root,
    ['kafka.sh', 'start'],
    env,
    {
      KAFKA_BROKERS: `127.0.0.1:${ports.broker}`,
      TEST_KAFKA_DATA_DIR: dataDir,
      TEST_KAFKA_PORT: String(ports.broker),
      TEST_KAFKA_CONTROLLER_PORT: String(ports.controller),
    },
    onStarting,
  );
}

/** The project's own database server (scripts/db.sh) on the given port, data under runDir. */
export function startDatabase(
  root: string,
  runDir: string,
  engine: DbEngine,
  port: number,
  onStarting: (stop: () => void) => void,
): Promise<LocalService> {
  const env = { ...process.env, DB_PORT: String(port), DB_DATA_DIR: join(runDir, `${engine}-${port}`) };
  return startWith(
    root,
    ['db.sh', engine, 'start'],
    env,
    {
      MYSQL_HOST: '127.0.0.1',
      MYSQL_PORT: String(port),
      MYSQL_USER: 'analytics',
      MYSQL_PASSWORD: 'analytics123',
      TEST_DB_ENGINE: engine,
    },
    onStarting,
  );
}

/**
 * Stops whatever brokers and database servers are still running from data dirs under runDir
 * (private ones the tests had no chance to stop, e.g. after a signal), then deletes runDir.
 */
export function sweepRunDir(root: string, runDir: string): void {
  if (!existsSync(runDir)) return;
  for (const name of readdirSync(runDir)) {
    const dir = join(runDir, name);
    if (existsSync(join(dir, 'kafka.pid')))
      stopScript(root, ['kafka.sh', 'stop'], { ...process.env, KAFKA_DATA_DIR: dir });
    if (existsSync(join(dir, 'server.pid'))) {
      const engine = name.startsWith('mysql') ? 'mysql' : 'mariadb';
      stopScript(root, ['db.sh', engine, 'stop'], { ...process.env, DB_DATA_DIR: dir });
    }
  }
  rmSync(runDir, { recursive: true, force: true });
}

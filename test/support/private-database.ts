import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MysqlConfig } from '../../src/config';
import { freePort } from '../../src/common/free-port';
import { projectRoot, testTmpDir } from './services';

/** The two server kinds scripts/db.sh runs. */
export type DbEngine = 'mysql' | 'mariadb';

/** A database server of a test's own (register `stop` with collectCleanups()). */
export interface PrivateDatabase {
  /** Where it listens: 127.0.0.1, its port, analytics/analytics123, database `analytics`. */
  readonly server: MysqlConfig;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/** The engine of the current run: TEST_DB_ENGINE (set by the test runner per engine), else mariadb. */
export function testDbEngine(): DbEngine {
  const engine = process.env.TEST_DB_ENGINE ?? 'mariadb';
  if (engine !== 'mysql' && engine !== 'mariadb') {
    throw new Error(`TEST_DB_ENGINE must be mysql or mariadb, got "${engine}"`);
  }
  return engine;
}

function dbScript(engine: DbEngine, command: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(projectRoot, 'scripts/db.sh'), engine, command], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`db.sh ${engine} ${command} exited ${code}: ${output.slice(-2000)}`)),
    );
  });
}

/**
 * Starts a fresh server with scripts/db.sh on a free port, for tests that stop, restart or
 * reconfigure it (TLS, SQL modes) while the run's shared server serves the other test files.
 */
export async function startPrivateDatabase(
  opts: { engine?: DbEngine; extraArgs?: string[] } = {},
): Promise<PrivateDatabase> {
  const engine = opts.engine ?? testDbEngine();
  const port = await freePort();
  const dataDir = join(testTmpDir(), `${engine}-private-${port}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DB_PORT: String(port),
    DB_DATA_DIR: dataDir,
    DB_EXTRA_ARGS: (opts.extraArgs ?? []).join(' '),
  };
  try {
    await dbScript(engine, 'start', env);
  } catch (err) {
    await dbScript(engine, 'stop', env).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    server: {
      host: '127.0.0.1',
      port,
      user: 'analytics',
      password: 'analytics123',
      database: 'analytics',
      poolSize: 4,
    },
    async stop() {
      await dbScript(engine, 'stop', env);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `npm run demo`: the whole pipeline on one machine without Docker. Starts the project's Kafka
 * (scripts/kafka.sh), applies the migrations, runs the worker and a producer of sample events,
 * and prints a live line of events/s and row counts until Ctrl-C; then stops all it started.
 * Needs Java 17+. Without MYSQL_HOST it starts the project's own database server (scripts/db.sh,
 * MySQL 8.0, or DB_ENGINE=mariadb); with MYSQL_HOST it uses the server the MYSQL_* settings name.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MikroORM } from '@mikro-orm/mysql';
import { freePort } from '../common/free-port';
import { ConfigError, loadMysqlConfig } from '../config';
import { buildOrmOptions } from '../db/orm-options';
import { domainEntities } from '../domains';
import { describeError } from '../errors';

const root = resolve(__dirname, '../..');
const children: ChildProcess[] = [];
let kafkaEnv: NodeJS.ProcessEnv | undefined;
let dbStop: (() => void) | undefined;

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n`);
  cleanup();
  process.exit(1);
}

function cleanup(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  if (kafkaEnv) spawnSync('bash', [join(root, 'scripts/kafka.sh'), 'stop'], { env: kafkaEnv, stdio: 'inherit' });
  kafkaEnv = undefined;
  dbStop?.();
  dbStop = undefined;
}

/** Starts the project's own database server on a free port and points the MYSQL_* settings at it. */
async function startOwnDatabase(): Promise<void> {
  const engine = process.env.DB_ENGINE ?? 'mysql';
  const port = await freePort();
  const env = { ...process.env, DB_PORT: String(port), DB_DATA_DIR: join(root, '.tmp', `demo-${engine}-${port}`) };
  const script = (command: string): number =>
    spawnSync('setsid', ['-w', 'bash', join(root, 'scripts/db.sh'), engine, command], { env, stdio: 'inherit' })
      .status ?? 1;
  dbStop = () => {
    if (script('stop') === 0) rmSync(env.DB_DATA_DIR, { recursive: true, force: true });
  };
  if (script('start') !== 0) fail(`the project's ${engine} server did not start (see the lines above)`);
  Object.assign(process.env, {
    MYSQL_HOST: '127.0.0.1',
    MYSQL_PORT: String(port),
    MYSQL_USER: 'analytics',
    MYSQL_PASSWORD: 'analytics123',
    MYSQL_DATABASE: 'analytics',
  });
  process.stdout.write(
    `${engine} on 127.0.0.1:${port}: mysql -h127.0.0.1 -P${port} -uanalytics -panalytics123 analytics\n`,
  );
}

function startNode(script: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  children.push(child);
  return child;
}

async function main(): Promise<void> {
  // Until the pipeline runs, a signal stops whatever has started so far.
  const stopWhileStarting = (): void => {
    process.stdout.write('\nstopping…\n');
    cleanup();
    process.exit(130);
  };
  process.on('SIGINT', stopWhileStarting);
  process.on('SIGTERM', stopWhileStarting);
  if (spawnSync('java', ['-version']).status !== 0) {
    fail('Java 17+ is needed for the local Kafka broker: install it (e.g. apt-get install openjdk-17-jre-headless)');
  }
  if (!process.env.MYSQL_HOST) await startOwnDatabase();
  let mysql;
  try {
    mysql = loadMysqlConfig();
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : describeError(err));
  }
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(buildOrmOptions(mysql, { entities: domainEntities, migrations: { silent: true } }));
    await orm.em.getConnection().execute('select 1');
  } catch (err) {
    fail(
      `cannot reach MySQL at ${mysql.host}:${mysql.port} as ${mysql.user} (${describeError(err)}). ` +
        'Check MYSQL_HOST/MYSQL_PORT/MYSQL_USER/MYSQL_PASSWORD/MYSQL_DATABASE, or unset MYSQL_HOST ' +
        "to let the demo start the project's own server (scripts/db.sh)",
    );
  }

  const port = Number(process.env.KAFKA_PORT ?? (await freePort()));
  kafkaEnv = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(await freePort()) };
  // In its own session: Ctrl-C must not cut a start in half (the handler above stops it once it is up).
  const kafkaStart = spawnSync('setsid', ['-w', 'bash', join(root, 'scripts/kafka.sh'), 'start'], {
    env: kafkaEnv,
    stdio: 'inherit',
  });
  if (kafkaStart.status !== 0) {
    fail('the local Kafka broker did not start (see the lines above)');
  }
  await orm.getMigrator().up();
  process.stdout.write('migrations applied\n');

  const topic = process.env.KAFKA_TOPIC ?? 'user';
  const env = {
    ...process.env,
    KAFKA_BROKERS: `127.0.0.1:${port}`,
    KAFKA_TOPIC: topic,
    HTTP_PORT: String(await freePort()),
    EVENT_LOG_LEVEL: 'debug',
  };
  const logDir = join(root, '.tmp');
  mkdirSync(logDir, { recursive: true });
  startNode('src/main.ts', [], env, join(logDir, 'demo-worker.log'));
  startNode(
    'src/cli/produce.ts',
    ['--count', '10000000', '--users', '2000', '--rate', process.env.DEMO_RATE ?? '200'],
    env,
    join(logDir, 'demo-producer.log'),
  );
  process.stdout.write(
    `worker and producer running (logs in .tmp/demo-*.log; metrics on http://127.0.0.1:${env.HTTP_PORT}/metrics); Ctrl-C stops\n`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping…\n');
    void orm.close(true).finally(() => {
      cleanup();
      process.exit(0);
    });
  };
  process.off('SIGINT', stopWhileStarting);
  process.off('SIGTERM', stopWhileStarting);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  let previous = 0;
  const conn = orm.em.getConnection();
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    if (stopping) return;
    const dead = children.find((c) => c.exitCode !== null);
    if (dead) fail(`a child process exited (${dead.exitCode}); see .tmp/demo-*.log`);
    const applied = await appliedEvents(Number(env.HTTP_PORT));
    const [counts] = (await conn
      .execute('SELECT COUNT(*) AS total, COALESCE(SUM(deleted_at IS NOT NULL), 0) AS deleted FROM users')
      .catch(() => [])) as Array<{ total: number; deleted: number }>;
    process.stdout.write(
      `events applied/s: ${applied - previous} | rows: ${counts?.total ?? '?'} (deleted ${counts?.deleted ?? '?'})\n`,
    );
    previous = applied;
  }
}

/** Sum of worker_events_total{outcome="applied"} from the worker's metrics (0 until it answers). */
async function appliedEvents(httpPort: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('worker_events_total{') && line.includes('outcome="applied"'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  } catch {
    return 0;
  }
}

main().catch((err: unknown) => fail(describeError(err)));

/**
 * `npm test`: the unit tests once, then the integration suite once per database engine (MySQL 8.0
 * and MariaDB), each against the project's own server (scripts/db.sh) and broker (scripts/kafka.sh),
 * started here and always stopped, pass, fail or signal.
 *
 *   npm test                              unit + integration on mysql and on mariadb
 *   npm test -- --engine mysql            one engine only (or TEST_DB_ENGINE=mysql npm test)
 *   npm test -- --unit                    unit tests only (npm run test:unit)
 *   MYSQL_HOST=… [MYSQL_PORT=…] npm test  one integration run against that server instead
 *   KAFKA_BROKERS=… npm test              that broker instead of a fresh one
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from '../src/common/free-port';
import type { DbEngine } from './support/private-database';
import { startDatabase, startKafka, sweepRunDir, type LocalService } from './runner/local-services';
import { formatSummary, parseSummary, totalSummary, type RunSummary } from './runner/run-summary';

const root = resolve(__dirname, '..');
const ENGINES: readonly DbEngine[] = ['mysql', 'mariadb'];

interface Options {
  unitOnly: boolean;
  engine: DbEngine | undefined;
}

function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  let engine = env.TEST_DB_ENGINE || undefined;
  let unitOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--unit') unitOnly = true;
    else if (arg === '--engine') engine = argv[++i];
    else if (arg.startsWith('--engine=')) engine = arg.slice('--engine='.length);
    else throw new Error(`unknown argument "${arg}" (expected --unit or --engine mysql|mariadb)`);
  }
  if (engine !== undefined && !ENGINES.includes(engine as DbEngine)) {
    throw new Error(`the engine must be mysql or mariadb (--engine or TEST_DB_ENGINE), got "${engine}"`);
  }
  return { unitOnly, engine: engine as DbEngine | undefined };
}

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));
}

/** The engine behind a server someone else runs, so the tests' private servers match it. */
async function detectEngine(env: NodeJS.ProcessEnv): Promise<DbEngine> {
  const conn = await mysql.createConnection({
    host: env.MYSQL_HOST,
    port: Number(env.MYSQL_PORT ?? 3306),
    user: env.MYSQL_USER ?? 'analytics',
    password: env.MYSQL_PASSWORD ?? 'analytics123',
  });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0]?.v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

/** The state a signal handler needs: what runs now and what to stop, newest last. */
const running: { child?: ChildProcess; stops: Array<() => void> } = { stops: [] };

function stopAll(): void {
  for (const stop of running.stops.splice(0).reverse()) stop();
}

/** Runs node's test runner on the files, streaming its output and keeping the closing counters. */
function runTests(files: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; summary: RunSummary }> {
  return new Promise((done) => {
    // Its own process group, so a signal can stop the test files and the workers they spawned.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    running.child = child;
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-20_000);
    });
    child.on('exit', (code, signal) => {
      running.child = undefined;
      done({ code: code ?? (signal ? 1 : 0), summary: parseSummary(tail) });
    });
  });
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const runDir = join(root, '.tmp', `test-run-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  running.stops.push(() => sweepRunDir(root, runDir));
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    TEST_TMP_DIR: runDir,
    ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}),
  };
  const results: Array<{ label: string; code: number; seconds: number; summary: RunSummary }> = [];
  const run = async (label: string, files: string[], env: NodeJS.ProcessEnv): Promise<void> => {
    process.stdout.write(`\n==> ${label}\n`);
    const t0 = Date.now();
    const { code, summary } = await runTests(files, env);
    results.push({ label, code, seconds: Math.round((Date.now() - t0) / 1000), summary });
  };

  try {
    await run('unit tests', testFiles('test/unit'), base);
    if (!options.unitOnly) {
      const env = { ...base };
      if (!env.KAFKA_BROKERS) {
        const ports = { broker: await freePort(), controller: await freePort() };
        const kafka = await startKafka(root, runDir, ports, (stop) => running.stops.push(stop));
        Object.assign(env, kafka.env);
      }
      const integration = testFiles('test/integration');
      if (env.MYSQL_HOST) {
        const engine = options.engine ?? (await detectEngine(env).catch(() => 'mariadb' as const));
        await run(`integration tests on ${engine} at ${env.MYSQL_HOST}:${env.MYSQL_PORT ?? 3306}`, integration, {
          ...env,
          TEST_DB_ENGINE: engine,
        });
      } else {
        for (const engine of options.engine ? [options.engine] : ENGINES) {
          let db: LocalService | undefined;
          try {
            db = await startDatabase(root, runDir, engine, await freePort(), (stop) => running.stops.push(stop));
          } catch (err) {
            process.stderr.write(`${String(err)}\n`);
            results.push({ label: `integration tests on ${engine}`, code: 1, seconds: 0, summary: {} });
            continue;
          }
          await run(`integration tests on ${engine} (127.0.0.1:${db.env.MYSQL_PORT})`, integration, {
            ...env,
            ...db.env,
          });
          db.stop();
          running.stops.splice(running.stops.indexOf(db.stop), 1);
        }
      }
    }
  } finally {
    stopAll();
  }

  process.stdout.write('\n==> summary\n');
  for (const r of results) {
    const s = r.summary;
    process.stdout.write(
      `${r.code === 0 ? 'ok    ' : 'FAILED'} ${r.label}: pass ${s.pass ?? '?'}, fail ${s.fail ?? '?'}, ` +
        `${r.seconds}s${r.code === 0 ? '' : ` (exit ${r.code})`}\n`,
    );
  }
  process.stdout.write(formatSummary(totalSummary(results.map((r) => r.summary))));
  return results.every((r) => r.code === 0) ? 0 : 1;
}

let signalled = false;
function onSignal(signal: NodeJS.Signals): void {
  if (signalled) return;
  signalled = true;
  process.stderr.write(`\n${signal}: stopping the tests and every service this run started\n`);
  const child = running.child;
  const finish = (): never => {
    stopAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  if (!child?.pid) finish();
  const pgid = -(child?.pid as number);
  const kill = (s: NodeJS.Signals): void => {
    try {
      process.kill(pgid, s);
    } catch {
      // already gone
    }
  };
  kill('SIGTERM');
  const forced = setTimeout(() => kill('SIGKILL'), 5000);
  child?.once('exit', () => {
    clearTimeout(forced);
    finish();
  });
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    stopAll();
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

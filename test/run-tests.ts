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
// The longest file (its tests run one after another) starts first, the others share the second slot.
const START_FIRST = ['faults.test.ts'];

/**
 * Bounds that turn a hang into a failure. node 20's --test-timeout bounds each test FILE (its
 * process), not each test (nodejs/node#57656); the run bound kills whatever the file bound
 * cannot (a child that never exits). Sized for a loaded 2-core machine, several times the
 * longest file's usual time.
 */
interface Bounds {
  fileMs: number;
  runMs: number;
}
const UNIT_BOUNDS: Bounds = { fileMs: 2 * 60_000, runMs: 10 * 60_000 };
// Two engines and the unit run stay within CI's 90 minutes even when every bound is reached.
const INTEGRATION_BOUNDS: Bounds = { fileMs: 10 * 60_000, runMs: 30 * 60_000 };

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
  const rank = (f: string): number => (START_FIRST.includes(f) ? 0 : 1);
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.test.ts'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
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

/** Sends a signal to a detached child's whole process group (the test files and their workers). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // already gone
  }
}

/**
 * Runs node's test runner on the files, streaming its output and keeping the closing counters.
 * A run that outlasts its bound is stopped (its whole process group) and reported as failed.
 */
function runTests(
  files: string[],
  env: NodeJS.ProcessEnv,
  bounds: Bounds,
): Promise<{ code: number; summary: RunSummary; timedOut: boolean }> {
  return new Promise((done) => {
    // Its own process group, so a signal can stop the test files and the workers they spawned.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-concurrency=2',
        `--test-timeout=${bounds.fileMs}`,
        ...files,
      ],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    running.child = child;
    let tail = '';
    let timedOut = false;
    let forced: NodeJS.Timeout | undefined;
    const bound = setTimeout(() => {
      timedOut = true;
      process.stderr.write(`\nthe run exceeded its bound of ${bounds.runMs / 1000} s: stopping it\n`);
      signalGroup(child, 'SIGTERM');
      forced = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
    }, bounds.runMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-20_000);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(bound);
      clearTimeout(forced);
      // Whatever a killed file left behind (workers in the group) goes with it.
      if (timedOut) signalGroup(child, 'SIGKILL');
      running.child = undefined;
      done({ code: timedOut ? 1 : (code ?? (signal ? 1 : 0)), summary: parseSummary(tail), timedOut });
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
  const results: Array<{ label: string; code: number; seconds: number; summary: RunSummary; note?: string }> = [];
  const run = async (label: string, files: string[], env: NodeJS.ProcessEnv, bounds: Bounds): Promise<void> => {
    process.stdout.write(`\n==> ${label}\n`);
    const t0 = Date.now();
    const { code, summary, timedOut } = await runTests(files, env, bounds);
    const note = timedOut ? `stopped after the run bound of ${bounds.runMs / 1000} s` : undefined;
    results.push({ label, code, seconds: Math.round((Date.now() - t0) / 1000), summary, note });
  };

  try {
    await run('unit tests', testFiles('test/unit'), base, UNIT_BOUNDS);
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
        await run(
          `integration tests on ${engine} at ${env.MYSQL_HOST}:${env.MYSQL_PORT ?? 3306}`,
          integration,
          { ...env, TEST_DB_ENGINE: engine },
          INTEGRATION_BOUNDS,
        );
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
          await run(
            `integration tests on ${engine} (127.0.0.1:${db.env.MYSQL_PORT})`,
            integration,
            { ...env, ...db.env },
            INTEGRATION_BOUNDS,
          );
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
        `${r.seconds}s${r.code === 0 ? '' : ` (exit ${r.code})`}${r.note ? `, ${r.note}` : ''}\n`,
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
  const kill = (s: NodeJS.Signals): void => signalGroup(child as ChildProcess, s);
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

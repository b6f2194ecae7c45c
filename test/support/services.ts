import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { MysqlConfig } from '../../src/config';

/** The project root (where package.json lives). */
export const projectRoot = resolve(__dirname, '../..');

/** Where tests keep private brokers' and servers' data: the run's own dir, swept by `npm test`. */
export function testTmpDir(): string {
  return process.env.TEST_TMP_DIR ?? resolve(projectRoot, '.tmp');
}

/**
 * The MySQL server the tests use: the MYSQL_* variables that `npm test` exports for the server it
 * started (or that the caller set). No default server: a stray one would hide what a test needs.
 */
export function mysqlServer(database = 'analytics'): MysqlConfig {
  const host = process.env.MYSQL_HOST;
  if (!host) {
    throw new Error(
      'MYSQL_HOST is not set: run the tests with `npm test` (it starts its own servers), or start one with ' +
        '`DB_PORT=<port> bash scripts/db.sh mariadb start` and export MYSQL_HOST=127.0.0.1 MYSQL_PORT=<port>',
    );
  }
  return {
    host,
    // The protocol's standard port, as for the worker, when only a host is named.
    port: Number(process.env.MYSQL_PORT ?? 3306),
    user: process.env.MYSQL_USER ?? 'analytics',
    password: process.env.MYSQL_PASSWORD ?? 'analytics123',
    database,
    poolSize: 4,
  };
}

/** The broker list the test runner exported (it starts the project's broker when none is given). */
export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
}

/** A name no other test (or earlier run) uses: topics, groups and databases are per test. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/**
 * Polls until check() returns a value other than undefined/false, or fails with the last state.
 * The deadline holds even when a check never settles (a promise that never resolves, a hung
 * query): each check is raced against the time left.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await beforeDeadline(check, deadline);
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/** Runs check(), rejecting when the deadline passes first (the check itself is left to settle). */
async function beforeDeadline<T>(check: () => Promise<T> | T, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the check did not settle in time')), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([Promise.resolve().then(check), late]);
  } finally {
    clearTimeout(timer);
  }
}

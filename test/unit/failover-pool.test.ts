import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';
import { PoolGuard, type GuardedConnection } from '../../src/db/pool-guard';
import { classifyDbError, isConnectionFault, isReadOnlyError, StoppedError } from '../../src/errors';
import { retryForever } from '../../src/pipeline/retry';

type Answer = { errno?: number; code?: string } | null;

/** A stand-in for a mysql2 connection whose queries get the answer the test sets. */
function fakeConnection(answer: () => Answer): GuardedConnection & { destroyedWith?: Error } {
  const stream = Object.assign(new EventEmitter(), {
    destroy(err?: Error) {
      conn.destroyedWith = err;
      stream.emit('close');
    },
  });
  const conn: GuardedConnection & { destroyedWith?: Error } = {
    stream,
    query: (...args: unknown[]) => (args[args.length - 1] as (err: Answer) => void)(answer()),
  };
  return conn;
}

const query = (conn: GuardedConnection): Promise<unknown> =>
  new Promise((resolve) => conn.query('insert …', [], (err: unknown) => resolve(err)));

describe('PoolGuard: connections fit for a failover', () => {
  it('a read-only answer retires every connection opened so far; later ones are handed out', async () => {
    const guard = new PoolGuard(undefined);
    const { validate } = guard.poolSettings();
    let answer: Answer = null;
    const a = fakeConnection(() => answer);
    const b = fakeConnection(() => answer);
    guard.adopt(a);
    guard.adopt(b);
    assert.equal(await query(a), null);
    assert.ok(validate(a) && validate(b), 'healthy connections are reused');

    answer = { errno: 1290, code: 'ER_OPTION_PREVENTS_STATEMENT' };
    assert.deepEqual(await query(a), answer, 'the error still reaches the caller');
    assert.ok(!validate(a) && !validate(b), 'both reach the old primary: neither is handed out again');

    answer = null;
    const c = fakeConnection(() => answer);
    guard.adopt(c);
    assert.ok(validate(c), 'a new connection (MYSQL_HOST resolved again) is');
  });

  it('other errors (a rejected row, a deadlock) keep the connection', async () => {
    const guard = new PoolGuard(undefined);
    for (const errno of [1406, 1213, 1062]) {
      const conn = fakeConnection(() => ({ errno }));
      guard.adopt(conn);
      await query(conn);
      assert.ok(guard.poolSettings().validate(conn), `errno ${errno}`);
    }
  });

  it('a connection-level fault discards that connection only', async () => {
    const guard = new PoolGuard(undefined);
    const lost = fakeConnection(() => ({ errno: 2013, code: 'PROTOCOL_CONNECTION_LOST' }));
    const healthy = fakeConnection(() => null);
    guard.adopt(lost);
    guard.adopt(healthy);
    await query(lost);
    await query(healthy);
    const { validate } = guard.poolSettings();
    assert.ok(!validate(lost), 'the lost connection is not handed out again');
    assert.ok(validate(healthy), 'the others are');
  });

  it('bounds the age of connections through knex, with jitter; no bound when none is configured', () => {
    assert.deepEqual(
      { ...new PoolGuard(300_000).poolSettings(), validate: undefined },
      { validate: undefined, maxConnectionLifetimeMillis: 300_000, maxConnectionLifetimeJitterMillis: 30_000 },
    );
    assert.equal(new PoolGuard(undefined).poolSettings().maxConnectionLifetimeMillis, undefined);
  });

  it('destroyAll() destroys every open socket with a fatal error, once', () => {
    const guard = new PoolGuard(undefined);
    const conns = [fakeConnection(() => null), fakeConnection(() => null)];
    for (const conn of conns) guard.adopt(conn);
    guard.destroyAll();
    for (const conn of conns) {
      assert.equal((conn.destroyedWith as Error & { fatal?: boolean }).fatal, true);
    }
    conns.forEach((conn) => (conn.destroyedWith = undefined));
    guard.destroyAll();
    assert.ok(
      conns.every((conn) => conn.destroyedWith === undefined),
      'closed sockets are forgotten',
    );
  });
});

describe('read-only and connection faults', () => {
  it('read-only answers (1290, 1792, 1836) are transient: retried, never dead-lettered', () => {
    for (const errno of [1290, 1792, 1836]) {
      const err = Object.assign(new Error('wrapped'), { cause: { errno, sqlState: 'HY000' } });
      assert.ok(isReadOnlyError(err), `${errno}`);
      assert.ok(isConnectionFault(err), `${errno}`);
      assert.equal(classifyDbError(err), 'transient', `${errno}`);
    }
  });

  it('tells connection faults from statement faults', () => {
    for (const err of [{ code: 'ECONNREFUSED', errno: -111 }, { code: 'PROTOCOL_CONNECTION_LOST' }, { errno: 2013 }]) {
      assert.ok(isConnectionFault(err), JSON.stringify(err));
      assert.ok(!isReadOnlyError(err), JSON.stringify(err));
    }
    for (const err of [{ errno: 1213 }, { errno: 1205 }, { errno: 1406 }, new Error('bug'), undefined]) {
      assert.ok(!isConnectionFault(err), JSON.stringify(err));
    }
  });

  it('retryForever waits at most 2 s after a read-only or connection fault, the policy otherwise', async () => {
    const firstDelay = async (err: unknown): Promise<number> => {
      let delay = -1;
      await assert.rejects(
        retryForever(
          () => Promise.reject(err),
          { initialDelayMs: 60_000, maxDelayMs: 120_000 },
          {
            isStopping: () => delay >= 0,
            isRetryable: () => true,
            onRetry: (_err, _attempt, delayMs) => void (delay = delayMs),
          },
        ),
        StoppedError,
      );
      return delay;
    };
    for (const err of [{ errno: 1290 }, { errno: 1836 }, { code: 'ECONNRESET' }]) {
      const delay = await firstDelay(err);
      assert.ok(delay >= 1000 && delay <= 2000, `${JSON.stringify(err)}: ${delay}`);
    }
    const deadlock = await firstDelay({ errno: 1213 });
    assert.ok(deadlock >= 30_000 && deadlock <= 60_000, `deadlock: ${deadlock}`);
  });
});

describe('MYSQL_CONNECTION_MAX_AGE_MS', () => {
  it('defaults to five minutes and names itself when invalid', () => {
    assert.equal(loadConfig({}).mysql.connectionMaxAgeMs, 300_000);
    assert.equal(loadConfig({ MYSQL_CONNECTION_MAX_AGE_MS: '60000' }).mysql.connectionMaxAgeMs, 60_000);
    assert.throws(
      () => loadConfig({ MYSQL_CONNECTION_MAX_AGE_MS: '10' }),
      (err: unknown) => err instanceof ConfigError && /MYSQL_CONNECTION_MAX_AGE_MS/.test(err.message),
    );
  });
});

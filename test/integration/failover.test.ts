import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { MysqlConfig } from '../../src/config';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { startPrivateDatabase, testDbEngine, type DbEngine } from '../support/private-database';
import { projectRoot, uniqueName, waitFor } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { createTopic, produce, recordCount, waitForCaughtUp } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';
import { readyz } from '../support/ops-http';

const run = promisify(execFile);
const DATABASE = uniqueName('failover').replace(/-/g, '_').slice(0, 60);
// The worker's account has privileges on its database only (no SUPER): read_only applies to it,
// as it does to an application account on a managed database.
const ACCOUNT = { user: 'failover_worker', password: `fw-${randomBytes(9).toString('hex')}` };

/** One server of the failover pair: an admin connection and the worker's account on it. */
interface Server {
  engine: DbEngine;
  admin: mysql.Connection;
  config: MysqlConfig;
}

/** Starts a private server, creates the worker's database and account, and migrates it with the CLI. */
async function startServer(engine: DbEngine, cleanup: ReturnType<typeof collectCleanups>): Promise<Server> {
  const db = await startPrivateDatabase({ engine });
  cleanup(() => db.stop());
  const { host, port, user, password } = db.server;
  const admin = await mysql.createConnection({ host, port, user, password, dateStrings: true, timezone: 'Z' });
  cleanup(() => admin.end());
  await admin.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query("CREATE USER ?@'%' IDENTIFIED BY ?", [ACCOUNT.user, ACCOUNT.password]);
  await admin.query(`GRANT ALL ON \`${DATABASE}\`.* TO ?@'%'`, [ACCOUNT.user]);
  const config: MysqlConfig = { ...db.server, ...ACCOUNT, database: DATABASE };
  await run('npx', ['mikro-orm', 'migration:up'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      MYSQL_HOST: host,
      MYSQL_PORT: String(port),
      MYSQL_USER: ACCOUNT.user,
      MYSQL_PASSWORD: ACCOUNT.password,
      MYSQL_DATABASE: DATABASE,
      FORCE_COLOR: '0',
    },
  });
  return { engine, admin, config };
}

async function users(server: Server): Promise<unknown[]> {
  const [rows] = await server.admin.query(`SELECT * FROM \`${DATABASE}\`.users ORDER BY user_id`);
  return rows as unknown[];
}

const created = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const id = userId(from + i);
    return { key: id, value: userUpsertEvent('user.created', id, { displayName: `User ${from + i}` }) };
  });

describe('failover: the endpoint moves to a new primary, the old one turns read-only (spec §8)', () => {
  const cleanup = collectCleanups();
  let primary: Server;
  let successor: Server;

  before(async () => {
    const engine = testDbEngine();
    // The new primary is of the other engine: the worker must not depend on either one's quirks.
    [primary, successor] = await Promise.all([
      startServer(engine, cleanup),
      startServer(engine === 'mysql' ? 'mariadb' : 'mysql', cleanup),
    ]);
  });

  it('writes resume on the new primary within seconds, with no restart, and /readyz is green again', async (t) => {
    const proxy = await TcpProxy.start({ host: primary.config.host, port: primary.config.port });
    cleanup(() => proxy.close());
    const topic = await createTopic('failover', 1);
    const groupId = uniqueName('failover-group');
    const first = created(1, 300);
    await produce(topic, first);
    const worker = WorkerProcess.start({
      mysql: { ...primary.config, host: '127.0.0.1', port: proxy.port },
      topic,
      groupId,
      dlqTopic: `${topic}.dlq`,
      // The production backoff: a read-only server must not leave the worker asleep behind a new primary.
      env: { LOG_LEVEL: 'info', RETRY_MAX_DELAY_MS: '30000', RETRY_INITIAL_DELAY_MS: '200' },
    });
    cleanup(() => worker.stop('SIGKILL'));
    const httpPort = Number((await worker.waitForLog(/http server listening/)).port);
    await waitForCaughtUp(groupId, topic, 60_000);
    const expectedBefore = new UserTableModel().applyEvents(first.map((e) => e.value)).table();
    assert.deepEqual(await users(primary), expectedBefore);

    // The old primary turns read-only while the endpoint still points at it (DNS not yet moved).
    await primary.admin.query('SET GLOBAL read_only = ON');
    cleanup(() => primary.admin.query('SET GLOBAL read_only = OFF'));
    const second = created(1001, 200);
    await produce(topic, second);
    // Long enough for the production backoff to grow past half a minute without the cap.
    const eighth = await worker.waitForLog(/write failed; retrying/, 60_000).then(() =>
      waitFor(
        'the 8th attempt on the read-only server',
        () => {
          worker.assertRunning();
          return worker.messages(/write failed; retrying/).find((l) => Number(l.attempt) >= 8);
        },
        60_000,
      ),
    );
    assert.match(String(eighth.err), /errno 1290/);
    assert.equal((await readyz(httpPort)).status, 503, 'not ready while writes fail');

    proxy.retarget({ host: successor.config.host, port: successor.config.port });
    const movedAt = Date.now();
    const expectedAfter = new UserTableModel().applyEvents(second.map((e) => e.value)).table();
    await waitFor(
      'the new events on the new primary',
      async () => {
        worker.assertRunning();
        return (await users(successor)).length === expectedAfter.length;
      },
      30_000,
      100,
    );
    const resumedMs = Date.now() - movedAt;
    t.diagnostic(`writes resumed ${resumedMs} ms after the endpoint moved`);
    assert.ok(resumedMs < 12_000, `writes resumed ${resumedMs} ms after the endpoint moved`);
    await waitForCaughtUp(groupId, topic, 30_000);
    assert.deepEqual(await users(successor), expectedAfter, 'the new primary has exactly the new events');
    assert.deepEqual(await users(primary), expectedBefore, 'nothing more on the read-only server');
    await waitFor('/readyz green again', async () => (await readyz(httpPort)).status === 200, 20_000, 250);

    assert.equal(worker.messages(/^worker started$/).length, 1, 'no restart');
    assert.equal(
      await recordCount(`${topic}.dlq`),
      0,
      'a read-only server is an outage, never a reason to dead-letter',
    );
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });
});

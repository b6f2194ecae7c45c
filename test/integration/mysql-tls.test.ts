import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { MysqlConfig } from '../../src/config';
import { collectCleanups } from '../support/cleanups';
import { startPrivateDatabase, type PrivateDatabase } from '../support/private-database';
import { assertNoSecretIn } from '../support/secret-pieces';
import { projectRoot, uniqueName } from '../support/services';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

const PASSWORD = `mysql-${randomBytes(9).toString('hex')}`;
const WORKER_USER = 'tls_worker';

describe('MySQL over TLS (own server started with a certificate, worker account REQUIRE SSL)', () => {
  const cleanup = collectCleanups();
  let certs: TestCertificates;
  let server: PrivateDatabase;
  let admin: mysql.Connection;
  let account: MysqlConfig;

  before(async () => {
    certs = makeTestCertificates();
    server = await startPrivateDatabase({
      extraArgs: [`--ssl-ca=${certs.caFile}`, `--ssl-cert=${certs.serverCertFile}`, `--ssl-key=${certs.serverKeyFile}`],
    });
    const { host, port, user, password } = server.server;
    admin = await mysql.createConnection({ host, port, user, password, dateStrings: true });
    await admin.query("CREATE USER ?@'%' IDENTIFIED BY ? REQUIRE SSL", [WORKER_USER, PASSWORD]);
    await admin.query(`GRANT ALL ON \`${server.server.database}\`.* TO ?@'%'`, [WORKER_USER]);
    account = { ...server.server, user: WORKER_USER, password: PASSWORD };
  });
  after(async () => {
    await admin?.end();
    await server?.stop();
    certs?.remove();
  });

  const mysqlEnv = (tls: Record<string, string>): Record<string, string> => ({
    MYSQL_HOST: account.host,
    MYSQL_PORT: String(account.port),
    MYSQL_USER: account.user,
    MYSQL_PASSWORD: account.password,
    MYSQL_DATABASE: account.database,
    ...tls,
  });
  const verifyCa = (ca: string) => ({ MYSQL_SSL_MODE: 'verify-ca', MYSQL_SSL_CA_FILE: ca });

  function migrationUp(tls: Record<string, string>): { status: number | null; out: string } {
    const r = spawnSync('npx', ['mikro-orm', 'migration:up'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, ...mysqlEnv(tls), FORCE_COLOR: '0' },
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }

  it('`npx mikro-orm migration:up` runs over TLS; the same account without TLS is refused', async () => {
    const plain = migrationUp({});
    assert.notEqual(plain.status, 0, 'REQUIRE SSL refuses a plain connection');
    assert.match(plain.out, /Access denied/);

    const up = migrationUp(verifyCa(certs.caFile));
    assert.equal(up.status, 0, up.out);
    const [tables] = await admin.query(`SHOW TABLES FROM \`${server.server.database}\` LIKE 'users'`);
    assert.equal((tables as unknown[]).length, 1);
    assertNoSecretIn(plain.out + up.out, [PASSWORD], 'the CLI output');
  });

  for (const mode of ['verify-ca', 'verify-identity'] as const) {
    it(`the worker applies events over TLS (${mode})`, async () => {
      const topic = await createTopic(`mysql-tls-${mode}`);
      const groupId = uniqueName('mysql-tls');
      const ids = [1, 2, 3].map((n) => userId((mode === 'verify-ca' ? 7000 : 8000) + n));
      await produce(
        topic,
        ids.map((id) => ({ key: id, value: userUpsertEvent('user.created', id, { displayName: mode }) })),
      );
      const worker = WorkerProcess.start({
        // The certificate names 127.0.0.1 and localhost; verify-identity checks a host name.
        mysql: mode === 'verify-identity' ? { ...account, host: 'localhost' } : account,
        topic,
        groupId,
        dlqTopic: `${topic}.dlq`,
        env: { MYSQL_SSL_MODE: mode, MYSQL_SSL_CA_FILE: certs.caFile },
      });
      cleanup(() => worker.stop('SIGKILL'));
      await waitForCaughtUp(groupId, topic);
      const [rows] = await admin.query(
        `SELECT user_id, display_name FROM \`${server.server.database}\`.users WHERE user_id IN (?) ORDER BY user_id`,
        [ids],
      );
      assert.deepEqual(
        rows,
        ids.map((id) => ({ user_id: id, display_name: mode })),
      );
      assert.equal((await worker.stop('SIGTERM')).code, 0);
      assertNoSecretIn(worker.stdout + worker.stderr, [PASSWORD], 'the worker output');
    });
  }

  it('a worker trusting another CA is refused at start-up, naming the cause', async () => {
    const topic = await createTopic('mysql-tls-wrong-ca');
    const worker = WorkerProcess.start({
      mysql: account,
      topic,
      groupId: uniqueName('mysql-tls-wrong-ca'),
      dlqTopic: `${topic}.dlq`,
      env: verifyCa(certs.otherCaFile),
    });
    cleanup(() => worker.stop('SIGKILL'));
    const exit = await Promise.race([worker.exited, new Promise((r) => setTimeout(() => r(null), 30_000))]);
    assert.ok(exit !== null, `still running after 30 s: ${worker.stdout.slice(-1000)}`);
    assert.notEqual((exit as { code: number | null }).code, 0);
    assert.match(worker.stdout, /MySQL TLS handshake with .* failed \(.*certificate.*\); check MYSQL_SSL_CA_FILE/);
    assert.equal(worker.messages(/^worker started$/).length, 0);
    assertNoSecretIn(worker.stdout + worker.stderr, [PASSWORD], 'the worker output');
  });
});

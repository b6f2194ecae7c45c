import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { assertNoSecretIn } from '../support/secret-pieces';
import { startSecuredBroker, type SaslUser, type SecuredBroker } from '../support/secured-broker';
import { projectRoot, uniqueName } from '../support/services';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';
import { TestDatabase } from '../support/test-database';
import { headerText, TestKafka } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

const secret = (name: string): string => `${name}-${randomBytes(9).toString('hex')}`;
const USERS: SaslUser[] = [
  { mechanism: 'plain', username: 'plain-user', password: secret('plain') },
  { mechanism: 'scram-sha-256', username: 'scram256-user', password: secret('scram256') },
  { mechanism: 'scram-sha-512', username: 'scram512-user', password: secret('scram512') },
];
const WRONG_PASSWORD = secret('wrong');
const MYSQL_PASSWORD = secret('mysql');
const SECRETS = [...USERS.map((u) => u.password), WRONG_PASSWORD, MYSQL_PASSWORD];

describe('Kafka over TLS with SASL (broker with a SASL_SSL listener, certificates made by the test)', () => {
  const cleanup = collectCleanups();
  let certs: TestCertificates;
  let secured: SecuredBroker;
  let admin: TestKafka;
  let db: TestDatabase;
  let mysqlUser: string;

  before(async () => {
    certs = makeTestCertificates();
    secured = startSecuredBroker('sasl', certs, USERS);
    admin = new TestKafka([secured.broker.brokers]);
    db = await TestDatabase.create('kafka_tls');
    // The worker's own account, with a password planted to be looked for in every output.
    mysqlUser = uniqueName('w').slice(0, 30);
    await db.query("CREATE USER ?@'%' IDENTIFIED BY ?", [mysqlUser, MYSQL_PASSWORD]);
    await db.query(`GRANT ALL ON \`${db.config.database}\`.* TO ?@'%'`, [mysqlUser]);
  });
  after(async () => {
    await db.query("DROP USER IF EXISTS ?@'%'", [mysqlUser]).catch(() => undefined);
    await db.drop();
    secured.broker.dispose();
    certs.remove();
  });

  /** The worker's environment for the SASL_SSL listener as `user`. */
  function securedEnv(user: SaslUser, overrides: Record<string, string> = {}): Record<string, string> {
    return {
      KAFKA_BROKERS: secured.secured,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: certs.caFile,
      KAFKA_SASL_MECHANISM: user.mechanism,
      KAFKA_SASL_USERNAME: user.username,
      KAFKA_SASL_PASSWORD: user.password,
      ...overrides,
    };
  }

  function startWorker(topic: string, env: Record<string, string>): WorkerProcess {
    const worker = WorkerProcess.start({
      mysql: { ...db.config, user: mysqlUser, password: MYSQL_PASSWORD },
      topic,
      groupId: uniqueName('tls-group'),
      dlqTopic: `${topic}.dlq`,
      env,
    });
    cleanup(() => worker.stop('SIGKILL'));
    return worker;
  }

  for (const [n, user] of USERS.entries()) {
    it(`applies events and writes dead letters with SASL ${user.mechanism} over TLS`, async () => {
      const topic = await admin.createTopic(`tls-${user.mechanism}`);
      const ids = [1, 2, 3].map((i) => userId(100 * (n + 1) + i));
      await admin.produce(topic, [
        ...ids.map((id) => ({ key: id, value: userUpsertEvent('user.created', id, { displayName: user.mechanism }) })),
        { key: 'broken', value: '{"event_type": "user.created", ' },
      ]);
      const worker = startWorker(topic, securedEnv(user));
      await worker.waitForLog(/^worker started$/);

      let cliOutput = '';
      if (user.mechanism === 'plain') {
        // `npm run produce` takes the same settings: one more user through the SASL_SSL listener.
        const produced = spawnSync(
          process.execPath,
          ['--import', 'tsx', 'src/cli/produce.ts', '--sample', 'created', '--id', userId(999), '--name', 'From CLI'],
          { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, ...securedEnv(user), KAFKA_TOPIC: topic } },
        );
        cliOutput = `${produced.stdout}${produced.stderr}`;
        assert.equal(produced.status, 0, cliOutput);
        ids.push(userId(999));
      }

      const groupId = worker.logs.find((l) => l.msg === 'worker started')?.groupId as string;
      await admin.waitForCaughtUp(groupId, topic);
      const rows = await db.query('SELECT user_id, display_name FROM users WHERE user_id IN (?) ORDER BY user_id', [
        ids,
      ]);
      assert.deepEqual(
        rows.map((r) => r.user_id),
        [...ids].sort(),
      );
      const [deadLetter] = await admin.readTopic(`${topic}.dlq`, 1);
      assert.equal(headerText(deadLetter!, 'dlq.reason'), 'invalid_json');
      assert.equal((await worker.stop('SIGTERM')).code, 0);
      if (user.mechanism === 'scram-sha-512') {
        // `npm run dlq:redrive` takes the same settings: it reads the dead letter through SASL_SSL.
        const redrive = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/dlq-redrive.ts', '--dry-run'], {
          cwd: projectRoot,
          encoding: 'utf8',
          env: { ...process.env, ...securedEnv(user), KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: `${topic}.dlq` },
        });
        cliOutput = `${redrive.stdout}${redrive.stderr}`;
        assert.equal(redrive.status, 0, cliOutput);
        assert.match(redrive.stdout, /would redrive: 1 \{"invalid_json":1\}.*dead letters read: 1/);
      }
      assertNoSecretIn(`${worker.stdout}${worker.stderr}${cliOutput}`, SECRETS, 'the output');
    });
  }

  it('connects with a client certificate to a listener that requires one (no SASL)', async () => {
    const topic = await admin.createTopic('tls-client-cert');
    const id = userId(777);
    await admin.produce(topic, [{ key: id, value: userUpsertEvent('user.created', id, { displayName: 'mTLS' }) }]);
    const worker = startWorker(topic, {
      KAFKA_BROKERS: secured.mutualTls,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: certs.caFile,
      KAFKA_SSL_CERT_FILE: certs.clientCertFile,
      KAFKA_SSL_KEY_FILE: certs.clientKeyFile,
    });
    await worker.waitForLog(/^worker started$/);
    const groupId = worker.logs.find((l) => l.msg === 'worker started')?.groupId as string;
    await admin.waitForCaughtUp(groupId, topic);
    const rows = await db.query('SELECT display_name FROM users WHERE user_id = ?', [id]);
    assert.deepEqual(rows, [{ display_name: 'mTLS' }]);
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it('ends start-up on a wrong SASL password, naming the cause, without the password', async () => {
    const user = USERS[1]!;
    const topic = await admin.createTopic('tls-wrong-password');
    const worker = startWorker(topic, securedEnv(user, { KAFKA_SASL_PASSWORD: WRONG_PASSWORD }));
    const exit = await worker.exited;
    assert.notEqual(exit.code, 0);
    assert.match(worker.stdout, /SASL SCRAM SHA256 authentication failed/);
    assert.equal(worker.messages(/^worker started$/).length, 0);
    assertNoSecretIn(`${worker.stdout}${worker.stderr}`, SECRETS, 'the output');
  });

  it('ends start-up when the broker certificate is not signed by the configured CA', async () => {
    const topic = await admin.createTopic('tls-untrusted');
    const started = Date.now();
    const worker = startWorker(topic, securedEnv(USERS[0]!, { KAFKA_SSL_CA_FILE: certs.otherCaFile }));
    const exit = await worker.exited;
    assert.notEqual(exit.code, 0);
    assert.match(
      worker.stdout,
      /Kafka broker certificate not trusted: .*UNABLE_TO_VERIFY_LEAF_SIGNATURE.*KAFKA_SSL_CA_FILE/,
    );
    assert.ok(Date.now() - started < 30_000, 'at start-up, not after a minute of retries');
    assertNoSecretIn(`${worker.stdout}${worker.stderr}`, SECRETS, 'the output');
  });
});

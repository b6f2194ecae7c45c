import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userEventStream } from '../support/event-stream';
import { UserTableModel } from '../support/expected-table';
import { PrivateBroker } from '../support/private-broker';
import { uniqueName, waitFor } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { TestDatabase } from '../support/test-database';
import { committedOffsets, createTopic, produce, recordCount, TestKafka, waitForCaughtUp } from '../support/test-kafka';
import { WorkerProcess, type WorkerSettings } from '../support/worker-process';
import { collectCleanups } from '../support/cleanups';

/** A topic filled with a realistic stream, its expected table, a database and a group. */
async function scenario(prefix: string, users: number, partitions = 4) {
  const db = await TestDatabase.create(prefix);
  const topic = await createTopic(prefix, partitions);
  const stream = userEventStream(users, users);
  await produce(topic, stream);
  const expected = new UserTableModel().applyEvents(stream.map((e) => e.value)).table();
  const settings: WorkerSettings = {
    mysql: db.config,
    topic,
    groupId: uniqueName(`${prefix}-group`),
    dlqTopic: `${topic}.dlq`,
    env: { EVENT_LOG_LEVEL: 'debug', LOG_LEVEL: 'info', KAFKA_SESSION_TIMEOUT_MS: '6000' },
  };
  return { db, topic, stream, expected, settings };
}

/** Waits until the table has at least `n` rows, failing at once if a worker died. */
async function waitForRows(db: TestDatabase, n: number, ...workers: WorkerProcess[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await rowCount(db)) < n) {
    for (const w of workers) w.assertRunning();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} rows (have ${await rowCount(db)})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rowCount(db: TestDatabase): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
  return Number(row?.n ?? 0);
}

/** The dead-letter topic holds nothing (or does not exist); a failure to read it fails the test. */
async function assertDlqEmpty(dlqTopic: string): Promise<void> {
  assert.equal(await recordCount(dlqTopic), 0, 'no dead letters');
}

describe('faults: nothing lost, nothing stuck (spec §5, §8)', () => {
  const cleanup = collectCleanups();

  it('rides out a database outage of over 10 s: no commit, no dead letter, resumes by itself', async () => {
    const s = await scenario('dbdown', 2500);
    cleanup(() => s.db.drop());
    const proxy = await TcpProxy.start({ host: s.db.config.host, port: s.db.config.port });
    cleanup(() => proxy.close());
    const worker = WorkerProcess.start({
      ...s.settings,
      mysql: { ...s.db.config, host: '127.0.0.1', port: proxy.port },
      env: { ...s.settings.env, WRITE_CHUNK_SIZE: '50', KAFKA_PARTITIONS_CONCURRENCY: '1' },
    });
    cleanup(() => worker.stop('SIGKILL'));

    await waitForRows(s.db, 200, worker);
    const cutAt = worker.mark();
    await proxy.cut();
    // One partition at a time: once its chunk has failed, nothing more is written or committed.
    await worker.waitForLog(/write failed; retrying/, 30_000, { after: cutAt });
    const tableAtCut = await s.db.users();
    const committedAtCut = await committedOffsets(s.settings.groupId, s.topic);
    await new Promise((r) => setTimeout(r, 10_000)); // the outage under test: over 10 s
    assert.deepEqual(
      await committedOffsets(s.settings.groupId, s.topic),
      committedAtCut,
      'nothing committed while down',
    );
    assert.deepEqual(await s.db.users(), tableAtCut, 'nothing written while down');
    const retries = worker.messages(/failed; retrying/, cutAt).length;
    assert.ok(retries > 0, 'the worker retried');
    assert.ok(retries < 100, `backoff, not spinning (${retries} retries in 10 s)`);
    assert.ok(tableAtCut.length < s.expected.length, 'the outage happened mid-stream');

    await proxy.restore();
    await waitForCaughtUp(s.settings.groupId, s.topic, 120_000);
    assert.deepEqual(await s.db.users(), s.expected);
    await assertDlqEmpty(s.settings.dlqTopic);
    assert.equal(worker.messages(/consumer crashed/).length, 0);
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it('loses nothing when killed with SIGKILL at three random moments during 20,000 events', async () => {
    const s = await scenario('sigkill', 5400);
    cleanup(() => s.db.drop());
    assert.ok(s.stream.length >= 20_000, `stream has ${s.stream.length} events`);
    const marks = [0.15, 0.45, 0.75].map((f) => Math.floor(s.expected.length * (f + Math.random() * 0.1)));
    for (const mark of marks) {
      const worker = WorkerProcess.start(s.settings);
      cleanup(() => worker.stop('SIGKILL'));
      await waitForRows(s.db, mark, worker);
      const exit = await worker.stop('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL');
    }
    const last = WorkerProcess.start(s.settings);
    cleanup(() => last.stop('SIGKILL'));
    await waitForCaughtUp(s.settings.groupId, s.topic, 180_000);
    assert.deepEqual(await s.db.users(), s.expected);
    await assertDlqEmpty(s.settings.dlqTopic);
    assert.equal((await last.stop('SIGTERM')).code, 0);
  });

  it('lets the surviving worker of a group finish when the other is killed', async () => {
    const s = await scenario('pair', 4000);
    cleanup(() => s.db.drop());
    const env = { ...s.settings.env, WRITE_CHUNK_SIZE: '100', KAFKA_PARTITIONS_CONCURRENCY: '1' };
    const a = WorkerProcess.start({ ...s.settings, env });
    const b = WorkerProcess.start({ ...s.settings, env });
    cleanup(
      () => a.stop('SIGKILL'),
      () => b.stop('SIGKILL'),
    );
    await waitFor(
      'both workers writing',
      () => a.messages(/worker started/).length > 0 && b.messages(/worker started/).length > 0,
    );
    await waitForRows(s.db, 1000, a, b);
    await a.stop('SIGKILL');
    await waitForCaughtUp(s.settings.groupId, s.topic, 180_000);
    assert.deepEqual(await s.db.users(), s.expected);
    await assertDlqEmpty(s.settings.dlqTopic);
    assert.equal((await b.stop('SIGTERM')).code, 0);
  });

  it('exits 0 within the bound on SIGTERM under load, and a restart ends with the correct table', async () => {
    const s = await scenario('sigterm', 5000);
    cleanup(() => s.db.drop());
    const worker = WorkerProcess.start({ ...s.settings, env: { ...s.settings.env, SHUTDOWN_TIMEOUT_MS: '10000' } });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForRows(s.db, 2000, worker);
    const started = Date.now();
    const exit = await worker.stop('SIGTERM');
    // Exit 0 is the worker's own proof that it met SHUTDOWN_TIMEOUT_MS (it exits 1 when it does
    // not); the margin here is npm's exit after the worker's, on a loaded machine.
    assert.equal(exit.code, 0, worker.stderr);
    assert.ok(Date.now() - started < 10_000 + 5000, `stopped in ${Date.now() - started} ms`);
    assert.ok((await rowCount(s.db)) < s.expected.length, 'stopped mid-stream');
    assert.ok(worker.messages(/^stopped$/).length === 1);

    const again = WorkerProcess.start(s.settings);
    cleanup(() => again.stop('SIGKILL'));
    await waitForCaughtUp(s.settings.groupId, s.topic, 180_000);
    assert.deepEqual(await s.db.users(), s.expected);
    await assertDlqEmpty(s.settings.dlqTopic);
    assert.equal((await again.stop('SIGTERM')).code, 0);
  });

  it('stops promptly on SIGTERM during a database outage, committing nothing; a second signal exits at once', async () => {
    const db = await TestDatabase.create('termdown');
    cleanup(() => db.drop());
    const topic = await createTopic('termdown', 1);
    const proxy = await TcpProxy.start({ host: db.config.host, port: db.config.port });
    cleanup(() => proxy.close());
    const settings: WorkerSettings = {
      mysql: { ...db.config, host: '127.0.0.1', port: proxy.port },
      topic,
      groupId: uniqueName('termdown-group'),
      dlqTopic: `${topic}.dlq`,
      // Far above the bound asserted below: a prompt stop, not one the shutdown timer forced.
      env: { LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '30000' },
    };
    const worker = WorkerProcess.start(settings);
    cleanup(() => worker.stop('SIGKILL'));
    await worker.waitForLog(/^worker started$/);
    // The outage begins once the worker consumes (a database down at start-up is start-up-checks' case).
    await proxy.cut();
    await produce(topic, userEventStream(1000, 1));
    await worker.waitForLog(/failed; retrying/);
    const started = Date.now();
    const exit = await worker.stop('SIGTERM');
    assert.equal(exit.code, 0, worker.stderr);
    assert.ok(Date.now() - started < 10_000, `stopped in ${Date.now() - started} ms`);
    const committed = await committedOffsets(settings.groupId, topic);
    assert.ok(
      [...committed.values()].every((o) => o === '-1'),
      `nothing committed: ${[...committed.values()]}`,
    );
    assert.deepEqual(await db.users(), [], 'nothing written');

    await proxy.restore();
    const impatient = WorkerProcess.start(settings);
    cleanup(() => impatient.stop('SIGKILL'));
    await impatient.waitForLog(/^worker started$/);
    // Two different signals: a second identical one could merge with the first while pending.
    process.kill(impatient.pid, 'SIGTERM');
    process.kill(impatient.pid, 'SIGINT');
    assert.equal((await impatient.exited).code, 130, 'the second signal exits at once');
  });

  it('goes on after the Kafka broker restarts mid-stream', async () => {
    const broker = PrivateBroker.start('restart');
    cleanup(async () => broker.dispose());
    const { brokers } = broker;
    const own = new TestKafka([brokers]);
    {
      const db = await TestDatabase.create('brokerrestart');
      cleanup(() => db.drop());
      const topic = await own.createTopic('brokerrestart', 4);
      const stream = userEventStream(3000, 7);
      await own.produce(topic, stream);
      const expected = new UserTableModel().applyEvents(stream.map((e) => e.value)).table();
      const settings: WorkerSettings = {
        mysql: db.config,
        topic,
        groupId: uniqueName('brokerrestart-group'),
        dlqTopic: `${topic}.dlq`,
        env: {
          EVENT_LOG_LEVEL: 'debug',
          LOG_LEVEL: 'info',
          KAFKA_BROKERS: brokers,
          WRITE_CHUNK_SIZE: '50',
          KAFKA_PARTITIONS_CONCURRENCY: '1',
        },
      };
      const worker = WorkerProcess.start(settings);
      cleanup(() => worker.stop('SIGKILL'));
      await waitForRows(db, 300, worker);
      const stoppedAt = worker.mark();
      broker.stop();
      // Restarted once the worker has noticed the broker is gone (kafkajs reports it).
      await waitFor(
        'the worker to notice the broker is gone',
        () => worker.logs.slice(stoppedAt).some((l) => l.component === 'kafkajs'),
        60_000,
      );
      broker.restart();
      await own.waitForCaughtUp(settings.groupId, topic, 180_000);
      assert.deepEqual(await db.users(), expected);
      assert.equal(worker.exitedCode(), null, `the worker is still running (stderr: ${worker.stderr.slice(-300)})`);
      assert.equal((await worker.stop('SIGTERM')).code, 0);
    }
  });
});

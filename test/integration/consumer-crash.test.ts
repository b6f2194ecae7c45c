import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { PrivateBroker } from '../support/private-broker';
import { uniqueName } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { TestKafka } from '../support/test-kafka';
import { WorkerProcess } from '../support/worker-process';

describe('a consumer that kafkajs will not restart', () => {
  const cleanup = collectCleanups();

  it('exits 1 and logs why when the group refuses the worker for good', async () => {
    // The broker accepts session timeouts from 20 s only; the worker asks for 6 s: a
    // non-retriable JoinGroup error, so kafkajs gives up and the supervisor must restart us.
    const broker = PrivateBroker.start('crash', ['group.min.session.timeout.ms=20000']);
    cleanup(async () => broker.dispose());
    const db = await TestDatabase.create('crash');
    cleanup(() => db.drop());
    const topic = await new TestKafka([broker.brokers]).createTopic('crash', 1);
    const worker = WorkerProcess.start({
      mysql: db.config,
      topic,
      groupId: uniqueName('crash-group'),
      dlqTopic: `${topic}.dlq`,
      env: { KAFKA_BROKERS: broker.brokers, KAFKA_SESSION_TIMEOUT_MS: '6000' },
    });
    cleanup(() => worker.stop('SIGKILL'));
    const timeout = setTimeout(() => void worker.stop('SIGKILL'), 60_000);
    const { code } = await worker.exited.finally(() => clearTimeout(timeout));

    assert.equal(code, 1, `exit code (stderr: ${worker.stderr.slice(-300)})`);
    const [fatal] = worker.messages(/^the worker cannot go on/);
    assert.equal(fatal?.level, 'fatal');
    assert.match(String(fatal?.err), /session timeout is not within the range allowed by the broker/);
    assert.deepEqual(worker.messages(/^worker started$/), [], 'no "started" line after the crash');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { produceWithConsoleProducer, type KafkaCodec } from '../support/console-producer';
import { kafkaBrokers, uniqueName } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, waitForCaughtUp } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

const USERS = 120;

// Every user created, every third renamed at version 2, every fifth deleted (spec §3).
function stream(): Array<{ key: string; value: unknown }> {
  const records: Array<{ key: string; value: unknown }> = [];
  for (let n = 1; n <= USERS; n++) {
    records.push({ key: userId(n), value: userUpsertEvent('user.created', userId(n), { displayName: `User ${n}` }) });
  }
  for (let n = 3; n <= USERS; n += 3) {
    const value = userUpsertEvent('user.updated', userId(n), {
      displayName: `Renamed ${n}`,
      version: 2,
      timestamp: '2025-01-16T00:00:00Z',
    });
    records.push({ key: userId(n), value });
  }
  for (let n = 5; n <= USERS; n += 5) {
    records.push({ key: userId(n), value: userDeletedEvent(userId(n), '2025-01-17T00:00:00Z') });
  }
  return records;
}

describe('topics compressed by a Java producer (real broker, Kafka console producer, worker as its own process)', () => {
  const cleanup = collectCleanups();

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] satisfies KafkaCodec[]) {
    it(`applies every event of a ${codec}-compressed topic`, async () => {
      const db = await TestDatabase.create(`codec_${codec}`);
      cleanup(() => db.drop());
      const topic = await createTopic(`codec-${codec}`);
      const groupId = uniqueName(`codec-${codec}`);
      await produceWithConsoleProducer(kafkaBrokers(), topic, codec, stream());

      const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic: `${topic}.dlq` });
      cleanup(() => worker.stop('SIGKILL'));
      await waitForCaughtUp(groupId, topic);
      worker.assertRunning();

      const rows = await db.users();
      assert.equal(rows.length, USERS);
      for (const [i, row] of rows.entries()) {
        const n = i + 1;
        assert.equal(row.user_id, userId(n));
        assert.equal(row.display_name, n % 3 === 0 ? `Renamed ${n}` : `User ${n}`, `display_name of user ${n}`);
        assert.equal(row.version, n % 3 === 0 ? 2 : 1);
        assert.equal(row.deleted_at, n % 5 === 0 ? '2025-01-17 00:00:00.000000' : null, `deleted_at of user ${n}`);
      }
      assert.equal(worker.messages(/^\[USER_(CREATED|UPDATED|DELETED)\]/).length, stream().length);
      assert.equal((await worker.stop('SIGTERM')).code, 0);
    });
  }
});

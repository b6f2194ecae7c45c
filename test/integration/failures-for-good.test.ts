import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { dlqHeaderText, leakedPieces, plantedValues } from '../support/planted';
import { startPrivateDatabase } from '../support/private-database';
import { uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import {
  committedOffsets,
  createTopic,
  headerText,
  produce,
  readTopic,
  recordCount,
  testKafka,
  waitForCaughtUp,
} from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

async function alterTopic(topic: string, name: string, value: string): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: topic, configEntries: [{ name, value }] }],
    });
  } finally {
    await admin.disconnect();
  }
}

describe('failures no retry can mend (spec §5): narrowed and dead-lettered, or the process ends with the reason', () => {
  const cleanup = collectCleanups();

  it('ends with the reason when the dead-letter topic refuses a record for good; a restart after the fix loses nothing', async () => {
    const db = await TestDatabase.create('dlqrefused');
    cleanup(() => db.drop());
    const topic = await createTopic('dlqrefused');
    const dlqTopic = await createTopic('dlqrefused-dlq', 1, { 'max.message.bytes': '2000' });
    const groupId = uniqueName('dlqrefused-group');
    const planted = plantedValues();
    // A poison message whose headers alone (random, so gzip cannot shrink them) are over the
    // dead-letter topic's limit: cutting its value cannot make it fit. Its JSON breaks at the hash.
    const pad = randomBytes(3000).toString('base64');
    const poison = `{"event_type":"user.created","data":{"password_hash":${planted.passwordHash},"bio":"${planted.bio}","pad":"${'p'.repeat(3000)}"}}`;
    const valid = [
      userUpsertEvent('user.created', userId(1), { email: planted.email }),
      userUpsertEvent('user.created', userId(2), { bio: planted.bio }),
    ];
    await produce(topic, [
      { key: userId(1), value: valid[0] },
      { key: 'poison', value: poison, headers: { pad } },
      { key: userId(2), value: valid[1] },
    ]);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    const exit = await waitFor('the worker to exit', () => worker.exited, 60_000);
    assert.equal(exit.code, 1, 'exits non-zero');
    const [fatal] = worker.logs.filter((l) => l.level === 'fatal' || (l.level as unknown) === 60);
    assert.ok(fatal, `a fatal line (${worker.stdout.slice(-1500)})`);
    assert.match(String(fatal.err), /^DEAD_LETTER_REFUSED: .*MESSAGE_TOO_LARGE.*KAFKA_DLQ_TOPIC/);
    assert.equal(worker.messages(/worker started/).length, 1);
    const committed = await committedOffsets(groupId, topic);
    assert.ok(
      [...committed.values()].every((o) => o === '-1'),
      `nothing committed: ${[...committed.values()]}`,
    );
    assert.deepEqual(
      leakedPieces(worker.stdout + worker.stderr, planted),
      [],
      'no piece of a planted value in the output',
    );

    await alterTopic(dlqTopic, 'max.message.bytes', '1048576');
    const again = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => again.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    assert.deepEqual(await db.users(), new UserTableModel().applyEvents(valid).table());
    assert.equal(await recordCount(dlqTopic), 1, 'one dead letter');
    const [letter] = await readTopic(dlqTopic, 1);
    assert.equal(letter?.value?.toString(), poison, 'the poison kept, bytes untouched');
    assert.equal(headerText(letter!, 'dlq.reason'), 'invalid_json');
    assert.deepEqual(leakedPieces(dlqHeaderText([letter!]), planted), [], 'no piece of the hash in dlq.* headers');
    assert.equal((await again.stop('SIGTERM')).code, 0);
  });

  it('narrows a statement over max_allowed_packet to the records that cause it: they are dead-lettered, the rest written', async () => {
    const server = await startPrivateDatabase({ extraArgs: ['--max-allowed-packet=65536'] });
    cleanup(() => server.stop());
    const db = await TestDatabase.create('packet', { server: server.server });
    cleanup(() => db.drop());
    const topic = await createTopic('packet');
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('packet-group');
    // 300 ordinary events (about 130 kB as one statement: over the limit together) and two
    // valid avatars of 65,000 bytes that cannot fit in a 64 KiB statement even alone.
    const big = new Set([40, 211]);
    const events = Array.from({ length: 300 }, (_, i) => ({
      key: userId(i + 1),
      value: userUpsertEvent('user.created', userId(i + 1), {
        avatar: big.has(i) ? `https://cdn.example.com/${'a'.repeat(65_000)}` : undefined,
        bio: 'b'.repeat(200),
      }),
    }));
    await produce(topic, events);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic, 120_000);
    // The rest written in full: the table of every event but the two oversized ones.
    const written = events.filter((_, i) => !big.has(i)).map((e) => e.value);
    assert.deepEqual(await db.users(), new UserTableModel().applyEvents(written).table());
    assert.equal(await recordCount(dlqTopic), 2, 'two dead letters');
    const letters = await readTopic(dlqTopic, 2);
    assert.deepEqual(letters.map((l) => l.key?.toString()).sort(), [...big].map((i) => userId(i + 1)).sort());
    for (const letter of letters) {
      assert.equal(headerText(letter, 'dlq.reason'), 'rejected_by_database');
      assert.match(headerText(letter, 'dlq.error') ?? '', /^ER_NET_PACKET_TOO_LARGE: .*max_allowed_packet/);
    }
    assert.equal(worker.exitedCode(), null, 'still running');
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it('ends with the reason on a permanent database fault (the table is gone), committing nothing', async () => {
    const db = await TestDatabase.create('notable');
    cleanup(() => db.drop());
    const topic = await createTopic('notable');
    const groupId = uniqueName('notable-group');
    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic: `${topic}.dlq` });
    cleanup(() => worker.stop('SIGKILL'));
    await worker.waitForLog(/^worker started$/);
    await db.query('RENAME TABLE users TO users_elsewhere');
    await produce(topic, [{ key: userId(1), value: userUpsertEvent('user.created', userId(1)) }]);
    const exit = await waitFor('the worker to exit', () => worker.exited, 60_000);
    assert.equal(exit.code, 1);
    const fatal = worker.logs.find((l) => typeof l.err === 'string' && /DATABASE_REFUSED/.test(l.err));
    assert.ok(fatal, worker.stdout.slice(-1500));
    assert.match(String(fatal.err), /ER_NO_SUCH_TABLE: Table '[^']*' doesn't exist \(errno 1146, SQLSTATE 42S02\)/);
    assert.equal(worker.messages(/failed; retrying/).length, 0, 'not retried');
    const committed = await committedOffsets(groupId, topic);
    assert.ok(
      [...committed.values()].every((o) => o === '-1'),
      'nothing committed',
    );
    assert.deepEqual(await db.query('SELECT * FROM users_elsewhere'), [], 'nothing written');
    assert.equal(await recordCount(`${topic}.dlq`), 0, 'nothing dead-lettered');
  });
});

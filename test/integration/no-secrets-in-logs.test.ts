import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { dlqHeaderText, leakedPieces, plantedValues } from '../support/planted';
import { uniqueName } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { TestDatabase } from '../support/test-database';
import { createTopic, headerText, produce, readTopic, waitForCaughtUp, type TestMessage } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

/** An event carrying the planted values, with its password hash replaced by the planted one. */
function plantedEvent(
  n: number,
  planted: ReturnType<typeof plantedValues>,
  fields: { email?: string; bio?: string; type?: 'user.created' | 'user.updated'; version?: number } = {},
) {
  const event = userUpsertEvent(fields.type ?? 'user.created', userId(n), {
    version: fields.version,
    email: fields.email ?? `${n}.${planted.email}`,
    phone: planted.phone,
    bio: fields.bio ?? planted.bio,
  }) as { data: Record<string, unknown> };
  event.data['password_hash'] = planted.passwordHash;
  return event;
}

describe('no secret and no row contents in logs or dlq.* headers (spec §7)', () => {
  const cleanup = collectCleanups();

  it('on a parse error and on rows the database rejects (duplicate entry, invalid string)', async () => {
    const planted = plantedValues();
    const db = await TestDatabase.create('leakrows');
    cleanup(() => db.drop());
    // Stricter than the contract, so that the server rejects rows with messages that quote values.
    await db.query(
      'ALTER TABLE users ADD UNIQUE INDEX uq_users_email (email), MODIFY bio VARCHAR(500) CHARACTER SET latin1 NULL',
    );
    const topic = await createTopic('leakrows', 1);
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('leakrows-group');
    const duplicateEmail = `dup.${planted.email}`;
    const written = [
      plantedEvent(1, planted, { email: duplicateEmail }),
      plantedEvent(2, planted),
      plantedEvent(4, planted),
    ];
    const messages: TestMessage[] = [
      { key: userId(1), value: written[0] },
      { key: userId(2), value: written[1] },
      { key: userId(3), value: plantedEvent(3, planted, { bio: `\u{1F600} ${planted.bio}` }) },
      // JSON that breaks inside the password hash.
      { key: 'poison', value: `{"event_type":"user.created","data":{"password_hash":${planted.passwordHash}x"}}` },
      { key: userId(4), value: written[2] },
    ];
    await produce(topic, messages);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    // User 2 takes user 1's email: the upsert updates row 2 and the unique index refuses it.
    await produce(topic, [
      { key: userId(2), value: plantedEvent(2, planted, { email: duplicateEmail, type: 'user.updated', version: 2 }) },
    ]);
    await waitForCaughtUp(groupId, topic);
    // The rejected rows are not written: user 3 is absent, user 2 keeps its first version.
    assert.deepEqual(await db.users(), new UserTableModel().applyEvents(written).table());
    const letters = await readTopic(dlqTopic, 3);
    const byKey = new Map(letters.map((l) => [l.key?.toString(), l]));
    assert.match(
      headerText(byKey.get(userId(2))!, 'dlq.error') ?? '',
      /^ER_DUP_ENTRY: Duplicate entry '…' for key '[\w.]*uq_users_email'/,
    );
    assert.match(headerText(byKey.get(userId(3))!, 'dlq.error') ?? '', /Incorrect string value: '…' for column .*bio/);
    assert.match(
      headerText(byKey.get('poison')!, 'dlq.error') ?? '',
      /^value is not JSON: \w+ at line 1, column \d+ \(byte \d+\)$/,
    );
    assert.equal((await worker.stop('SIGTERM')).code, 0);

    assert.deepEqual(leakedPieces(worker.stdout + worker.stderr, planted), [], 'worker output');
    assert.deepEqual(leakedPieces(dlqHeaderText(letters), planted), [], 'dlq.* headers');
  });

  it('when the connection is lost in the middle of multi-row statements', async () => {
    const planted = plantedValues();
    const db = await TestDatabase.create('leakconn');
    cleanup(() => db.drop());
    const proxy = await TcpProxy.start({ host: db.config.host, port: db.config.port });
    cleanup(() => proxy.close());
    const topic = await createTopic('leakconn', 2);
    const groupId = uniqueName('leakconn-group');
    const events = Array.from({ length: 3000 }, (_, i) => ({
      key: userId(i + 1),
      value: plantedEvent(i + 1, planted),
    }));

    const worker = WorkerProcess.start({
      mysql: { ...db.config, host: '127.0.0.1', port: proxy.port },
      topic,
      groupId,
      dlqTopic: `${topic}.dlq`,
      env: { WRITE_CHUNK_SIZE: '100', EVENT_LOG_LEVEL: 'debug' },
    });
    cleanup(() => worker.stop('SIGKILL'));
    for (let cut = 0; cut < 3; cut++) {
      // Each third of the stream meets a cut at its first multi-row statement (planted values in flight).
      const cutAt = worker.mark();
      proxy.cutAtNextStatement(4096);
      await produce(topic, events.slice(cut * 1000, (cut + 1) * 1000));
      await worker.waitForLog(/write failed; retrying/, 60_000, { after: cutAt });
      await proxy.restore();
    }
    await waitForCaughtUp(groupId, topic, 120_000);
    assert.deepEqual(await db.users(), new UserTableModel().applyEvents(events.map((e) => e.value)).table());
    assert.ok(worker.messages(/write failed; retrying/).length > 0);
    assert.equal((await worker.stop('SIGTERM')).code, 0);
    assert.deepEqual(leakedPieces(worker.stdout + worker.stderr, planted), [], 'worker output');
  });
});

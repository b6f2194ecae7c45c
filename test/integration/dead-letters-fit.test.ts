import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { CompressionTypes, Partitioners, type KafkaMessage } from 'kafkajs';
import { registerCodecs } from '../../src/kafka/codecs';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import {
  committedOffsets,
  createTopic,
  headerText,
  readTopic,
  testKafka,
  waitForCaughtUp,
} from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

// The test producer compresses with the worker's own zstd codec; gzip letters are read with it too.
registerCodecs();

const THREE_MB = 3_000_000;
/** A JSON object of `size` bytes that compresses to a few KB and is no valid event. */
const hugeValue = (size: number): string => `{"event_type":"user.created","pad":"${'p'.repeat(size - 38)}"}`;

/** Sends each group of records as its own zstd-compressed batch; returns the offset of each record. */
async function produceZstd(topic: string, batches: Array<Array<{ key: string; value: string }>>): Promise<string[]> {
  const producer = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const offsets: string[] = [];
  try {
    for (const messages of batches) {
      const [meta] = await producer.send({ topic, acks: -1, compression: CompressionTypes.ZSTD, messages });
      messages.forEach((_, i) => offsets.push(String(BigInt(meta!.baseOffset!) + BigInt(i))));
    }
  } finally {
    await producer.disconnect();
  }
  return offsets;
}

// Fixed event ids, so the expected table can be built from the same events.
const good = (n: number) => ({
  key: userId(n),
  value: JSON.stringify(
    userUpsertEvent('user.created', userId(n), { eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` }),
  ),
});
const expectedTable = (ns: number[]) =>
  new UserTableModel().applyEvents(ns.map((n) => JSON.parse(good(n).value))).table();

function assertPointsAt(letter: KafkaMessage, topic: string, offset: string): void {
  assert.equal(headerText(letter, 'dlq.topic'), topic);
  assert.equal(headerText(letter, 'dlq.partition'), '0');
  assert.equal(headerText(letter, 'dlq.offset'), offset);
  assert.match(headerText(letter, 'dlq.timestamp') ?? '', /^\d+$/);
}

describe('a record the source topic accepted always gets its dead letter (spec §5)', () => {
  const cleanup = collectCleanups();

  it('dead-letters a 3 MB zstd record whole (compressed) and a 200,000-character event_type with a bounded dlq.error; goes on', async () => {
    const db = await TestDatabase.create('dlqfit');
    cleanup(() => db.drop());
    const topic = await createTopic('dlqfit', 1, { 'max.message.bytes': String(10 * 1024 * 1024) });
    const dlqTopic = await createTopic('dlqfit-dlq'); // the broker's default limit (about 1 MB)
    const groupId = uniqueName('dlqfit-group');
    const huge = hugeValue(THREE_MB);
    const longType = JSON.stringify({ event_type: 'e'.repeat(200_000), entity_id: userId(9) });
    const offsets = await produceZstd(topic, [
      [good(1)],
      [{ key: 'huge', value: huge }],
      [good(2), { key: 'long-type', value: longType }],
    ]);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic, 90_000);
    await produceZstd(topic, [[good(3)]]);
    await waitForCaughtUp(groupId, topic, 90_000);
    worker.assertRunning();
    assert.deepEqual(await db.users(), expectedTable([1, 2, 3]), 'every valid event applied, before and after');

    const letters = await readTopic(dlqTopic, 2, 60_000);
    const whole = letters.find((l) => l.key?.toString() === 'huge');
    assert.ok(whole, 'the 3 MB record has its dead letter');
    assert.equal(whole.value?.toString(), huge, 'value bytes kept whole: compression made it fit');
    assert.equal(headerText(whole, 'dlq.value_truncated'), undefined);
    assert.equal(headerText(whole, 'dlq.reason'), 'invalid_event');
    assert.equal(headerText(whole, 'dlq.error'), `value is ${THREE_MB} bytes, larger than any valid event (1048576)`);
    assertPointsAt(whole, topic, offsets[1]!);

    const long = letters.find((l) => l.key?.toString() === 'long-type');
    assert.ok(long, 'the long event_type has its dead letter');
    assert.equal(headerText(long, 'dlq.reason'), 'unknown_event_type');
    const error = headerText(long, 'dlq.error') ?? '';
    assert.ok(error.length <= 250, `dlq.error bounded (${error.length} characters)`);
    assert.match(error, /^event_type "e+…e+" has no handler$/);
    assert.ok(
      worker.messages(/dead-lettered/).every((l) => String(l.error).length <= 250),
      'log lines bounded too',
    );
    assertPointsAt(long, topic, offsets[3]!);
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it('cuts a dead letter to fit a topic of max.message.bytes=1500, saying so in headers', async () => {
    const db = await TestDatabase.create('dlqcut');
    cleanup(() => db.drop());
    const topic = await createTopic('dlqcut');
    const dlqTopic = await createTopic('dlqcut-dlq', 1, { 'max.message.bytes': '1500' });
    const groupId = uniqueName('dlqcut-group');
    // Valid JSON, no valid event, about 5 KB of random (incompressible) text.
    const noise = JSON.stringify({
      event_type: 'user.created',
      entity_id: 'bad',
      pad: randomBytes(3700).toString('base64'),
    });
    const original = Buffer.from(noise);
    const offsets = await produceZstd(topic, [[good(1), { key: 'noise', value: noise }, good(2)]]);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic, 90_000);
    worker.assertRunning();
    assert.deepEqual(await db.users(), expectedTable([1, 2]));

    const [letter] = await readTopic(dlqTopic, 1, 60_000);
    assert.ok(letter);
    assert.equal(letter.key?.toString(), 'noise');
    assert.equal(headerText(letter, 'dlq.value_truncated'), 'true');
    assert.equal(headerText(letter, 'dlq.value_bytes'), String(original.length));
    const cut = letter.value as Buffer;
    assert.ok(cut.length > 500 && cut.length < 1500, `cut to ${cut.length} of ${original.length} bytes`);
    assert.ok(original.subarray(0, cut.length).equals(cut), 'the cut value is the start of the original');
    assert.equal(headerText(letter, 'dlq.reason'), 'invalid_event');
    assert.match(headerText(letter, 'dlq.error') ?? '', /entity_id/);
    assertPointsAt(letter, topic, offsets[1]!);
    assert.equal(worker.messages(/max\.message\.bytes/).length, 0, 'the limit was read from the broker');
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });

  it('ends the process on a batch past DECOMPRESSED_BATCH_MAX_BYTES, naming topic, partition and offset; raising it goes on', async () => {
    const db = await TestDatabase.create('dlqbomb');
    cleanup(() => db.drop());
    const topic = await createTopic('dlqbomb');
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('dlqbomb-group');
    const offsets = await produceZstd(topic, [
      [good(1), good(2)],
      [{ key: 'huge', value: hugeValue(THREE_MB) }],
      [good(3)],
    ]);
    const bomb = offsets[2]!;

    const worker = WorkerProcess.start({
      mysql: db.config,
      topic,
      groupId,
      dlqTopic,
      // A short session: the restarted worker need not wait long for the dead member to expire.
      env: { DECOMPRESSED_BATCH_MAX_BYTES: String(1024 * 1024), KAFKA_SESSION_TIMEOUT_MS: '6000' },
    });
    cleanup(() => worker.stop('SIGKILL'));
    const exit = await waitFor('the worker to exit', () => worker.exitedCode() !== null && worker.exited, 90_000);
    assert.notEqual(exit.code, 0, 'exits non-zero');
    const [fatal] = worker.logs.filter(
      (l) => l.level === 'fatal' && /DECOMPRESSED_BATCH_MAX_BYTES/.test(String(l.msg)),
    );
    assert.ok(fatal, `a fatal line naming the bound (${worker.stdout.slice(-1500)})`);
    assert.equal(fatal.topic, topic);
    assert.equal(fatal.partition, 0);
    assert.equal(fatal.offset, bomb);
    assert.match(
      String(fatal.msg),
      new RegExp(`topic "${topic}" partition 0 offset ${bomb}.*raise DECOMPRESSED_BATCH_MAX_BYTES`),
    );
    const committed = (await committedOffsets(groupId, topic)).get(0) ?? '-1';
    assert.ok(BigInt(committed) <= BigInt(bomb), `nothing of the batch committed (committed ${committed})`);

    const again = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => again.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic, 90_000);
    assert.deepEqual(await db.users(), expectedTable([1, 2, 3]), 'with the default bound every event is applied');
    const [letter] = await readTopic(dlqTopic, 1, 60_000);
    assertPointsAt(letter!, topic, bomb);
    assert.equal((await again.stop('SIGTERM')).code, 0);
  });
});

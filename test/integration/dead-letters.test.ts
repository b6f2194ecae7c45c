import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, headerText, produce, readTopic, waitForCaughtUp, type TestMessage } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';
import { collectCleanups } from '../support/cleanups';
import { readPositions } from '../support/contract-records';
import { dlqHeaderText, leakedPieces, plantedValues } from '../support/planted';

function mutated(n: number, mutate: (e: any) => void): Record<string, unknown> {
  const event: any = userUpsertEvent('user.created', userId(n));
  mutate(event);
  return event;
}

// Each poison message, the reason it must carry and what its dlq.error must name.
const poison: Array<[string, unknown, string, RegExp]> = [
  ['malformed JSON', '{"event_type": "user.created", ', 'invalid_json', /JSON/],
  ['JSON that is not an object', '[1, 2, 3]', 'invalid_event', /must be a JSON object/],
  ['missing event_type', { entity_id: userId(1), data: {} }, 'invalid_event', /event_type is missing/],
  ['empty event_type', mutated(110, (e) => (e.event_type = '')), 'invalid_event', /event_type is missing/],
  ['unknown event type', { event_type: 'user.exploded', entity_id: userId(1) }, 'unknown_event_type', /user\.exploded/],
  ['bad id', mutated(101, (e) => (e.entity_id = 'not-an-object-id')), 'invalid_event', /entity_id/],
  [
    'missing email',
    mutated(102, (e) => delete e.data.contact_info.primary_email),
    'invalid_event',
    /primary_email is missing/,
  ],
  [
    'empty display name',
    mutated(103, (e) => (e.data.profile.display_name = '')),
    'invalid_event',
    /display_name is empty/,
  ],
  ['bio of 501', mutated(104, (e) => (e.data.profile.bio = 'b'.repeat(501))), 'invalid_event', /bio is 501 characters/],
  [
    'email of 256',
    mutated(105, (e) => (e.data.contact_info.primary_email = 'e'.repeat(256))),
    'invalid_event',
    /primary_email is 256/,
  ],
  [
    'avatar over 65,535 bytes',
    mutated(106, (e) => (e.data.profile.avatar = 'a'.repeat(65_536))),
    'invalid_event',
    /avatar is 65536 bytes/,
  ],
  [
    'non-integer version',
    mutated(107, (e) => (e.data.version = 2.5)),
    'invalid_event',
    /data\.version must be an integer/,
  ],
  [
    'unparseable created_at',
    mutated(108, (e) => (e.data.created_at = 'last tuesday')),
    'invalid_event',
    /data\.created_at/,
  ],
  ['event_id of 37', mutated(109, (e) => (e.event_id = 'x'.repeat(37))), 'invalid_event', /event_id is 37 characters/],
];

/** The record timestamp of poison message i: old and distinct, so dlq.timestamp cannot be the failure time. */
const oldTimestamp = (i: number): string => String(Date.UTC(2021, 5, 1) + i * 1000 + 7);

describe('bad input: a clear record, nothing lost (spec §5)', () => {
  const cleanup = collectCleanups();

  it('dead-letters each poison message with its reason and source headers, and keeps applying valid events', async () => {
    const started = Date.now();
    const planted = plantedValues();
    const unknownType = userUpsertEvent('user.exploded' as 'user.created', userId(120)) as {
      data: Record<string, unknown>;
    };
    unknownType.data['password_hash'] = planted.passwordHash;
    const all: Array<[string, unknown, string, RegExp]> = [
      ...poison,
      ['unknown event type with a password hash', unknownType, 'unknown_event_type', /event_type "user\.exploded"/],
    ];
    const db = await TestDatabase.create('dlq');
    cleanup(() => db.drop());
    const topic = await createTopic('dlq', 2);
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('dlq-group');

    // Valid records first on each partition, so that no poison message sits at offset 0.
    const messages: TestMessage[] = [];
    all.forEach(([, value], i) => {
      const valid = userId(i + 1);
      const partition = i % 2;
      messages.push({ key: valid, value: userUpsertEvent('user.created', valid), partition });
      messages.push({ key: `poison-${i}`, value, headers: { trace: `t-${i}` }, partition, timestamp: oldTimestamp(i) });
    });
    messages.push({ key: 'tombstone', value: null, partition: 1 });
    await produce(topic, messages);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);

    const rows = await db.users();
    assert.deepEqual(
      rows.map((r) => r.user_id),
      all.map((_, i) => userId(i + 1)),
      'every valid event applied, nothing from the poison',
    );

    const letters = await readTopic(dlqTopic, all.length);
    const sources = new Map((await readPositions(topic, messages.length)).map((p) => [p.key, p]));
    assert.equal(letters.length, all.length, 'one dead letter per poison message, none for the tombstone');
    await waitFor('a warn line per dead letter', () => worker.messages(/^dead-lettered$/).length >= all.length, 10_000);
    for (const [i, [name, value, reason, error]] of all.entries()) {
      const letter = letters.find((l) => l.key?.toString() === `poison-${i}`);
      assert.ok(letter, `${name} reached the dead-letter topic`);
      const source = sources.get(`poison-${i}`);
      assert.ok(source && source.offset !== '0', `${name}: read back from the source topic, past offset 0`);
      const original = typeof value === 'string' ? value : JSON.stringify(value);
      assert.equal(letter.value?.toString(), original, `${name}: value bytes kept`);
      assert.equal(headerText(letter, 'trace'), `t-${i}`, `${name}: original headers kept`);
      assert.equal(headerText(letter, 'dlq.reason'), reason, name);
      assert.match(headerText(letter, 'dlq.error') ?? '', error, name);
      assert.equal(headerText(letter, 'dlq.topic'), topic, `${name}: dlq.topic`);
      assert.equal(headerText(letter, 'dlq.partition'), String(source.partition), `${name}: dlq.partition`);
      assert.equal(headerText(letter, 'dlq.offset'), source.offset, `${name}: dlq.offset is the original's`);
      assert.equal(headerText(letter, 'dlq.timestamp'), oldTimestamp(i), `${name}: the original record's timestamp`);
      const failedAt = headerText(letter, 'dlq.failed_at') ?? '';
      assert.match(
        failedAt,
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/,
        `${name}: dlq.failed_at is ISO-8601 UTC`,
      );
      assert.ok(Date.parse(failedAt) >= started - 1000 && Date.parse(failedAt) <= Date.now(), `${name}: failed_at now`);
      // Spec §7: the warn line names the record by topic, partition and offset.
      const line = worker.logs.find(
        (l) => l.msg === 'dead-lettered' && l.partition === source.partition && l.offset === source.offset,
      );
      assert.equal(line?.level, 'warn', `${name}: one warn line for the dead letter`);
      assert.equal(line?.topic, topic, `${name}: the warn line names the topic`);
      assert.equal(line?.reason, reason, `${name}: the warn line gives the reason`);
    }
    assert.equal(worker.messages(/consumer crashed|chunk failed/).length, 0, 'the stream never stopped');
    assert.equal((await worker.stop('SIGTERM')).code, 0);
    assert.ok(!worker.stdout.includes('SECRETHASH'));
    assert.deepEqual(leakedPieces(worker.stdout + worker.stderr, planted), [], 'no piece of the hash in the logs');
    assert.deepEqual(leakedPieces(dlqHeaderText(letters), planted), [], 'no piece of the hash in dlq.* headers');
  });

  it('dead-letters a row the database rejects, alone, and writes the rest of its chunk', async () => {
    const db = await TestDatabase.create('dbreject');
    cleanup(() => db.drop());
    // A stricter column than the contract: the database, not validation, rejects this row.
    await db.query('ALTER TABLE users MODIFY phone VARCHAR(5) NULL');
    const topic = await createTopic('dbreject', 1);
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('dbreject-group');
    const messages: TestMessage[] = Array.from({ length: 40 }, (_, i) => ({
      key: userId(i + 1),
      value: userUpsertEvent('user.created', userId(i + 1), { phone: i === 17 ? '+1 555 0100 200' : '+1' }),
    }));
    await produce(topic, messages);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);
    const rows = await db.users();
    assert.equal(rows.length, 39);
    assert.ok(!rows.some((r) => r.user_id === userId(18)));
    const [letter] = await readTopic(dlqTopic, 1);
    assert.equal(headerText(letter!, 'dlq.reason'), 'rejected_by_database');
    assert.match(headerText(letter!, 'dlq.error') ?? '', /^ER_DATA_TOO_LONG: Data too long for column 'phone'/);
    assert.ok(!headerText(letter!, 'dlq.error')?.includes('example.com'), 'no row values in the error');
    assert.equal(letter?.key?.toString(), userId(18));
    // Spec §7: the error line names the record by topic, partition, offset and user id, not by its values.
    const line = await worker.waitForLog(/^dead-lettered$/);
    assert.deepEqual(
      { level: line?.level, topic: line?.topic, partition: line?.partition, offset: line?.offset },
      { level: 'warn', topic, partition: 0, offset: '17' },
    );
    assert.equal(line?.entity_id, userId(18), 'the user id');
    assert.equal(line?.reason, 'rejected_by_database');
    assert.match(String(line?.error), /^ER_DATA_TOO_LONG: Data too long for column 'phone'/);
    assert.ok(!worker.stdout.includes('555 0100'), 'the rejected value is in no log line');
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });
});

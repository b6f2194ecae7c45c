import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, headerText, produce, readTopic, waitForCaughtUp, type TestMessage } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent, type UserEventFields } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

type Event = Record<string, unknown> & { data: Record<string, unknown> };

const upsert = (n: number, fields: UserEventFields = {}): Event =>
  userUpsertEvent('user.created', userId(n), fields) as Event;
const withId = (id: string): Event => ({ ...upsert(1), entity_id: id });

// Multi-byte text: VARCHAR limits count characters (code points), TEXT limits count bytes.
const EMAIL_255 = `${'📧'.repeat(250)}@x.io`;
const PHONE_50 = '☎'.repeat(50);
const NAME_100 = `${'名'.repeat(99)}😀`;
const BIO_500 = '😀'.repeat(500);
const AVATAR_65535_BYTES = `${'é'.repeat(32_767)}a`;
const EVENT_ID_36 = 'é'.repeat(36);

/** A created event whose display name holds bytes that are not UTF-8 (0xC3 0x28), inside a JSON string. */
function invalidUtf8Value(n: number): Buffer {
  const [before, after] = JSON.stringify(upsert(n, { displayName: 'BROKEN' })).split('BROKEN') as [string, string];
  return Buffer.concat([Buffer.from(`${before}ab`), Buffer.from([0xc3, 0x28]), Buffer.from(`cd${after}`)]);
}

// Each bad record, the reason it must carry and what its dlq.error must say (naming the field).
const bad: Array<[string, unknown, string, RegExp]> = [
  [
    'email of 256 characters',
    upsert(11, { email: `📧${EMAIL_255}` }),
    'invalid_event',
    /primary_email is 256 characters, longer than 255/,
  ],
  [
    'phone of 51 characters',
    upsert(12, { phone: `${PHONE_50}☎` }),
    'invalid_event',
    /phone is 51 characters, longer than 50/,
  ],
  [
    'display name of 101 characters',
    upsert(13, { displayName: `${NAME_100}名` }),
    'invalid_event',
    /display_name is 101 characters, longer than 100/,
  ],
  [
    'bio of 501 characters',
    upsert(14, { bio: `${BIO_500}😀` }),
    'invalid_event',
    /bio is 501 characters, longer than 500/,
  ],
  [
    'avatar of 65,536 bytes',
    upsert(15, { avatar: 'é'.repeat(32_768) }),
    'invalid_event',
    /avatar is 65536 bytes, longer than 65535/,
  ],
  [
    'event_id of 37 characters',
    upsert(16, { eventId: `${EVENT_ID_36}é` }),
    'invalid_event',
    /event_id is 37 characters, longer than 36/,
  ],
  ['id of 1 hex character', withId('a'), 'invalid_event', /^entity_id must be 24 hexadecimal characters$/],
  ['id of 23 hex characters', withId('a'.repeat(23)), 'invalid_event', /^entity_id must be 24 hexadecimal characters$/],
  ['id of 25 hex characters', withId('a'.repeat(25)), 'invalid_event', /^entity_id must be 24 hexadecimal characters$/],
  [
    'id of 24 non-hex characters',
    withId('g'.repeat(24)),
    'invalid_event',
    /^entity_id must be 24 hexadecimal characters$/,
  ],
  [
    'delete with a data.user_id of 23 hex characters',
    { ...userDeletedEvent(userId(3), '2025-06-01T00:00:00Z'), data: { user_id: userId(3).slice(1) } },
    'invalid_event',
    /^data\.user_id must be 24 hexadecimal characters$/,
  ],
  [
    'version 2147483648',
    upsert(17, { version: 2_147_483_648 }),
    'invalid_event',
    /data\.version is out of the INT range/,
  ],
  [
    'version -2147483649',
    upsert(18, { version: -2_147_483_649 }),
    'invalid_event',
    /data\.version is out of the INT range/,
  ],
  ['invalid UTF-8 inside a string', invalidUtf8Value(19), 'invalid_json', /^value is not valid UTF-8$/],
];

describe('column limits, ids and the INT range, at the edge (spec §2, §5)', () => {
  const cleanup = collectCleanups();

  it('accepts every value at its limit and dead-letters each one past it, naming the field', async () => {
    const valid: Event[] = [
      upsert(1, {
        email: EMAIL_255,
        phone: PHONE_50,
        displayName: NAME_100,
        bio: BIO_500,
        avatar: AVATAR_65535_BYTES,
        eventId: EVENT_ID_36,
        version: 2_147_483_647,
      }),
      upsert(2, { version: -2_147_483_648 }),
      upsert(3, { timestamp: '2025-01-01T00:00:00Z' }),
    ];
    const messages: TestMessage[] = [
      // Spec §1: the key is not relied on (another text, or none).
      ...valid.map((value, i) => ({ key: [String(value['entity_id']), 'not-the-id', null][i], value })),
      ...bad.map(([, value], i) => ({ key: `bad-${i}`, value })),
    ];
    const db = await TestDatabase.create('limits');
    cleanup(() => db.drop());
    const topic = await createTopic('limits', 1);
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('limits-group');
    await produce(topic, messages);

    const worker = WorkerProcess.start({
      mysql: db.config,
      topic,
      groupId,
      dlqTopic,
      env: { EVENT_LOG_LEVEL: 'debug' },
    });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic);

    assert.deepEqual(await db.users(), new UserTableModel().applyEvents(valid).table(), 'the whole table');
    const letters = await readTopic(dlqTopic, bad.length);
    assert.equal(letters.length, bad.length, 'one dead letter per bad record');
    for (const [i, [name, , reason, error]] of bad.entries()) {
      const letter = letters.find((l) => l.key?.toString() === `bad-${i}`);
      assert.ok(letter, `${name}: dead-lettered`);
      assert.equal(headerText(letter, 'dlq.reason'), reason, name);
      assert.match(headerText(letter, 'dlq.error') ?? '', error, name);
    }
    // Spec §7: the documented setting moves the per-event lines to debug.
    await waitFor('the event lines', () => worker.messages(/^\[USER_CREATED\] /).length >= valid.length, 10_000);
    assert.deepEqual(
      worker.messages(/^\[USER_CREATED\] /).map((l) => l.level),
      ['debug', 'debug', 'debug'],
      'EVENT_LOG_LEVEL=debug',
    );
    assert.equal((await worker.stop('SIGTERM')).code, 0);
  });
});

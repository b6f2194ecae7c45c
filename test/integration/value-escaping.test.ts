import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { startPrivateDatabase } from '../support/private-database';
import { uniqueName } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, headerText, produce, readTopic, waitForCaughtUp } from '../support/test-kafka';
import { userDeletedEvent, userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess } from '../support/worker-process';

// Every character that changes meaning in a string literal or a placeholder scan, in every
// string column; a value ends with a backslash, which would swallow its closing quote.
const NASTY = [
  "it's",
  'back\\slash\\',
  'quote " and \\\' and \\"',
  'nul\0byte',
  'ctrl-z\x1a',
  'why? ?? ?',
  'emoji 😀🚀 and é',
  "'); drop table users; --",
  '\\n is not a newline, \n is',
];

describe('values reach the row exactly, whatever the server’s global sql_mode', () => {
  const cleanup = collectCleanups();

  it('round-trips quotes, backslashes, NUL, \\x1a, ? and emoji; a lone surrogate is dead-lettered', async () => {
    // A server whose global mode reads backslashes literally and "…" as identifiers: a worker
    // session that inherited it would corrupt (or break on) every escaped value.
    const server = await startPrivateDatabase({ extraArgs: ['--sql-mode=NO_BACKSLASH_ESCAPES,ANSI_QUOTES'] });
    cleanup(() => server.stop());
    const { host, port, user, password } = server.server;
    const plain = await mysql.createConnection({ host, port, user, password });
    const [[mode]] = (await plain.query('SELECT @@GLOBAL.sql_mode AS m')) as unknown as [[{ m: string }]];
    await plain.end();
    assert.match(mode?.m ?? '', /NO_BACKSLASH_ESCAPES/, 'the premise: the global mode has it');

    const db = await TestDatabase.create('escaping', { server: server.server });
    cleanup(() => db.drop());
    const topic = await createTopic('escaping');
    const dlqTopic = `${topic}.dlq`;
    const groupId = uniqueName('escaping-group');

    const records = NASTY.map((text, i) => ({
      key: userId(i + 1),
      value: userUpsertEvent('user.created', userId(i + 1), {
        email: `${text}@example.com`,
        phone: text.slice(0, 50),
        displayName: text,
        avatar: `https://cdn.example.com/${text}`,
        bio: text,
        eventId: `e${i}-'\\?`,
      }),
    }));
    // Spec §3: a delete without timestamp takes the record's own timestamp (2025-02-03 04:05:06.789 UTC).
    const recordTimestamp = String(Date.UTC(2025, 1, 3, 4, 5, 6, 789));
    records.push({ key: userId(1), value: userDeletedEvent(userId(1), null, 'del-1') });
    const surrogate = userUpsertEvent('user.created', userId(99), { bio: 'half \ud83d an emoji' });
    await produce(topic, [
      ...records.map((r) => ({ ...r, timestamp: recordTimestamp })),
      { key: userId(99), value: surrogate },
    ]);

    const worker = WorkerProcess.start({ mysql: db.config, topic, groupId, dlqTopic });
    cleanup(() => worker.stop('SIGKILL'));
    await waitForCaughtUp(groupId, topic, 60_000);

    const model = new UserTableModel().applyRecords(
      records.map((r) => ({ value: r.value, timestamp: recordTimestamp })),
    );
    const rows = await db.users();
    assert.deepEqual(rows, model.table());
    assert.equal(rows[1]?.display_name, NASTY[1], 'a trailing backslash survives');
    assert.equal(rows[3]?.bio, 'nul\0byte');
    assert.equal(rows[0]?.deleted_at, '2025-02-03 04:05:06.789000', 'deleted_at = the record timestamp');
    assert.equal(rows[0]?.event_timestamp, '2025-02-03 04:05:06.789000');

    const [letter] = await readTopic(dlqTopic, 1);
    assert.ok(letter);
    assert.equal(headerText(letter, 'dlq.reason'), 'invalid_event');
    assert.equal(
      headerText(letter, 'dlq.error'),
      'data.profile.bio contains a lone UTF-16 surrogate (not a Unicode character)',
    );
    assert.equal(letter.value?.toString(), JSON.stringify(surrogate), 'the original bytes are kept');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { userEventStream } from '../support/event-stream';
import { UserTableModel } from '../support/expected-table';
import { uniqueName } from '../support/services';
import { TestDatabase } from '../support/test-database';
import {
  committedOffsets,
  createTopic,
  headerText,
  produce,
  readTopic,
  recordCount,
  waitForCaughtUp,
} from '../support/test-kafka';
import { WorkerProcess, type WorkerSettings } from '../support/worker-process';

const PARTITIONS = 3;
const LIMIT = 25;

describe('a rejection storm stops the worker (spec §5)', () => {
  const cleanup = collectCleanups();

  it('exits 1 naming the error after REJECTION_STORM_LIMIT rejections, dead-letters no more, and loses nothing', async () => {
    const db = await TestDatabase.create('storm');
    cleanup(() => db.drop());
    // A schema change gone wrong: a constraint no row passes (every event has a version >= 1).
    await db.query('ALTER TABLE users ADD CONSTRAINT storm_never CHECK (version < 0)');

    const topic = await createTopic('storm', PARTITIONS);
    const stream = userEventStream(400, 11);
    // Each user's events on one partition, in order, so (partition, offset) of each is known here.
    const messages = stream.map((e) => ({ ...e, partition: parseInt(e.key, 16) % PARTITIONS }));
    const offsets = new Map<number, number>();
    const located = messages.map((m) => {
      const offset = offsets.get(m.partition) ?? 0;
      offsets.set(m.partition, offset + 1);
      return { ...m, at: `${m.partition}/${offset}` };
    });
    await produce(topic, messages);

    const settings: WorkerSettings = {
      mysql: db.config,
      topic,
      groupId: uniqueName('storm-group'),
      dlqTopic: `${topic}.dlq`,
      env: {
        LOG_LEVEL: 'info',
        EVENT_LOG_LEVEL: 'debug',
        // Small chunks on every partition at once: the count must span chunks and partitions.
        WRITE_CHUNK_SIZE: '10',
        KAFKA_PARTITIONS_CONCURRENCY: String(PARTITIONS),
        REJECTION_STORM_LIMIT: String(LIMIT),
        // The stopped worker does not leave the group: its successor waits out its session.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
    };
    const stormy = WorkerProcess.start(settings);
    cleanup(() => stormy.stop('SIGKILL'));
    const timer = setTimeout(() => void stormy.stop('SIGKILL'), 90_000);
    const { code } = await stormy.exited.finally(() => clearTimeout(timer));

    assert.equal(code, 1, `exit code (${stormy.output()})`);
    const [fatal] = stormy.messages(/^the worker cannot go on/);
    assert.equal(fatal?.level, 'fatal');
    const reason = String(fatal?.err);
    assert.match(reason, /^REJECTION_STORM: the database rejected \d+ records in a row with the same error/);
    assert.match(reason, /REJECTION_STORM_LIMIT=25/);
    assert.match(reason, /errno (3819|4025)/, 'the server error named');
    assert.match(reason, /storm_never/, 'the constraint named');

    const dlqEnd = await recordCount(settings.dlqTopic);
    // Chunks of 10 reached the limit of 25: the count spans chunks and partitions. Dead letters of
    // the chunks before the storm may or may not have been published when the process exited.
    assert.ok(dlqEnd <= LIMIT, `${dlqEnd} dead letters: no more than the limit`);
    const letters = dlqEnd > 0 ? await readTopic(settings.dlqTopic, dlqEnd) : [];
    const lettered = new Set<string>();
    for (const letter of letters) {
      assert.equal(headerText(letter, 'dlq.reason'), 'rejected_by_database');
      assert.match(headerText(letter, 'dlq.error') ?? '', /storm_never/);
      lettered.add(`${headerText(letter, 'dlq.partition')}/${headerText(letter, 'dlq.offset')}`);
    }
    assert.equal(lettered.size, dlqEnd, 'one dead letter per record');
    // A dead letter whose offset was not committed before the exit is delivered again after the
    // fix and applied (at least once); one behind the committed offset is the record's only trace.
    const committed = await committedOffsets(settings.groupId, topic);
    const settled = (at: string): boolean => {
      const [partition, offset] = at.split('/').map(Number) as [number, number];
      return lettered.has(at) && offset < Number(committed.get(partition) ?? -1);
    };

    // The fix, then a restart: every record not settled as a dead letter reaches the table.
    await db.query('ALTER TABLE users DROP CONSTRAINT storm_never');
    const fixed = WorkerProcess.start(settings);
    cleanup(() => fixed.stop('SIGKILL'));
    await waitForCaughtUp(settings.groupId, topic, 90_000);
    const expected = new UserTableModel().applyEvents(located.filter((m) => !settled(m.at)).map((m) => m.value));
    assert.deepEqual(await db.users(), expected.table(), 'the table holds every record not settled as a dead letter');
    assert.equal(await recordCount(settings.dlqTopic), dlqEnd, 'no dead letter after the fix');
    assert.equal((await fixed.stop('SIGTERM')).code, 0);
  });
});

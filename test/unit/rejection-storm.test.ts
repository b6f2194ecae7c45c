import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MikroORM } from '@mikro-orm/mysql';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/config';
import { WorkerError } from '../../src/errors';
import { ChunkProcessor } from '../../src/pipeline/chunk-processor';
import type { Outcome } from '../../src/common/outcome';
import type { DomainCommand, DomainHandler } from '../../src/pipeline/domain-module';
import { noopObserver } from '../../src/pipeline/pipeline-observer';
import { HandlerRegistry } from '../../src/pipeline/registry';
import { RejectionStormDetector, type StormSignal } from '../../src/pipeline/rejection-storm';
import type { DeadLetter, SourceRecord } from '../../src/pipeline/source-record';

const CHECK = "ER_CHECK_CONSTRAINT_VIOLATED: Check constraint 'c_never' is violated. (errno 3819, SQLSTATE HY000)";
const rejected = (error = CHECK): StormSignal => ({ kind: 'rejected', error });
const accepted: StormSignal = { kind: 'accepted' };
const neutral: StormSignal = { kind: 'neutral' };

describe('REJECTION_STORM_LIMIT', () => {
  it('defaults to 100 and refuses a bound below 1, naming the variable', () => {
    assert.equal(loadConfig({}).rejectionStormLimit, 100);
    assert.equal(loadConfig({ REJECTION_STORM_LIMIT: '7' }).rejectionStormLimit, 7);
    assert.throws(
      () => loadConfig({ REJECTION_STORM_LIMIT: '0' }),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.includes('REJECTION_STORM_LIMIT')),
    );
  });
});

describe('RejectionStormDetector', () => {
  it('reports a storm once the same error passes the limit across chunks, not before', () => {
    const d = new RejectionStormDetector(5);
    assert.equal(d.observe([rejected(), rejected(), rejected()]), undefined);
    assert.equal(d.observe([neutral, rejected(), rejected()]), undefined, 'invalid input neither counts nor resets');
    assert.equal(d.consecutive, 5);
    assert.deepEqual(d.observe([rejected(), rejected()]), { count: 6, error: CHECK });
  });

  it('starts over on an accepted write or on a different error', () => {
    const d = new RejectionStormDetector(3);
    assert.equal(d.observe([rejected(), rejected(), rejected(), accepted, rejected(), rejected()]), undefined);
    const tooLong = "ER_DATA_TOO_LONG: Data too long for column 'phone' at row 1 (errno 1406, SQLSTATE 22001)";
    assert.equal(d.observe([rejected(tooLong), rejected(), rejected(), rejected()]), undefined);
    assert.equal(d.consecutive, 3);
    assert.ok(d.observe([rejected()]));
  });

  it('takes the same error at another row of a statement for the same error', () => {
    const d = new RejectionStormDetector(1);
    const at = (row: number): StormSignal =>
      rejected(`ER_DATA_TOO_LONG: Data too long for column 'phone' at row ${row} (errno 1406, SQLSTATE 22001)`);
    assert.ok(d.observe([at(1), at(7)]));
  });
});

/** A domain whose every write the database rejects, like a CHECK constraint no row passes. */
function rejectingModule(accept: (id: string) => boolean): DomainHandler {
  return {
    name: 'probe',
    eventTypes: ['probe.put'],
    map: (envelope) => ({ entityId: String(envelope['id']), eventType: 'probe.put', eventId: null }),
    write: async (_em, commands: readonly DomainCommand[]): Promise<Outcome[]> => {
      if (commands.every((c) => accept(c.entityId))) return commands.map(() => 'applied');
      throw Object.assign(new Error('insert … values …'), {
        errno: 3819,
        code: 'ER_CHECK_CONSTRAINT_VIOLATED',
        sqlState: 'HY000',
        sqlMessage: "Check constraint 'c_never' is violated.",
      });
    },
  };
}

function records(ids: readonly string[], partition = 0): SourceRecord[] {
  return ids.map((id, i) => ({
    topic: 't',
    partition,
    offset: String(i),
    key: null,
    value: Buffer.from(JSON.stringify({ event_type: 'probe.put', id })),
    headers: {},
    timestamp: '0',
  }));
}

const hooks = { isStopping: () => false, heartbeat: async () => undefined };
const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('ChunkProcessor: a rejection storm', () => {
  it('publishes no dead letter of the chunk that passes the limit and ends the worker naming the error', async () => {
    const published: DeadLetter[] = [];
    const streaks: number[] = [];
    const processor = new ChunkProcessor({
      orm: { em: { fork: () => ({}) } } as unknown as MikroORM,
      registry: new HandlerRegistry([rejectingModule((id) => id.startsWith('ok'))]),
      deadLetters: { publish: async (letters) => void published.push(...letters) },
      logger: pino({ level: 'silent' }),
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      eventLogLevel: 'info',
      rejectionStormLimit: 8,
      observer: { ...noopObserver, rejectionStreak: (n) => void streaks.push(n) },
    });

    await processor.process(records(ids('bad', 6), 0), hooks);
    await processor.process(records(['bad', 'ok', 'bad', 'bad'], 1), hooks);
    assert.equal(published.length, 9, 'an accepted write in between: no storm yet');
    await processor.process(records(ids('bad', 4), 2), hooks);
    assert.equal(published.length, 13);
    assert.deepEqual(streaks, [6, 2, 6]);

    const storm = await processor.process(records(ids('bad', 5), 0), hooks).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(storm instanceof WorkerError);
    assert.equal(storm.code, 'REJECTION_STORM');
    assert.equal(storm.canRetry, false, 'ends the process');
    assert.match(storm.message, /rejected 9 records in a row .*REJECTION_STORM_LIMIT=8/);
    assert.match(storm.message, /Check constraint 'c_never' is violated\. \(errno 3819, SQLSTATE HY000\)/);
    assert.equal(published.length, 13, "none of the storm chunk's dead letters published");
  });
});

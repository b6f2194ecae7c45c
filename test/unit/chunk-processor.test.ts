import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MikroORM } from '@mikro-orm/mysql';
import pino from 'pino';
import { WorkerError } from '../../src/errors';
import { ChunkProcessor, type ChunkHooks } from '../../src/pipeline/chunk-processor';
import type { Outcome } from '../../src/common/outcome';
import type { DomainCommand, DomainHandler } from '../../src/pipeline/domain-module';
import { HandlerRegistry } from '../../src/pipeline/registry';
import type { DeadLetter, SourceRecord } from '../../src/pipeline/source-record';

/** A command of the probe domain: its size stands for its share of the statement's bytes. */
interface Probe extends DomainCommand {
  size: number;
}

const PACKET_TOO_LARGE = {
  errno: 1153,
  code: 'ER_NET_PACKET_TOO_LARGE',
  sqlState: '08S01',
  sqlMessage: "Got a packet bigger than 'max_allowed_packet' bytes",
};

/** A domain whose write fails like a server with a packet limit: the statement is the sum of its commands. */
function probeModule(write: (commands: readonly Probe[]) => Promise<Outcome[]>): DomainHandler<Probe> {
  return {
    name: 'probe',
    eventTypes: ['probe.put'],
    map: (envelope) => {
      if (envelope['bug']) (undefined as unknown as { x: number }).x = 1; // a TypeError, as a mapper bug would throw
      return {
        entityId: String(envelope['id']),
        eventType: 'probe.put',
        eventId: null,
        size: Number(envelope['size']),
      };
    },
    write: (_em, commands) => write(commands),
  };
}

function records(sizes: readonly number[], extra: Record<string, unknown> = {}): SourceRecord[] {
  return sizes.map((size, i) => ({
    topic: 't',
    partition: 0,
    offset: String(i),
    key: null,
    value: Buffer.from(JSON.stringify({ event_type: 'probe.put', id: `r${i}`, size, ...extra })),
    headers: {},
    timestamp: '0',
  }));
}

function processor(module: DomainHandler<Probe>, publish: (letters: readonly DeadLetter[]) => Promise<void>) {
  return new ChunkProcessor({
    orm: { em: { fork: () => ({}) } } as unknown as MikroORM,
    registry: new HandlerRegistry([module as unknown as DomainHandler]),
    deadLetters: { publish },
    logger: pino({ level: 'silent' }),
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
    eventLogLevel: 'info',
  });
}

/**
 * The consumer's hooks with a retry budget: past `maxRetries` retries (each heartbeats) the chunk
 * is told to stop, so a fault the code wrongly retries fails the test instead of hanging it.
 */
function boundedHooks(maxRetries = 20): ChunkHooks {
  let retries = 0;
  return { isStopping: () => retries > maxRetries, heartbeat: async () => void retries++ };
}

/**
 * A double for a call that must not happen. It records the call and returns normally: an
 * assertion thrown inside would be retried by the processor's retry loop (forever), not reported.
 */
function forbidden<A extends unknown[], R>(returns: (...args: A) => R): { fn: (...args: A) => R; calls: A[] } {
  const calls: A[] = [];
  return { fn: (...args: A) => (calls.push(args), returns(...args)), calls };
}

describe('ChunkProcessor: statement faults are narrowed to the records that cause them', () => {
  it('splits a too-large statement until the oversized records stand alone; dead-letters only them', async () => {
    const written: string[] = [];
    const module = probeModule(async (commands) => {
      if (commands.reduce((n, c) => n + c.size, 0) > 10)
        throw Object.assign(new Error('insert … values …'), PACKET_TOO_LARGE);
      written.push(...commands.map((c) => c.entityId));
      return commands.map(() => 'applied');
    });
    const letters: DeadLetter[] = [];
    const sizes = [3, 3, 11, 3, 3, 3, 12, 3];
    const outcomes = await processor(module, async (l) => void letters.push(...l)).process(
      records(sizes),
      boundedHooks(),
    );

    assert.deepEqual(
      outcomes,
      sizes.map((s) => (s > 10 ? 'dead_lettered' : 'applied')),
    );
    assert.deepEqual(written, ['r0', 'r1', 'r3', 'r4', 'r5', 'r7'], 'the rest written, in order');
    assert.deepEqual(
      letters.map((l) => [l.record.offset, l.reason]),
      [
        ['2', 'rejected_by_database'],
        ['6', 'rejected_by_database'],
      ],
    );
    assert.match(
      letters[0]?.error ?? '',
      /^ER_NET_PACKET_TOO_LARGE: Got a packet bigger than 'max_allowed_packet' bytes/,
    );
  });

  it('ends the process when every record fails alone: the fault is not in the records', async () => {
    const module = probeModule(async () => {
      throw Object.assign(new Error('x'), {
        errno: 1064,
        code: 'ER_PARSE_ERROR',
        sqlState: '42000',
        sqlMessage: "near 'x' at line 1",
      });
    });
    let published = 0;
    await assert.rejects(
      processor(module, async () => void published++).process(records([1, 1, 1]), boundedHooks()),
      (err: unknown) => err instanceof WorkerError && err.code === 'STATEMENT_ALWAYS_FAILS' && !err.canRetry,
    );
    assert.equal(published, 0, 'nothing dead-lettered');
  });
});

describe('ChunkProcessor: failures no retry can mend end the process; transient ones are retried', () => {
  it('turns a permanent database fault (missing table) into a WorkerError that cannot retry', async () => {
    let attempts = 0;
    const module = probeModule(async () => {
      attempts++;
      throw Object.assign(new Error('x'), {
        errno: 1146,
        code: 'ER_NO_SUCH_TABLE',
        sqlState: '42S02',
        sqlMessage: "Table 'a.users' doesn't exist",
      });
    });
    await assert.rejects(
      processor(module, async () => undefined).process(records([1, 1]), boundedHooks()),
      (err: unknown) =>
        err instanceof WorkerError &&
        err.code === 'DATABASE_REFUSED' &&
        !err.canRetry &&
        /ER_NO_SUCH_TABLE/.test(err.message),
    );
    assert.equal(attempts, 1, 'not retried, not split');
  });

  it('retries a lost connection until it succeeds, dead-lettering nothing', async () => {
    let attempts = 0;
    const module = probeModule(async (commands) => {
      if (++attempts < 4)
        throw Object.assign(new Error('insert … - read ECONNRESET'), { code: 'ECONNRESET', errno: -104, fatal: true });
      return commands.map(() => 'applied');
    });
    const publish = forbidden(async (_letters: readonly DeadLetter[]) => undefined);
    const outcomes = await processor(module, publish.fn).process(records([1, 1]), boundedHooks());
    assert.deepEqual(publish.calls, [], 'no dead letter');
    assert.deepEqual(outcomes, ['applied', 'applied']);
    assert.equal(attempts, 4);
  });

  it('ends the process when the broker refuses the dead letters for good', async () => {
    const module = probeModule(async () => {
      throw Object.assign(new Error('x'), {
        errno: 1406,
        code: 'ER_DATA_TOO_LONG',
        sqlState: '22001',
        sqlMessage: "Data too long for column 'bio' at row 1",
      });
    });
    let publishes = 0;
    await assert.rejects(
      processor(module, async () => {
        publishes++;
        throw new WorkerError('DEAD_LETTER_REFUSED', 'MESSAGE_TOO_LARGE', false);
      }).process(records([1]), boundedHooks()),
      (err: unknown) => err instanceof WorkerError && err.code === 'DEAD_LETTER_REFUSED',
    );
    assert.equal(publishes, 1, 'not retried');
  });

  it('retries a mapper bug (with its cause) instead of dead-lettering it as invalid_event', async () => {
    const write = forbidden(async (commands: readonly Probe[]) => commands.map((): Outcome => 'applied'));
    const publish = forbidden(async (_letters: readonly DeadLetter[]) => undefined);
    const outcome = await processor(probeModule(write.fn), publish.fn)
      .process(records([1], { bug: true }), boundedHooks())
      .then(
        (outcomes) => ({ outcomes }),
        (err: unknown) => ({ err }),
      );
    assert.deepEqual(publish.calls, [], 'no dead letter');
    assert.deepEqual(write.calls, [], 'nothing written');
    assert.ok('err' in outcome, `the chunk fails, not ${JSON.stringify(outcome)}`);
    const { err } = outcome;
    assert.ok(
      err instanceof WorkerError &&
        err.code === 'UNEXPECTED_MAPPING_ERROR' &&
        err.canRetry &&
        err.cause instanceof TypeError,
      String(err),
    );
  });
});

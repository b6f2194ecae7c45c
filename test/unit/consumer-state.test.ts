import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import pino from 'pino';
import { WorkerError } from '../../src/errors';
import { TopicConsumer } from '../../src/kafka/topic-consumer';
import type { ChunkProcessor } from '../../src/pipeline/chunk-processor';

const silent = pino({ level: 'silent' });
const EVENTS = {
  GROUP_JOIN: 'join',
  REBALANCING: 'rebalancing',
  STOP: 'stop',
  DISCONNECT: 'disconnect',
  CRASH: 'crash',
};

/** A TopicConsumer over a fake kafkajs consumer whose events the test emits, and the onFatal calls. */
function consumerWithEvents(processor = {} as ChunkProcessor) {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const handlers = new Map<string, (event: unknown) => void>();
  const emit = (name: string, payload: object = {}): void => handlers.get(name)?.({ payload });
  const fake = {
    events: EVENTS,
    on: (name: string, handler: (event: unknown) => void) => void handlers.set(name, handler),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: typeof eachBatch }) => void (eachBatch = config.eachBatch),
    disconnect: async () => emit(EVENTS.DISCONNECT),
  };
  const fatal: unknown[] = [];
  const consumer = new TopicConsumer(
    { consumer: () => fake } as unknown as Kafka,
    processor,
    { topic: 't', groupId: 'g', chunkSize: 10, partitionsConsumedConcurrently: 1, sessionTimeoutMs: 6000 },
    silent,
    (err) => fatal.push(err),
  );
  const join = (): void => emit(EVENTS.GROUP_JOIN, { memberAssignment: { t: [0] } });
  const batch = (partition: number): Promise<void> =>
    (eachBatch ?? assert.fail('not running'))({
      batch: {
        topic: 't',
        partition,
        highWatermark: '1',
        messages: [{ offset: '0', key: null, value: null, headers: {}, timestamp: '0' }],
      },
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  return { consumer, emit, join, fatal, batch };
}

describe('TopicConsumer state', () => {
  it('joins, rejoins after a rebalance, and stops for good', async () => {
    const { consumer, emit, join } = consumerWithEvents();
    assert.equal(consumer.state, 'created');
    await consumer.start();
    assert.equal(consumer.state, 'joining');
    join();
    assert.deepEqual([consumer.state, consumer.isJoined], ['joined', true]);
    emit(EVENTS.REBALANCING);
    assert.deepEqual([consumer.state, consumer.isJoined], ['joining', false]);
    join();
    await consumer.stop();
    assert.deepEqual([consumer.state, consumer.isJoined], ['stopped', false]);
    join();
    assert.equal(consumer.state, 'stopped', 'a late GROUP_JOIN does not undo the stop');
  });

  it('fails once when kafkajs will not restart, and a stop then keeps it failed', async () => {
    const { consumer, emit, join, fatal } = consumerWithEvents();
    await consumer.start();
    join();
    const crash = new Error('refused for good');
    emit(EVENTS.CRASH, { error: crash, restart: false });
    emit(EVENTS.CRASH, { error: new Error('again'), restart: false });
    assert.deepEqual([consumer.state, fatal], ['failed', [crash]], 'onFatal once');
    await consumer.stop();
    assert.equal(consumer.state, 'failed');
  });

  it('rejoins after a crash kafkajs restarts, and ignores a crash during a stop', async () => {
    const { consumer, emit, join, fatal } = consumerWithEvents();
    await consumer.start();
    join();
    emit(EVENTS.CRASH, { error: new Error('retriable'), restart: true });
    assert.equal(consumer.state, 'joining');
    const stopping = consumer.stop();
    assert.equal(consumer.state, 'stopping');
    join();
    assert.deepEqual([consumer.state, consumer.isJoined], ['stopping', false], 'no join during a stop');
    emit(EVENTS.CRASH, { error: new Error('during the stop'), restart: false });
    await stopping;
    assert.deepEqual([consumer.state, fatal], ['stopped', []]);
  });

  it('fails once when chunks of two partitions fail for good at the same time', async () => {
    let refuse: (err: unknown) => void = () => undefined;
    const refused = new Promise<never>((_, reject) => (refuse = reject));
    refused.catch(() => undefined);
    const { consumer, join, fatal, batch } = consumerWithEvents({
      process: () => refused,
    } as unknown as ChunkProcessor);
    await consumer.start();
    join();
    const batches = Promise.all([batch(0), batch(1)]);
    const err = new WorkerError('DATABASE_REFUSED', 'no table', false);
    refuse(err);
    await batches;
    assert.deepEqual([consumer.state, fatal], ['failed', [err]]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MikroORM } from '@mikro-orm/mysql';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import pino from 'pino';
import { TopicConsumer } from '../../src/kafka/topic-consumer';
import { WorkerMetrics } from '../../src/ops/metrics';
import { ChunkProcessor } from '../../src/pipeline/chunk-processor';
import type { Outcome } from '../../src/common/outcome';
import type { DomainHandler } from '../../src/pipeline/domain-module';
import { PartitionProgress } from '../../src/pipeline/partition-progress';
import { HandlerRegistry } from '../../src/pipeline/registry';

const silent = pino({ level: 'silent' });

/** A kafkajs client whose consumer hands the test its eachBatch handler instead of fetching. */
function fakeKafka(): { kafka: Kafka; eachBatch: () => (payload: EachBatchPayload) => Promise<void> } {
  let handler: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: { GROUP_JOIN: 'join', REBALANCING: 'rebalancing', STOP: 'stop', DISCONNECT: 'disconnect', CRASH: 'crash' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) =>
      void (handler = config.eachBatch),
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    eachBatch: () => handler ?? assert.fail('not running'),
  };
}

function line(text: string, series: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(`${series} `));
}

describe('what an operator sees', () => {
  it('a partition whose offset commit failed does not look busy (stuck) afterwards', async () => {
    let now = 0;
    const progress = new PartitionProgress(1000, () => now);
    const { kafka, eachBatch } = fakeKafka();
    const processor = { process: async () => [] } as unknown as ChunkProcessor;
    const options = {
      topic: 't',
      groupId: 'g',
      chunkSize: 10,
      partitionsConsumedConcurrently: 1,
      sessionTimeoutMs: 6000,
    };
    const consumer = new TopicConsumer(kafka, processor, { ...options, progress }, silent, () => undefined);
    await consumer.start();
    await eachBatch()({
      batch: {
        topic: 't',
        partition: 0,
        highWatermark: '1',
        messages: [{ offset: '0', key: null, value: null, headers: {}, timestamp: '0' }],
      },
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      commitOffsetsIfNecessary: async () => {
        throw new Error('The coordinator is not aware of this member');
      },
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);
    now = 60_000;
    assert.deepEqual(progress.stuck(), []);
  });

  it('shows read-only write failures apart from an outage, and clears both after a write', async () => {
    const metrics = new WorkerMetrics();
    const failures: unknown[] = [
      Object.assign(new Error('read only'), {
        errno: 1290,
        code: 'ER_OPTION_PREVENTS_STATEMENT',
        sqlState: 'HY000',
        sqlMessage: 'The MySQL server is running with the --read-only option so it cannot execute this statement',
      }),
    ];
    const seen: string[] = [];
    const module: DomainHandler = {
      name: 'probe',
      eventTypes: ['probe.put'],
      map: (envelope) => ({ entityId: String(envelope['id']), eventType: 'probe.put', eventId: null }),
      write: async (_em, commands): Promise<Outcome[]> => {
        const text = await metrics.registry.metrics();
        seen.push(`${line(text, 'worker_database_up')} ${line(text, 'worker_database_read_only')}`);
        const failure = failures.shift();
        if (failure) throw failure;
        return commands.map(() => 'applied');
      },
    };
    const processor = new ChunkProcessor({
      orm: { em: { fork: () => ({}) } } as unknown as MikroORM,
      registry: new HandlerRegistry([module]),
      deadLetters: { publish: async () => undefined },
      logger: silent,
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      eventLogLevel: 'info',
      observer: metrics,
    });
    const value = Buffer.from(JSON.stringify({ event_type: 'probe.put', id: 'a' }));
    const record = { topic: 't', partition: 0, offset: '0', key: null, value, headers: {}, timestamp: '0' };
    await processor.process([record], { isStopping: () => false, heartbeat: async () => undefined });
    const after = await metrics.registry.metrics();
    seen.push(`${line(after, 'worker_database_up')} ${line(after, 'worker_database_read_only')}`);
    assert.deepEqual(seen, [
      'worker_database_up 1 worker_database_read_only 0',
      'worker_database_up 0 worker_database_read_only 1',
      'worker_database_up 1 worker_database_read_only 0',
    ]);
  });

  it('gives lag in seconds from the last durable record, 0 when caught up, and drops partitions moved away', async () => {
    const metrics = new WorkerMetrics();
    const tenMinutesAgo = Date.now() - 600_000;
    metrics.lag('t', 0, 5, tenMinutesAgo);
    metrics.lag('t', 1, 0, tenMinutesAgo);
    metrics.lag('t', 2, 7); // nothing durable yet: no age known
    let text = await metrics.registry.metrics();
    const seconds = Number(line(text, 'worker_consumer_lag_seconds{topic="t",partition="0"}')?.split(' ')[1]);
    assert.ok(seconds >= 600 && seconds < 660, `${seconds} s behind`);
    assert.equal(
      line(text, 'worker_consumer_lag_seconds{topic="t",partition="1"}'),
      'worker_consumer_lag_seconds{topic="t",partition="1"} 0',
    );
    assert.equal(line(text, 'worker_consumer_lag_seconds{topic="t",partition="2"}'), undefined);
    metrics.assigned('t', [1]);
    text = await metrics.registry.metrics();
    assert.equal(line(text, 'worker_consumer_lag{topic="t",partition="0"}'), undefined);
    assert.equal(line(text, 'worker_consumer_lag{topic="t",partition="2"}'), undefined);
    assert.equal(line(text, 'worker_consumer_lag_seconds{topic="t",partition="0"}'), undefined);
    assert.ok(line(text, 'worker_consumer_lag{topic="t",partition="1"}'));
  });
});

import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { canRetry, describeError, errorStack, StoppedError, WorkerError } from '../errors';
import type { ChunkProcessor, ChunkHooks } from '../pipeline/chunk-processor';
import type { PartitionProgress } from '../pipeline/partition-progress';
import { noopObserver, type PipelineObserver } from '../pipeline/pipeline-observer';
import type { SourceRecord } from '../pipeline/source-record';
import { backoffDelayMs, sleepUnlessStopping, type RetryPolicy } from '../pipeline/retry';
import { DEFAULT_DECOMPRESSED_BATCH_MAX_BYTES } from './codecs';
import { KAFKA_RETRY } from './kafka-client';
import { watchOversizedBatches } from './oversized-batch';

const SUBSCRIBE_ATTEMPTS = 20;
const MID_BATCH_COMMIT_INTERVAL_MS = 1000;
// kafkajs sends a heartbeat only once its heartbeatInterval has passed, so asking often is cheap.
const HEARTBEAT_EVERY_MS = 1000;
// Backoff before a failed chunk is fetched again, and while a topic being created is awaited.
const FAILED_CHUNK_BACKOFF: RetryPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000 };
const SUBSCRIBE_BACKOFF: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 5000 };
// Heartbeat answers meaning the group moved on: the partition may now belong to another member.
const GROUP_MOVED = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID']);

/** Settings of the consuming loop. */
export interface TopicConsumerOptions {
  topic: string;
  groupId: string;
  chunkSize: number;
  partitionsConsumedConcurrently: number;
  sessionTimeoutMs: number;
  /** Where the consumer reports work and progress per partition (for readiness). */
  progress?: PartitionProgress;
  /** DECOMPRESSED_BATCH_MAX_BYTES: a batch past it ends the process. */
  decompressedBatchMaxBytes?: number;
}

/**
 * Where the consumer is: created → joining ⇄ joined (a rebalance or a restarted crash rejoins)
 * → stopping → stopped; failed (kafkajs gave up, or no retry mends a chunk) ends it for good.
 */
export type ConsumerState = 'created' | 'joining' | 'joined' | 'stopping' | 'stopped' | 'failed';

// The moves allowed from each state; any other is ignored (a late GROUP_JOIN during a stop, a second failure).
const NEXT: Readonly<Record<ConsumerState, readonly ConsumerState[]>> = {
  created: ['joining', 'stopping', 'failed'],
  joining: ['joined', 'stopping', 'failed'],
  joined: ['joining', 'stopping', 'failed'],
  stopping: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

/**
 * Consumes one topic in a group with eachBatch and hands each batch to the processor in chunks.
 * An offset is resolved (and then committed) only after its chunk is durable.
 */
export class TopicConsumer {
  private readonly consumer: Consumer;
  private current: ConsumerState = 'created';
  /** Settles when a stop (or a fatal failure) is requested: chunks in hand are then abandoned. */
  private readonly stopRequested: Promise<void>;
  private requestStop: () => void = () => undefined;
  /** Consecutive failed chunks per partition, for the backoff before the next attempt. */
  private readonly failures = new Map<string, number>();

  constructor(
    kafka: Kafka,
    private readonly processor: ChunkProcessor,
    private readonly options: TopicConsumerOptions,
    private readonly logger: Logger,
    /** Called when kafkajs reports a crash it will not recover from. */
    private readonly onFatal: (err: unknown) => void,
    private readonly observer: PipelineObserver = noopObserver,
  ) {
    this.stopRequested = new Promise((resolve) => (this.requestStop = resolve));
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      retry: { ...KAFKA_RETRY },
      // Bounded prefetch keeps memory flat during a replay of months of history.
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 4 * 1024 * 1024,
      maxWaitTimeInMs: 500,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.moveTo('joined');
      options.progress?.reset();
      this.observer.assigned(options.topic, event.payload.memberAssignment[options.topic] ?? []);
    });
    for (const event of [
      this.consumer.events.REBALANCING,
      this.consumer.events.STOP,
      this.consumer.events.DISCONNECT,
    ]) {
      this.consumer.on(event, () => this.moveTo('joining'));
    }
    const { topic, groupId, decompressedBatchMaxBytes: maxBytes = DEFAULT_DECOMPRESSED_BATCH_MAX_BYTES } = options;
    watchOversizedBatches(kafka, { topic, groupId, maxBytes }, logger, (err) => this.fail(err));
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.moveTo('joining');
      this.logger.error({ err: describeError(error), restart }, 'consumer crashed');
      if (!restart && !this.isStopping) this.fail(error);
    });
  }

  /** Where the consumer is; `failed` means the process is on its way out. */
  get state(): ConsumerState {
    return this.current;
  }

  /** True while the consumer is in its group (readiness). */
  get isJoined(): boolean {
    return this.current === 'joined';
  }

  /** True once a stop or a failure is under way: chunks in hand are abandoned, nothing more committed. */
  private get isStopping(): boolean {
    return this.current === 'stopping' || this.current === 'stopped' || this.current === 'failed';
  }

  /** The one place the state changes; false (and no change) for a move NEXT does not allow. */
  private moveTo(next: ConsumerState): boolean {
    if (!NEXT[this.current].includes(next)) return false;
    this.current = next;
    return true;
  }

  /** Connects, subscribes (a new group starts at the earliest offset) and starts the loop. */
  async start(): Promise<void> {
    this.moveTo('joining');
    await this.consumer.connect();
    await this.subscribe();
    await this.consumer.run({
      // kafkajs commits what was resolved at the end of every batch; within a long batch (a
      // replay) commitOffsetsIfNecessary commits at most once per interval, sparing a broker
      // round trip per chunk; a crash re-delivers at most that much, which the guards make harmless.
      autoCommit: true,
      autoCommitInterval: MID_BATCH_COMMIT_INTERVAL_MS,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** A topic that is being created (or not yet created) is waited for, up to about a minute. */
  private async subscribe(): Promise<void> {
    const { topic } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.consumer.subscribe({ topic, fromBeginning: true });
        return;
      } catch (err) {
        if (attempt >= SUBSCRIBE_ATTEMPTS || this.isStopping) {
          throw new Error(`cannot subscribe to topic "${topic}" (KAFKA_TOPIC): ${describeError(err)}`);
        }
        this.logger.warn({ topic, attempt, err: describeError(err) }, 'topic not ready; waiting');
        await sleepUnlessStopping(backoffDelayMs(attempt, SUBSCRIBE_BACKOFF), () => this.isStopping);
      }
    }
  }

  /**
   * Stops fetching, abandons the chunks in hand (uncommitted, even if the database or the broker
   * hangs under them), commits what was written and leaves the group, so a successor takes the
   * partitions at once instead of after the session timeout.
   */
  async stop(): Promise<void> {
    this.moveTo('stopping');
    this.requestStop();
    await this.consumer.disconnect();
    this.moveTo('stopped');
  }

  /** Ends the worker: every partition abandons its chunk (nothing more is committed), then onFatal. */
  private fail(err: unknown): void {
    if (!this.moveTo('failed')) return; // once: failed is final, and a finished stop is not undone
    this.requestStop();
    this.onFatal(err);
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const progress = this.options.progress;
    let groupMoved = false;
    const beat = async (): Promise<void> => {
      try {
        await heartbeat();
      } catch (err) {
        if (GROUP_MOVED.has((err as { type?: string }).type ?? '')) groupMoved = true;
      }
    };
    const hooks: ChunkHooks = {
      // isStale() is true after a seek; a rebalance shows in the heartbeat's answer.
      isStopping: () => this.isStopping || !isRunning() || isStale() || groupMoved,
      heartbeat: beat,
    };
    // Heartbeats go on while a chunk is written or retried: one slow write must not cost the
    // group membership (the session timeout counts from the last heartbeat).
    const beating = setInterval(() => void beat(), HEARTBEAT_EVERY_MS);
    progress?.working(topic, partition);
    // Behind by the whole batch until a chunk is durable: a write that hangs shows as lag.
    const first = batch.messages[0];
    if (first) this.observer.lag(topic, partition, Number(BigInt(batch.highWatermark) - BigInt(first.offset)));
    try {
      const { chunkSize } = this.options;
      for (let start = 0; start < batch.messages.length; start += chunkSize) {
        if (hooks.isStopping()) return;
        const chunk = batch.messages.slice(start, start + chunkSize);
        const records = chunk.map((m) => toSourceRecord(topic, partition, m));
        try {
          // kafkajs leaves the group only once every eachBatch has returned: a chunk whose
          // statement hangs must not hold the stop, so it is abandoned, nothing of it resolved.
          if (!(await this.unlessStopped(this.processor.process(records, hooks)))) return;
        } catch (err) {
          // Never let an error escape: kafkajs would stop the consumer for good on a TypeError.
          // Nothing of this chunk is resolved, so it is fetched again.
          await this.chunkFailed(err, topic, partition);
          return;
        }
        this.failures.delete(`${topic}/${partition}`);
        progress?.progressed(topic, partition);
        const last = chunk[chunk.length - 1] as KafkaMessage;
        resolveOffset(last.offset);
        const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
        this.observer.lag(topic, partition, lag, Number(last.timestamp));
        try {
          await commitOffsetsIfNecessary();
          await heartbeat();
        } catch (err) {
          // The write is durable; a failed commit only means a replay of this chunk later.
          this.logger.warn({ err: describeError(err), partition }, 'offset commit failed');
          progress?.idle(topic, partition); // not stuck: the chunk is durable, its commit is retried later
          return;
        }
      }
      progress?.idle(topic, partition);
    } finally {
      clearInterval(beating);
    }
  }

  /** True once `work` is done; false as soon as a stop is requested (the work goes on unawaited). */
  private unlessStopped(work: Promise<unknown>): Promise<boolean> {
    return Promise.race([work.then(() => true), this.stopRequested.then(() => false)]);
  }

  /** A chunk that failed: end the worker if no retry can mend it, else wait (backoff) and let it be fetched again. */
  private async chunkFailed(err: unknown, topic: string, partition: number): Promise<void> {
    if (err instanceof StoppedError) return;
    if (!canRetry(err)) {
      this.logger.fatal(
        { err: describeError(err), code: err instanceof WorkerError ? err.code : undefined, topic, partition },
        'a failure no retry can mend; nothing of the chunk is committed',
      );
      this.fail(err);
      return;
    }
    const key = `${topic}/${partition}`;
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delayMs = backoffDelayMs(failures, FAILED_CHUNK_BACKOFF);
    const stack = errorStack(err); // a bug's stack; never a driver error's (it may quote the SQL)
    this.logger.error(
      { err: describeError(err), ...(stack && { stack }), topic, partition, failures, delayMs },
      'chunk failed; it will be retried',
    );
    await sleepUnlessStopping(delayMs, () => this.isStopping);
  }
}

function toSourceRecord(topic: string, partition: number, m: KafkaMessage): SourceRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key,
    value: m.value,
    headers: m.headers ?? {},
    timestamp: m.timestamp,
  };
}

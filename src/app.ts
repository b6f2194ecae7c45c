import type { MikroORM } from '@mikro-orm/mysql';
import type { Logger } from 'pino';
import type { Config } from './config';
import { isDatabaseReachable, openDatabase } from './db/database';
import { checkDatabaseTls, DatabaseTlsError } from './db/database-tls-check';
import { checkDatabaseAtStartup } from './db/startup-check';
import { StartupFaultError } from './db/startup-faults';
import { domainEntities, domainModules } from './domains';
import { describeError } from './errors';
import { checkBrokerCertificates } from './kafka/broker-certificate-check';
import { DeadLetterPublisher } from './kafka/dead-letter-publisher';
import { createKafka } from './kafka/kafka-client';
import { TopicConsumer } from './kafka/topic-consumer';
import { OpsHttpServer } from './ops/http-server';
import { WorkerMetrics } from './ops/metrics';
import { ChunkProcessor } from './pipeline/chunk-processor';
import { PartitionProgress } from './pipeline/partition-progress';
import { tableHandler } from './pipeline/domain-module';
import { HandlerRegistry } from './pipeline/registry';
import { retryForever } from './pipeline/retry';

// The stop's steps end within this share of SHUTDOWN_TIMEOUT_MS, leaving the rest to log and exit.
const STOP_SHARE_OF_TIMEOUT = 0.8;
// How long statements in flight at the stop may take to end before their connections are destroyed.
const DATABASE_CLOSE_GRACE_MS = 1000;

/**
 * Where the worker is: created → starting → running → stopping → stopped. A stop may come at any
 * point; failed (a fault no retry mends, reported through onFatal) still lets a stop release everything.
 */
export type AppState = 'created' | 'starting' | 'running' | 'failed' | 'stopping' | 'stopped';

// The moves allowed from each state; any other is ignored.
const NEXT: Readonly<Record<AppState, readonly AppState[]>> = {
  created: ['starting', 'stopping'],
  starting: ['running', 'failed', 'stopping'],
  running: ['failed', 'stopping'],
  failed: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

/** The composition root: builds the worker's parts, starts them, stops them in reverse. */
export class App {
  /** Each step of the stop, told how much of the stop's time is left. */
  private readonly cleanups: Array<{ name: string; run: (leftMs: number) => Promise<void> }> = [];
  private current: AppState = 'created';
  /** The stop under way, so that a second stop() waits for the same one. */
  private stopDone: Promise<void> | undefined;
  /** The processor, for counters (null until started). */
  processor: ChunkProcessor | null = null;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly onFatal: (err: unknown) => void,
  ) {}

  /** Where the worker is. */
  get state(): AppState {
    return this.current;
  }

  /** True once a stop was asked for: start-up gives up and nothing more is consumed. */
  get isStopping(): boolean {
    return this.current === 'stopping' || this.current === 'stopped';
  }

  /** The one place the state changes; false (and no change) for a move NEXT does not allow. */
  private moveTo(next: AppState): boolean {
    if (!NEXT[this.current].includes(next)) return false;
    this.current = next;
    return true;
  }

  /** A fault no retry mends: recorded, then handed to main's onFatal (which ends the process). */
  private readonly fatal = (err: unknown): void => {
    this.moveTo('failed');
    this.onFatal(err);
  };

  /**
   * Checks the database (retrying while it is unreachable, failing at once on what no retry
   * mends), then connects to Kafka, serves the ops endpoints and starts consuming.
   */
  async start(): Promise<void> {
    const { config, logger } = this;
    this.moveTo('starting');
    const registry = new HandlerRegistry(domainModules.map(tableHandler));
    const progress = new PartitionProgress(config.partitionStuckMs);
    const metrics = new WorkerMetrics(progress, config.rejectionStormLimit);

    const database = await openDatabase(config.mysql, domainEntities);
    const { orm } = database;
    // Statements in flight get a moment to end; then their sockets are destroyed (spec §8).
    this.cleanups.push({
      name: 'database',
      run: (leftMs) => database.close(Math.min(DATABASE_CLOSE_GRACE_MS, leftMs / 2)),
    });

    const kafka = createKafka(
      { brokers: config.kafka.brokers, clientId: config.kafka.clientId, security: config.kafka.security },
      logger,
    );
    await checkBrokerCertificates(config.kafka.brokers, config.kafka.security);
    const deadLetters = new DeadLetterPublisher(
      kafka,
      config.kafka.dlqTopic,
      logger.child({ component: 'dead-letters' }),
    );
    this.processor = new ChunkProcessor({
      orm,
      registry,
      deadLetters,
      logger: logger.child({ component: 'pipeline' }),
      retry: config.retry,
      eventLogLevel: config.eventLogLevel,
      observer: metrics,
      rejectionStormLimit: config.rejectionStormLimit,
    });
    const consumer = new TopicConsumer(
      kafka,
      this.processor,
      {
        topic: config.kafka.topic,
        groupId: config.kafka.groupId,
        chunkSize: config.writeChunkSize,
        partitionsConsumedConcurrently: config.kafka.partitionsConsumedConcurrently,
        sessionTimeoutMs: config.kafka.sessionTimeoutMs,
        progress,
        decompressedBatchMaxBytes: config.kafka.decompressedBatchMaxBytes,
      },
      logger.child({ component: 'consumer' }),
      this.fatal,
      metrics,
    );

    let databaseChecked = false;
    const ops = new OpsHttpServer(
      config.httpPort,
      metrics.registry,
      [
        { name: 'database_checked', check: () => databaseChecked },
        { name: 'kafka_group_joined', check: () => consumer.isJoined },
        { name: 'database_writes_ok', check: () => metrics.databaseOk },
        { name: 'database_reachable', check: () => isDatabaseReachable(orm) },
        { name: 'no_partition_stuck', check: () => progress.stuck().length === 0 },
      ],
      logger.child({ component: 'http' }),
    );
    // Up before the database check, so /readyz answers 503 while the database is awaited.
    await ops.start();
    this.cleanups.push({ name: 'http server', run: () => ops.stop() });

    await this.awaitDatabase(orm);
    databaseChecked = true;

    await deadLetters.connect();
    this.cleanups.push({ name: 'dead-letter producer', run: () => deadLetters.disconnect() });
    this.cleanups.push({ name: 'consumer', run: () => consumer.stop() });
    await consumer.start();
    if (consumer.state === 'failed') return; // onFatal is already exiting the process
    this.moveTo('running');
    logger.info(
      { topic: config.kafka.topic, groupId: config.kafka.groupId, eventTypes: registry.eventTypes },
      'worker started',
    );
  }

  /**
   * Retries the start-up check while the database is unreachable (it may be starting); a
   * StartupFaultError (credentials, database, privileges, migrations) or a refused TLS handshake
   * ends the wait at once.
   */
  private awaitDatabase(orm: MikroORM): Promise<void> {
    const check = async (): Promise<void> => {
      await checkDatabaseTls(orm, this.config.mysql);
      await checkDatabaseAtStartup(orm, this.config.mysql);
    };
    return retryForever(check, this.config.retry, {
      isStopping: () => this.isStopping,
      isRetryable: (err) => !(err instanceof StartupFaultError || err instanceof DatabaseTlsError),
      onRetry: (err, attempt, delayMs) =>
        this.logger.warn({ attempt, delayMs, err: describeError(err) }, 'database not reachable at start-up; retrying'),
    });
  }

  /**
   * Releases everything in reverse order of creation, within a share of SHUTDOWN_TIMEOUT_MS: a step
   * still waiting on a server that hangs when its time is up is left behind (the process exit ends
   * it), so the stop ends in time whatever the database or the broker does. Safe to call twice.
   */
  stop(): Promise<void> {
    this.moveTo('stopping');
    this.stopDone ??= (async () => {
      const deadline = Date.now() + this.config.shutdownTimeoutMs * STOP_SHARE_OF_TIMEOUT;
      for (const { name, run } of this.cleanups.reverse()) {
        const leftMs = Math.max(0, deadline - Date.now());
        try {
          if (!(await withinMs(run(leftMs), leftMs))) {
            this.logger.warn({ step: name }, `stopping ${name} did not end in time; left behind`);
          }
        } catch (err) {
          this.logger.warn({ err: describeError(err) }, `stopping ${name} failed`);
        }
      }
      this.moveTo('stopped');
    })();
    return this.stopDone;
  }
}

/** True when `work` ends within ms, false otherwise (the work goes on unawaited). */
async function withinMs(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

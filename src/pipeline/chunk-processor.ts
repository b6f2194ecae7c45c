/**
 * The units of work, one word each:
 * - batch: what kafkajs' eachBatch hands over, the fetched records of one partition;
 * - chunk: up to WRITE_CHUNK_SIZE consecutive records of one batch, processed here: written in one
 *   transaction per domain, dead letters published, and only then its offsets resolved;
 * - statement: a group of same-kind commands of a chunk sent as one multi-row SQL statement.
 */
import type { MikroORM } from '@mikro-orm/mysql';
import type { Logger } from 'pino';
import { groupBy } from '../common/group-by';
import { InvalidEventError } from '../common/invalid-event-error';
import type { Outcome } from '../common/outcome';
import {
  canRetry,
  classifyDbError,
  describeError,
  errorStack,
  isReadOnlyError,
  StoppedError,
  WorkerError,
  type FailureClass,
} from '../errors';
import { decodeEnvelope } from './decode';
import type { DomainCommand, DomainHandler } from './domain-module';
import { noopObserver, type PipelineObserver } from './pipeline-observer';
import type { HandlerRegistry } from './registry';
import { RejectionStormDetector, type StormSignal } from './rejection-storm';
import { retryForever, type RetryPolicy } from './retry';
import type { DeadLetter, DeadLetterSink, SourceRecord } from './source-record';

/** Per-outcome counters since start (the metrics endpoint will expose them). */
export type OutcomeCounts = Record<Outcome, number>;

/** Signals from the consumer while a chunk is in hand. */
export interface ChunkHooks {
  /**
   * True when the chunk must be abandoned: shutdown, or the consumer learnt that the partition
   * may have moved (a rebalance reported by a heartbeat, a seek). A partition lost silently is
   * not seen here; its chunk is then written twice, which the guarded writes make harmless.
   */
  isStopping(): boolean;
  /** Keeps group membership alive during long retries. */
  heartbeat(): Promise<void>;
}

/** Collaborators of the processor. */
export interface ChunkProcessorDeps {
  orm: MikroORM;
  registry: HandlerRegistry;
  deadLetters: DeadLetterSink;
  logger: Logger;
  retry: RetryPolicy;
  /** pino level of the per-event `[EVENT_TYPE] <id>` line. */
  eventLogLevel: string;
  observer?: PipelineObserver;
  /** Consecutive records the database may reject with the same error before the worker stops (spec §5). */
  rejectionStormLimit?: number;
}

/** The default of REJECTION_STORM_LIMIT. */
export const DEFAULT_REJECTION_STORM_LIMIT = 100;

/** One record on its way through the chunk. */
interface Entry {
  record: SourceRecord;
  command?: DomainCommand;
  module?: DomainHandler;
  letter?: DeadLetter;
  /** Why the database refused this record alone (set with letter). */
  refusal?: FailureClass;
  outcome?: Outcome;
}

/**
 * Turns a chunk of records (in offset order) into durable effects: table writes through the
 * domain modules and dead letters. Resolves only when all of them are durable, so the caller
 * may then commit the chunk's offsets. Throws StoppedError if told to stop first.
 */
export class ChunkProcessor {
  readonly counts: OutcomeCounts = { applied: 0, stale: 0, missing: 0, tombstone: 0, dead_lettered: 0 };

  private readonly observer: PipelineObserver;
  /** Whether each outcome's log line is enabled: per-event lines are not even built when off. */
  private readonly logged: Record<Outcome, boolean>;
  /** One for the whole stream: a storm counts across chunks and partitions. */
  private readonly storm: RejectionStormDetector;
  /** Write retry loops now failing (any partition): the database is healthy when none is. */
  private failingWrites = 0;

  constructor(private readonly deps: ChunkProcessorDeps) {
    this.observer = deps.observer ?? noopObserver;
    this.storm = new RejectionStormDetector(deps.rejectionStormLimit ?? DEFAULT_REJECTION_STORM_LIMIT);
    const on = (level: string): boolean => deps.logger.isLevelEnabled(level);
    this.logged = {
      applied: on(deps.eventLogLevel),
      stale: on('debug'),
      missing: on('warn'),
      tombstone: on('debug'),
      dead_lettered: on('warn'),
    };
  }

  /** Processes one chunk; returns one outcome per record, in order. */
  async process(records: readonly SourceRecord[], hooks: ChunkHooks): Promise<Outcome[]> {
    const started = performance.now();
    const entries: Entry[] = records.map((record) => this.classify(record));

    const byModule = groupBy(
      entries.filter((e) => e.module),
      (e) => e.module as DomainHandler,
    );
    for (const [module, pending] of byModule) {
      await this.writeIsolating(module, pending, hooks);
      assertNarrowed(module, pending);
    }
    this.checkStorm(entries);

    const letters = entries.flatMap((e) => (e.letter ? [e.letter] : []));
    if (letters.length > 0) {
      await retryForever(() => this.deps.deadLetters.publish(letters), this.deps.retry, {
        isStopping: hooks.isStopping,
        // A publish the broker refuses for good (record too large, not authorized) ends the
        // process: nothing of the chunk is committed, so nothing is lost.
        isRetryable: canRetry,
        onRetry: (err, attempt, delayMs) => {
          this.observer.retried('dead_letter');
          return this.onRetry('dead-letter publish', err, attempt, delayMs, hooks);
        },
      });
      for (const entry of entries) if (entry.letter) entry.outcome = 'dead_lettered';
    }

    this.observer.chunkDone(records.length, (performance.now() - started) / 1000);
    for (const entry of entries) this.report(entry);
    return entries.map((e) => e.outcome as Outcome);
  }

  /** Pure part: tombstone, dead letter (with its reason) or a command for a domain. */
  private classify(record: SourceRecord): Entry {
    if (record.value === null) return { record, outcome: 'tombstone' };
    try {
      const envelope = decodeEnvelope(record.value);
      const module = this.deps.registry.moduleFor(envelope.event_type);
      if (!module) {
        throw new InvalidEventError(
          'unknown_event_type',
          `event_type "${envelope.event_type}" has no handler`,
          'event_type',
        );
      }
      return { record, module, command: module.map(envelope, { recordTimestamp: record.timestamp }) };
    } catch (err) {
      if (err instanceof InvalidEventError)
        return { record, letter: { record, reason: err.reason, error: err.message } };
      // A bug in a mapper must not quietly divert the stream to the dead-letter topic: the chunk
      // fails, its stack is logged and it is retried (the partition shows as stuck on /readyz).
      throw new WorkerError(
        'UNEXPECTED_MAPPING_ERROR',
        `mapping ${record.topic}/${record.partition}@${record.offset} failed unexpectedly (a bug)`,
        true,
        { cause: err },
      );
    }
  }

  /**
   * Writes a domain's commands of the chunk, retrying transient failures. When the database
   * rejects a row's content or a statement fails deterministically (too large, cannot parse),
   * splits them in halves (keeping order) until the records that cause it stand alone, then
   * dead-letters them.
   * A permanent failure (missing table, no privilege) ends the process with the reason.
   */
  private async writeIsolating(module: DomainHandler, pending: Entry[], hooks: ChunkHooks): Promise<void> {
    try {
      const written = await this.writeRetrying(module, pending, hooks);
      pending.forEach((entry, i) => (entry.outcome = written[i]));
    } catch (err) {
      if (err instanceof StoppedError) throw err;
      const failure = classifyDbError(err);
      if (failure !== 'row_rejected' && failure !== 'statement_rejected') {
        throw new WorkerError(
          'DATABASE_REFUSED',
          `${module.name} write failed for good (no retry can mend it): ${describeError(err)}`,
          false,
          { cause: err },
        );
      }
      if (pending.length === 1) {
        const only = pending[0] as Entry;
        only.letter = { record: only.record, reason: 'rejected_by_database', error: describeError(err) };
        only.refusal = failure;
        return;
      }
      const middle = Math.ceil(pending.length / 2);
      await this.writeIsolating(module, pending.slice(0, middle), hooks);
      await this.writeIsolating(module, pending.slice(middle), hooks);
    }
  }

  /** One write, retrying transient failures; the database is unhealthy only while some write is failing. */
  private async writeRetrying(module: DomainHandler, pending: Entry[], hooks: ChunkHooks): Promise<Outcome[]> {
    let failing = false;
    try {
      return await retryForever(
        () =>
          module.write(
            this.deps.orm.em.fork(),
            pending.map((e) => e.command as DomainCommand),
          ),
        this.deps.retry,
        {
          isStopping: hooks.isStopping,
          isRetryable: (err) => classifyDbError(err) === 'transient',
          onRetry: (err, attempt, delayMs) => {
            if (!failing) this.failingWrites++;
            failing = true;
            this.observer.retried('database');
            this.observer.databaseHealthy(false, isReadOnlyError(err));
            return this.onRetry(`${module.name} write`, err, attempt, delayMs, hooks);
          },
        },
      );
    } finally {
      if (failing) this.failingWrites--;
      if (this.failingWrites === 0) this.observer.databaseHealthy(true);
    }
  }

  /**
   * Ends the worker, before the chunk's dead letters are published, once the database has rejected
   * more than REJECTION_STORM_LIMIT records in a row with the same error: nothing of the chunk is
   * committed, so after the fix a restart applies it.
   */
  private checkStorm(entries: readonly Entry[]): void {
    const storm = this.storm.observe(entries.map(stormSignal));
    this.observer.rejectionStreak(this.storm.consecutive);
    if (!storm) return;
    throw new WorkerError(
      'REJECTION_STORM',
      `the database rejected ${storm.count} records in a row with the same error and accepted none ` +
        `(REJECTION_STORM_LIMIT=${this.storm.limit}), a schema change gone wrong? ${storm.error}. ` +
        'Nothing more is dead-lettered: fix the schema and restart; the records not dead-lettered are applied then',
      false,
    );
  }

  private async onRetry(
    what: string,
    err: unknown,
    attempt: number,
    delayMs: number,
    hooks: ChunkHooks,
  ): Promise<void> {
    const stack = errorStack(err); // a bug's stack; never a driver error's (it may quote the SQL)
    this.deps.logger.warn(
      { attempt, delayMs, err: describeError(err), ...(stack && { stack }) },
      `${what} failed; retrying`,
    );
    await hooks.heartbeat();
  }

  private report({ record, command, letter, outcome = 'dead_lettered' }: Entry): void {
    this.counts[outcome]++;
    this.observer.recordDone(outcome, command?.eventType, letter?.reason);
    if (!this.logged[outcome]) return;
    const log = this.deps.logger;
    const where = { partition: record.partition, offset: record.offset };
    if (outcome === 'tombstone') {
      log.debug(where, 'tombstone skipped');
    } else if (outcome === 'dead_lettered') {
      // Names the record (spec §7): topic, partition, offset and, once the event was read, its entity (the user).
      const source = { topic: record.topic, ...where, ...(command && { entity_id: command.entityId }) };
      log.warn({ ...source, reason: letter?.reason, error: letter?.error }, 'dead-lettered');
    } else if (command) {
      const fields = { ...where, event_id: command.eventId };
      if (outcome === 'applied') {
        const tag = command.eventType.replace(/\./g, '_').toUpperCase();
        log[this.deps.eventLogLevel as 'info'](fields, `[${tag}] ${command.entityId}`);
      } else if (outcome === 'stale') {
        log.debug(fields, `stale ${command.eventType} skipped for ${command.entityId}`);
      } else {
        log.warn(fields, `${command.eventType} for unknown ${command.entityId}: nothing to delete`);
      }
    }
  }
}

/** What a record tells the storm detector: a database rejection, a write it accepted, or neither. */
function stormSignal(entry: Entry): StormSignal {
  if (entry.refusal) return { kind: 'rejected', error: entry.letter?.error ?? '' };
  if (entry.module && entry.outcome) return { kind: 'accepted' };
  return { kind: 'neutral' };
}

/**
 * A statement fault that every record of a domain's commands in the chunk hits on its own is not
 * caused by the records (a bug or a server setting): dead-lettering them all would divert the
 * stream, so it ends the process with the reason instead.
 */
function assertNarrowed(module: DomainHandler, entries: readonly Entry[]): void {
  if (entries.length < 2 || !entries.every((e) => e.refusal === 'statement_rejected')) return;
  throw new WorkerError(
    'STATEMENT_ALWAYS_FAILS',
    `every one of ${entries.length} ${module.name} records fails alone: ${(entries[0] as Entry).letter?.error}`,
    false,
  );
}

import type { MikroORM } from '@mikro-orm/mysql';
import type { Logger } from 'pino';
import { InvalidEventError } from '../common/invalid-event-error';
import { nowSqlTimestamp } from '../common/timestamp';
import { classifyDbError, describeError, StoppedError } from '../errors';
import { decodeEnvelope } from './decode';
import type { DomainCommand, DomainModule, WriteOutcome } from './domain-module';
import type { HandlerRegistry } from './registry';
import { retryForever, type RetryPolicy } from './retry';
import type { DeadLetter, DeadLetterSink, SourceRecord } from './source-record';

/** What happened to one record. */
export type RecordOutcome = WriteOutcome | 'tombstone' | 'dead_lettered';

/** Per-outcome counters since start (the metrics endpoint will expose them). */
export type OutcomeCounts = Record<RecordOutcome, number>;

/** Signals from the consumer while a slice is in hand. */
export interface SliceHooks {
  /** True when the slice must be abandoned (shutdown or a lost partition). */
  isStopping(): boolean;
  /** Keeps group membership alive during long retries. */
  heartbeat(): Promise<void>;
}

/** Collaborators of the processor. */
export interface BatchProcessorDeps {
  orm: MikroORM;
  registry: HandlerRegistry;
  deadLetters: DeadLetterSink;
  logger: Logger;
  retry: RetryPolicy;
  eventLogLevel: 'info' | 'debug' | string;
}

interface Pending {
  record: SourceRecord;
  command: DomainCommand;
}

/**
 * Turns a slice of records (in offset order) into durable effects: table writes through the
 * domain modules and dead letters. Resolves only when all of them are durable, so the caller
 * may then commit the slice's offsets. Throws StoppedError if told to stop first.
 */
export class BatchProcessor {
  readonly counts: OutcomeCounts = { applied: 0, stale: 0, missing: 0, tombstone: 0, dead_lettered: 0 };

  constructor(private readonly deps: BatchProcessorDeps) {}

  /** Processes one slice; returns one outcome per record, in order. */
  async process(records: readonly SourceRecord[], hooks: SliceHooks): Promise<RecordOutcome[]> {
    const receivedAt = nowSqlTimestamp();
    const outcomes = new Map<SourceRecord, RecordOutcome>();
    const letters: DeadLetter[] = [];
    const byModule = new Map<DomainModule, Pending[]>();

    for (const record of records) {
      if (record.value === null) {
        outcomes.set(record, 'tombstone');
        continue;
      }
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
        const command = module.map(envelope, { receivedAt });
        const list = byModule.get(module) ?? [];
        list.push({ record, command });
        byModule.set(module, list);
      } catch (err) {
        // A mapper bug on odd input must not stall the partition: the record is kept as a dead letter.
        if (err instanceof InvalidEventError) letters.push({ record, reason: err.reason, error: err.message });
        else letters.push({ record, reason: 'invalid_event', error: `could not map the event: ${describeError(err)}` });
      }
    }

    for (const [module, pending] of byModule) {
      await this.writeIsolating(module, pending, outcomes, letters, hooks);
    }
    if (letters.length > 0) {
      await retryForever(() => this.deps.deadLetters.publish(letters), this.deps.retry, {
        isStopping: hooks.isStopping,
        isRetryable: () => true,
        onRetry: (err, attempt, delayMs) => this.onRetry('dead-letter publish', err, attempt, delayMs, hooks),
      });
      for (const letter of letters) outcomes.set(letter.record, 'dead_lettered');
    }

    const result = records.map((r) => outcomes.get(r) ?? 'dead_lettered');
    records.forEach((record, i) => this.report(record, result[i] as RecordOutcome, byModule, letters));
    return result;
  }

  /**
   * Writes a run of commands; when the database rejects a row's content, splits the run in
   * halves (keeping order) until the offending row stands alone, then dead-letters it.
   */
  private async writeIsolating(
    module: DomainModule,
    pending: Pending[],
    outcomes: Map<SourceRecord, RecordOutcome>,
    letters: DeadLetter[],
    hooks: SliceHooks,
  ): Promise<void> {
    try {
      const written = await retryForever(
        () =>
          module.write(
            this.deps.orm.em.fork(),
            pending.map((p) => p.command),
          ),
        this.deps.retry,
        {
          isStopping: hooks.isStopping,
          isRetryable: (err) => classifyDbError(err) === 'transient',
          onRetry: (err, attempt, delayMs) => this.onRetry(`${module.name} write`, err, attempt, delayMs, hooks),
        },
      );
      pending.forEach((p, i) => outcomes.set(p.record, written[i] ?? 'applied'));
    } catch (err) {
      if (err instanceof StoppedError || classifyDbError(err) !== 'row_rejected') throw err;
      if (pending.length === 1) {
        const only = pending[0] as Pending;
        letters.push({ record: only.record, reason: 'rejected_by_database', error: describeError(err) });
        return;
      }
      const middle = Math.ceil(pending.length / 2);
      await this.writeIsolating(module, pending.slice(0, middle), outcomes, letters, hooks);
      await this.writeIsolating(module, pending.slice(middle), outcomes, letters, hooks);
    }
  }

  private async onRetry(
    what: string,
    err: unknown,
    attempt: number,
    delayMs: number,
    hooks: SliceHooks,
  ): Promise<void> {
    this.deps.logger.warn({ attempt, delayMs, err: describeError(err) }, `${what} failed; retrying`);
    await hooks.heartbeat();
  }

  private report(
    record: SourceRecord,
    outcome: RecordOutcome,
    byModule: Map<DomainModule, Pending[]>,
    letters: DeadLetter[],
  ): void {
    this.counts[outcome]++;
    const where = { partition: record.partition, offset: record.offset };
    const log = this.deps.logger;
    if (outcome === 'tombstone') {
      log.debug(where, 'tombstone skipped');
      return;
    }
    if (outcome === 'dead_lettered') {
      const letter = letters.find((l) => l.record === record);
      log.warn({ ...where, reason: letter?.reason, error: letter?.error }, 'dead-lettered');
      return;
    }
    const command = findCommand(byModule, record);
    if (!command) return;
    const tag = command.eventType.replace(/\./g, '_').toUpperCase();
    const fields = { ...where, event_id: command.eventId };
    if (outcome === 'applied') {
      const level = this.deps.eventLogLevel as 'info';
      log[level](fields, `[${tag}] ${command.entityId}`);
    } else if (outcome === 'stale') {
      log.debug(fields, `stale ${command.eventType} skipped for ${command.entityId}`);
    } else {
      log.warn(fields, `${command.eventType} for unknown ${command.entityId}: nothing to delete`);
    }
  }
}

function findCommand(byModule: Map<DomainModule, Pending[]>, record: SourceRecord): DomainCommand | undefined {
  for (const pending of byModule.values()) {
    const hit = pending.find((p) => p.record === record);
    if (hit) return hit.command;
  }
  return undefined;
}

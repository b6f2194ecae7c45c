import { CompressionTypes, Partitioners, type IHeaders, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { boundText } from '../common/invalid-event-error';
import { describeError, WorkerError } from '../errors';
import type { DeadLetter, DeadLetterSink } from '../pipeline/source-record';
import { compressedBatchSize, fitDeadLetter } from './dead-letter-fit';
import { TopicLimits } from './topic-limit';

// Broker answers that the same publish will get every time: retrying cannot mend them.
const REFUSED_FOR_GOOD = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
  'POLICY_VIOLATION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'INVALID_REQUIRED_ACKS',
]);
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
// How often a letter the broker still finds too large is cut further, each time to 3/4.
const MAX_SHRINKS = 8;

/**
 * Publishes dead letters: the original key, value bytes and headers, plus dlq.* headers
 * with the reason and where the record came from. Resolves once all replicas have them.
 * Letters are gzip-compressed (every Kafka client reads gzip) and cut to fit the topic (spec §5).
 */
export class DeadLetterPublisher implements DeadLetterSink {
  private readonly producer: Producer;
  private readonly limits: TopicLimits;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    logger?: Logger,
  ) {
    this.limits = new TopicLimits(kafka, logger);
    // One request in flight keeps letters in order. A send retried after a lost acknowledgement may
    // duplicate a letter (at least once); dlq.topic/partition/offset identify its source uniquely.
    this.producer = kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Connects the producer. */
  async connect(): Promise<void> {
    await this.producer.connect();
  }

  /** Disconnects the producer. */
  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  /**
   * Sends every letter and waits for acks from all in-sync replicas. A refusal for good throws
   * a WorkerError with canRetry false (DEAD_LETTER_REFUSED); other failures are retriable.
   */
  async publish(letters: readonly DeadLetter[]): Promise<void> {
    const failedAt = new Date().toISOString();
    const originals = letters.map((letter) => toMessage(letter, failedAt));
    const limit = await this.limitOf();
    try {
      await this.send(originals.map((message) => fitDeadLetter(message, limit)));
    } catch (err) {
      const refusal = refusalType(err);
      // The topic's size limit applies to a whole record batch: letters that are too large
      // together may each fit, so they are sent one by one, each cut further if still refused.
      if (!refusal || !TOO_LARGE.has(refusal)) throw this.translate(err, refusal);
      for (const message of originals) await this.sendFitting(message);
    }
  }

  private send(messages: Message[]): Promise<unknown> {
    return this.producer.send({ topic: this.topic, acks: -1, compression: CompressionTypes.GZIP, messages });
  }

  /** Sends one letter; while the broker finds it too large, the limit is taken lower and it is cut again. */
  private async sendFitting(original: Message): Promise<void> {
    let limit = await this.limitOf();
    for (let shrinks = 0; ; shrinks++) {
      const message = fitDeadLetter(original, limit);
      try {
        await this.send([message]);
        return;
      } catch (err) {
        const refusal = refusalType(err);
        // A letter already cut to nothing (its key and headers alone too large) cannot shrink further.
        const empty = message.value !== original.value && (message.value as Buffer).length === 0;
        if (!refusal || !TOO_LARGE.has(refusal) || empty || shrinks >= MAX_SHRINKS) {
          throw this.translate(err, refusal);
        }
        limit = Math.floor((Math.min(limit, compressedBatchSize([message])) * 3) / 4);
        this.limits.lower(this.topic, limit);
      }
    }
  }

  /** The topic's max.message.bytes; a broker out of reach is a failure to retry. */
  private async limitOf(): Promise<number> {
    try {
      return await this.limits.limitOf(this.topic);
    } catch (err) {
      throw this.translate(err, undefined);
    }
  }

  private translate(err: unknown, refusal: string | undefined): WorkerError {
    if (refusal) {
      return new WorkerError(
        'DEAD_LETTER_REFUSED',
        `the broker refuses the dead letter for good (${refusal}) on topic "${this.topic}" (KAFKA_DLQ_TOPIC): ` +
          `${describeError(err)}; fix the topic's settings or the ACLs, then restart`,
        false,
        { cause: err },
      );
    }
    return new WorkerError('DEAD_LETTER_UNAVAILABLE', describeError(err), true, { cause: err });
  }
}

function toMessage({ record, reason, error }: DeadLetter, failedAt: string): Message {
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...(record.headers as IHeaders),
      'dlq.reason': reason,
      // A message may quote input (an event_type of any length): headers stay bounded.
      'dlq.error': boundText(error),
      'dlq.topic': record.topic,
      'dlq.partition': String(record.partition),
      'dlq.offset': record.offset,
      'dlq.timestamp': record.timestamp,
      'dlq.failed_at': failedAt,
    },
  };
}

/** The protocol error type (e.g. MESSAGE_TOO_LARGE) behind kafkajs' wrappers, when it is a refusal for good. */
function refusalType(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { type, cause, errors } = current as { type?: unknown; cause?: unknown; errors?: unknown };
    if (typeof type === 'string' && REFUSED_FOR_GOOD.has(type)) return type;
    const nested = Array.isArray(errors) ? errors.map(refusalType).find(Boolean) : undefined;
    if (nested) return nested;
    current = cause;
  }
  return undefined;
}

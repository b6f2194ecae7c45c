import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type LoggerEntryContent, type RetryOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaSecurity } from '../config';
import { registerCodecs } from './codecs';
import { kafkaSecurityOptions, PLAINTEXT } from './kafka-security';

/** Connection settings for one Kafka client. */
export interface KafkaClientOptions {
  brokers: readonly string[];
  clientId: string;
  /** TLS and SASL; plaintext when absent. */
  security?: KafkaSecurity;
}

/**
 * kafkajs' own retries of a broker request, for every client, consumer, producer and admin: about
 * two minutes in all, so a broker restart or a leader election passes without a failure reaching us.
 */
export const KAFKA_RETRY: Readonly<RetryOptions> = { initialRetryTime: 300, retries: 10, maxRetryTime: 30_000 };

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

// Answers a broker gives while a topic or a group is being set up or moved (a topic created as the
// worker starts, the first rebalance, a leader election). kafkajs retries the request and, if it
// never succeeds, logs its own error (a crash, a failed join): one such answer is not an error line.
const RETRIED_ANSWERS = new Set([
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server is not the leader for that topic-partition',
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
  "The coordinator is loading and hence can't process requests for this group",
]);

/** The pino level of a kafkajs log entry: a retried broker answer is a warning, not an error. */
function kafkaLogLevel(level: number, log: LoggerEntryContent): 'error' | 'warn' | 'info' | 'debug' {
  const answer: unknown = log['error'];
  const mapped = LEVELS[level] ?? 'info';
  return mapped === 'error' && typeof answer === 'string' && RETRIED_ANSWERS.has(answer) ? 'warn' : mapped;
}

/**
 * A kafkajs client whose own logs go through pino (as JSON on stdout, like ours), secured as
 * configured, that reads every codec a Kafka producer may choose.
 */
export function createKafka(options: KafkaClientOptions, logger: Logger): Kafka {
  registerCodecs();
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...kafkaSecurityOptions(options.security ?? PLAINTEXT),
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        kafkaLogger[kafkaLogLevel(level, log)](extra, message);
      },
    retry: { ...KAFKA_RETRY },
  });
}

import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
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

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

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
        kafkaLogger[LEVELS[level] ?? 'info'](extra, message);
      },
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 30_000 },
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKafka } from '../../src/kafka/kafka-client';
import { createLogger } from '../../src/logger';

/** The worker's logger writing JSON lines into an array. */
function capture(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('kafkajs log lines through pino', () => {
  it('logs the broker answers kafkajs retries during a start or a rebalance as warnings, real errors as errors', () => {
    const { lines, logger } = capture();
    const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'levels' }, logger);
    const log = kafka.logger();
    log.error('Response GroupCoordinator(key: 10, version: 2)', { error: 'The group coordinator is not available' });
    log.error('Response Metadata(key: 3, version: 6)', { error: 'This server does not host this topic-partition' });
    log.error('Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available', {
      error: 'KafkaJSNumberOfRetriesExceeded',
    });
    log.error('Response Produce(key: 0, version: 7)', { error: 'Topic authorization failed' });
    log.warn('a warning', {});
    assert.deepEqual(
      lines.map((l) => [l['level'], l['component'], l['msg']]),
      [
        ['warn', 'kafkajs', 'Response GroupCoordinator(key: 10, version: 2)'],
        ['warn', 'kafkajs', 'Response Metadata(key: 3, version: 6)'],
        ['error', 'kafkajs', 'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available'],
        ['error', 'kafkajs', 'Response Produce(key: 0, version: 7)'],
        ['warn', 'kafkajs', 'a warning'],
      ],
    );
  });
});

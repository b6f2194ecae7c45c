/**
 * `npm run dlq:redrive -- [--reason R] [--limit N] [--dry-run]`
 * Sends dead letters from KAFKA_DLQ_TOPIC back to their source topic after a fix; a letter is
 * never redriven twice. Prints progress on stderr and a summary on stdout.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { describeError } from '../errors';
import { redriveDeadLetters } from '../kafka/dead-letter-redrive';
import { checkBrokerCertificates } from '../kafka/broker-certificate-check';
import { createKafka } from '../kafka/kafka-client';
import { createLogger } from '../logger';

const REASONS = ['invalid_json', 'invalid_event', 'unknown_event_type', 'rejected_by_database'];

function usage(message: string): never {
  process.stderr.write(`dlq:redrive: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        reason: { type: 'string' },
        limit: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
  if (values.reason !== undefined && !REASONS.includes(values.reason)) {
    usage(`--reason must be one of ${REASONS.join(', ')}, got "${values.reason}"`);
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!/^\d+$/.test(values.limit) || limit < 1) usage(`--limit must be a positive integer, got "${values.limit}"`);
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) usage(err.message);
    throw err;
  }
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: 'dlq-redrive', security: config.kafka.security },
    createLogger('warn'),
  );
  await checkBrokerCertificates(config.kafka.brokers, config.kafka.security);
  const tty = process.stderr.isTTY;
  let last = 0;
  const summary = await redriveDeadLetters(kafka, {
    dlqTopic: config.kafka.dlqTopic,
    reason: values.reason,
    limit,
    dryRun: values['dry-run'] ?? false,
    onProgress: (seen, redriven) => {
      if (Date.now() - last < (tty ? 100 : 5000)) return;
      last = Date.now();
      process.stderr.write(`${tty ? '\r' : ''}dlq:redrive read ${seen}, redriven ${redriven}${tty ? '' : '\n'}`);
    },
  });
  if (tty) process.stderr.write('\n');
  const verb = values['dry-run'] ? 'would redrive' : 'redriven';
  process.stdout.write(
    `${verb}: ${summary.redriven} ${JSON.stringify(summary.byReason)}; already redriven: ${summary.alreadyRedriven}; ` +
      `filtered out: ${summary.filteredOut}; cut to fit, not redriven: ${summary.truncated}; dead letters read: ${summary.seen}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`dlq:redrive failed: ${describeError(err)}\n`);
  process.exit(1);
});

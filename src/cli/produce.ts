/**
 * `npm run produce -- --count N [--users U] [--rate R]`   realistic events (progress on stderr)
 * `npm run produce -- --sample created|updated|deleted --id <24 hex> [--email E] [--name N] [--bio B] [--version V]`
 * `npm run produce -- --file events.jsonl`                one JSON event per line, keyed by entity_id
 * Sends user events to KAFKA_TOPIC on KAFKA_BROKERS, like the platform would.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config';
import { describeError } from '../errors';
import { JsonProducer, type KeyedJson } from '../kafka/json-producer';
import { checkBrokerCertificates } from '../kafka/broker-certificate-check';
import { createKafka } from '../kafka/kafka-client';
import { createLogger } from '../logger';
import { LiveUserEvents } from './live-user-events';
import { parseProduceArgs, UsageError, type ProduceRequest } from './produce-args';
import { Progress } from './progress';
import { sampleUserEvent } from './sample-user-event';

function readFileEvents(path: string): KeyedJson[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      let value: { entity_id?: unknown };
      try {
        value = JSON.parse(line) as { entity_id?: unknown };
      } catch {
        throw new UsageError(`${path}:${i + 1} is not JSON`);
      }
      return { key: typeof value.entity_id === 'string' ? value.entity_id : null, value };
    });
}

async function generate(producer: JsonProducer, request: Extract<ProduceRequest, { mode: 'generate' }>): Promise<void> {
  const source = new LiveUserEvents(request.users);
  const progress = new Progress('produce', request.count);
  const tickMs = 100;
  const perTick = request.rate === null ? 1000 : Math.max(1, Math.round((request.rate * tickMs) / 1000));
  let sent = 0;
  const started = Date.now();
  while (sent < request.count) {
    const batch = Array.from({ length: Math.min(perTick, request.count - sent) }, () => source.next());
    await producer.send(batch);
    sent += batch.length;
    progress.update(sent);
    if (request.rate !== null) {
      const due = started + (sent / request.rate) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
  }
}

async function main(): Promise<void> {
  const request = parseProduceArgs(process.argv.slice(2));
  const config = loadConfig();
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: 'user-event-producer', security: config.kafka.security },
    createLogger('warn'),
  );
  await checkBrokerCertificates(config.kafka.brokers, config.kafka.security);
  const producer = new JsonProducer(kafka, config.kafka.topic);
  await producer.connect();
  try {
    if (request.mode === 'generate') {
      await generate(producer, request);
      process.stdout.write(`sent ${request.count} event(s) to ${config.kafka.topic}\n`);
      return;
    }
    let events: KeyedJson[];
    if (request.mode === 'file') {
      events = readFileEvents(request.path);
    } else {
      const now = new Date().toISOString();
      const { type, id, version } = request;
      events = [
        {
          key: id,
          value: sampleUserEvent({
            type,
            id,
            email: request.email ?? `${id}@example.com`,
            name: request.name ?? 'Analytics Test User',
            bio: request.bio ?? null,
            phone: request.phone ?? null,
            version,
            createdAt: request.createdAt ?? now,
            now,
          }),
        },
      ];
    }
    await producer.send(events);
    process.stdout.write(`sent ${events.length} event(s) to ${config.kafka.topic}\n`);
  } finally {
    await producer.disconnect();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    process.stderr.write(`produce: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`produce failed: ${describeError(err)}\n`);
  process.exit(1);
});

/**
 * `npm run produce -- --sample created|updated|deleted --id <24 hex> [--email E] [--name N] [--bio B] [--version V]`
 * `npm run produce -- --file events.jsonl` (one JSON event per line; key = entity_id)
 * Sends user events to KAFKA_TOPIC on KAFKA_BROKERS, like the platform would.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { createKafka } from '../kafka/kafka-client';
import { produceJson, type KeyedJson } from '../kafka/json-producer';
import { createLogger } from '../logger';
import { sampleUserEvent } from './sample-user-event';

function fail(message: string): never {
  process.stderr.write(`produce: ${message}\n`);
  process.exit(2);
}

function readEvents(): KeyedJson[] {
  const { values } = parseArgs({
    options: {
      sample: { type: 'string' },
      file: { type: 'string' },
      id: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      bio: { type: 'string' },
      phone: { type: 'string' },
      version: { type: 'string', default: '1' },
      'created-at': { type: 'string' },
    },
  });
  if (values.file) {
    return readFileSync(values.file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        try {
          const value = JSON.parse(line) as { entity_id?: unknown };
          return { key: typeof value.entity_id === 'string' ? value.entity_id : null, value };
        } catch {
          return fail(`${values.file}:${i + 1} is not JSON`);
        }
      });
  }
  const type = values.sample;
  if (type !== 'created' && type !== 'updated' && type !== 'deleted')
    fail('--sample must be created, updated or deleted (or use --file)');
  if (!values.id || !/^[0-9a-fA-F]{24}$/.test(values.id)) fail('--id must be 24 hexadecimal characters');
  const version = Number(values.version);
  if (!Number.isInteger(version)) fail(`--version must be an integer, got "${values.version}"`);
  const now = new Date().toISOString();
  const event = sampleUserEvent({
    type,
    id: values.id,
    email: values.email ?? `${values.id}@example.com`,
    name: values.name ?? 'Analytics Test User',
    bio: values.bio ?? null,
    phone: values.phone ?? null,
    version,
    createdAt: values['created-at'] ?? now,
    now,
  });
  return [{ key: values.id, value: event }];
}

async function main(): Promise<void> {
  let events: KeyedJson[];
  let config;
  try {
    events = readEvents();
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof TypeError) fail(err.message);
    throw err;
  }
  const logger = createLogger('warn');
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'user-event-producer' }, logger);
  await produceJson(kafka, config.kafka.topic, events);
  process.stdout.write(`sent ${events.length} event(s) to ${config.kafka.topic}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`produce failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

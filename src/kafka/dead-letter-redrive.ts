import { Partitioners, type IHeaders, type Kafka, type KafkaMessage } from 'kafkajs';
import { readTopicToEnd } from './topic-reader';

/** Which dead letters to send back. */
export interface RedriveOptions {
  dlqTopic: string;
  reason?: string;
  limit?: number;
  dryRun: boolean;
  onProgress?: (seen: number, redriven: number) => void;
}

/** What a redrive did. */
export interface RedriveSummary {
  seen: number;
  redriven: number;
  alreadyRedriven: number;
  filteredOut: number;
  /** Letters whose value was cut to fit (dlq.value_truncated): never sent back, the value is not whole. */
  truncated: number;
  byReason: Record<string, number>;
}

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value[0] : value)?.toString();
};

/** The source record's timestamp (the dlq.timestamp header), or the letter's own when it has none. */
const sourceTimestamp = (message: KafkaMessage): string => {
  const original = header(message.headers, 'dlq.timestamp');
  return original !== undefined && /^\d+$/.test(original) ? original : message.timestamp;
};

/**
 * Sends dead letters back to their source topic with their original key, value, headers and
 * timestamp (a delete without its own takes it: every redrive writes the same rows).
 * Each redriven letter's id (partition/offset in the dead-letter topic) is appended to the
 * ledger topic `<dlq>.redriven` after the send, so a later redrive skips it. A letter whose value
 * was cut to fit is counted and never sent back: its whole value is only in the source topic.
 */
export async function redriveDeadLetters(kafka: Kafka, options: RedriveOptions): Promise<RedriveSummary> {
  const ledgerTopic = `${options.dlqTopic}.redriven`;
  const done = new Set<string>();
  await readTopicToEnd(kafka, ledgerTopic, ({ message }) => {
    if (message.key) done.add(message.key.toString());
  });

  const summary: RedriveSummary = {
    seen: 0,
    redriven: 0,
    alreadyRedriven: 0,
    filteredOut: 0,
    truncated: 0,
    byReason: {},
  };
  const producer = kafka.producer({ maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await readTopicToEnd(kafka, options.dlqTopic, async ({ partition, message }) => {
      summary.seen++;
      const id = `${partition}/${message.offset}`;
      const reason = header(message.headers, 'dlq.reason') ?? 'unknown';
      const source = header(message.headers, 'dlq.topic');
      if (done.has(id)) summary.alreadyRedriven++;
      else if (header(message.headers, 'dlq.value_truncated') === 'true') summary.truncated++;
      else if ((options.reason && reason !== options.reason) || !source) summary.filteredOut++;
      else if (options.limit !== undefined && summary.redriven >= options.limit) summary.filteredOut++;
      else {
        if (!options.dryRun) {
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).filter(([name]) => !name.startsWith('dlq.')),
          ) as IHeaders;
          headers['dlq.redriven_from'] = `${options.dlqTopic}/${id}`;
          await producer.send({
            topic: source,
            acks: -1,
            messages: [{ key: message.key, value: message.value, headers, timestamp: sourceTimestamp(message) }],
          });
          await producer.send({ topic: ledgerTopic, acks: -1, messages: [{ key: id, value: source }] });
        }
        summary.redriven++;
        summary.byReason[reason] = (summary.byReason[reason] ?? 0) + 1;
      }
      options.onProgress?.(summary.seen, summary.redriven);
    });
  } finally {
    await producer.disconnect();
  }
  return summary;
}

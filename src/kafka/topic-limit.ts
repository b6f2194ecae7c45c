import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * What a dead letter is fitted to when the topic's max.message.bytes cannot be read (no
 * DescribeConfigs permission): a little under Kafka's default of 1,048,588. A topic set lower
 * still works: the broker's MESSAGE_TOO_LARGE makes the publisher cut further.
 */
export const FALLBACK_MAX_MESSAGE_BYTES = 1_000_000;

// The topic does not exist yet (it is created by the first letter): asked again next time.
const NOT_YET = 'UNKNOWN_TOPIC_OR_PARTITION';

/** The largest record batch each topic accepts (its max.message.bytes), asked of the broker once. */
export class TopicLimits {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly logger?: Logger,
  ) {}

  /** The topic's limit: described once and cached, or the fallback when the broker will not say. */
  async limitOf(topic: string): Promise<number> {
    const cached = this.known.get(topic);
    if (cached !== undefined) return cached;
    let limit: number;
    try {
      limit = await this.describe(topic);
    } catch (err) {
      const refusal = protocolError(err);
      // A network failure is not an answer: the caller's publish fails and is retried.
      if (!refusal) throw err;
      if (refusal === NOT_YET) return FALLBACK_MAX_MESSAGE_BYTES;
      this.logger?.warn(
        { topic, refusal, assumed: FALLBACK_MAX_MESSAGE_BYTES },
        'cannot read the topic max.message.bytes; dead letters are fitted to the fallback',
      );
      limit = FALLBACK_MAX_MESSAGE_BYTES;
    }
    this.known.set(topic, limit);
    return limit;
  }

  /** The broker refused a batch of `size` bytes as too large: from now on assume less than that. */
  lower(topic: string, size: number): void {
    this.known.set(topic, Math.min(this.known.get(topic) ?? size, size));
  }

  private async describe(topic: string): Promise<number> {
    const admin = this.kafka.admin({ retry: { retries: 2 } });
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
      });
      const entry = resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
      const limit = Number(entry?.configValue);
      if (!Number.isSafeInteger(limit) || limit <= 0) {
        throw Object.assign(new Error('no max.message.bytes in the answer'), { type: 'NO_VALUE' });
      }
      return limit;
    } finally {
      await admin.disconnect();
    }
  }
}

/** The broker's error type (e.g. TOPIC_AUTHORIZATION_FAILED) behind kafkajs' wrappers, if any. */
function protocolError(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { type, cause } = current as { type?: unknown; cause?: unknown };
    if (typeof type === 'string') return type;
    current = cause;
  }
  return undefined;
}

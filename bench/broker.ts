/** The bench's own Kafka broker: scripts/kafka.sh on free loopback ports, always stopped afterwards. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../src/common/free-port';
import { projectRoot } from '../test/support/services';

/** A running broker started by this process. */
export interface Broker {
  /** host:port for kafkajs and the worker. */
  brokers: string[];
  /** The Kafka version the script ran. */
  version: string;
  /** Stops the broker (idempotent, synchronous so it also works from a signal handler). */
  stop(): void;
}

/** Starts a fresh single-node broker (fresh data directory under .tmp/) and waits until it serves. */
export async function startBroker(): Promise<Broker> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_DATA_DIR: join(projectRoot, '.tmp', `kafka-bench-${port}`),
  };
  const script = join(projectRoot, 'scripts/kafka.sh');
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    spawnSync('bash', [script, 'stop'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    spawnSync('rm', ['-rf', env.KAFKA_DATA_DIR as string]);
  };
  const started = spawnSync('bash', [script, 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (started.status !== 0) {
    stop();
    throw new Error(`scripts/kafka.sh start failed (exit ${started.status ?? started.signal})`);
  }
  return { brokers: [`127.0.0.1:${port}`], version: process.env.KAFKA_VERSION ?? '3.9.1', stop };
}

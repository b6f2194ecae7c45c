import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, testTmpDir } from './services';

/**
 * A broker of a test's own, started by scripts/kafka.sh on a random port: for tests that stop,
 * restart or misconfigure it while the shared broker serves the other test files.
 */
export class PrivateBroker {
  /** `host:port` for KAFKA_BROKERS. */
  readonly brokers: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(name: string, extraProperties: readonly string[]) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    this.brokers = `127.0.0.1:${port}`;
    this.env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(port + 1),
      KAFKA_DATA_DIR: join(testTmpDir(), `kafka-${name}-${port}`),
      KAFKA_EXTRA_PROPERTIES: extraProperties.join('\n'),
    };
  }

  /** Formats fresh storage and starts the broker with the given extra server properties. */
  static start(name: string, extraProperties: readonly string[] = []): PrivateBroker {
    const broker = new PrivateBroker(name, extraProperties);
    broker.run('start');
    return broker;
  }

  /** Stops the broker (its data stays for restart()). */
  stop(): void {
    this.run('stop');
  }

  /** Stops the broker and deletes its data directory (for cleanups). */
  dispose(): void {
    this.stop();
    rmSync(this.env.KAFKA_DATA_DIR as string, { recursive: true, force: true });
  }

  /** Starts it again on the same data. */
  restart(): void {
    this.run('start', { KAFKA_KEEP_DATA: '1' });
  }

  private run(command: string, extra: Record<string, string> = {}): void {
    const result = spawnSync('bash', [join(projectRoot, 'scripts/kafka.sh'), command], {
      env: { ...this.env, ...extra },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`kafka.sh ${command} exited ${result.status}: ${result.stderr}${result.stdout}`.slice(-2000));
    }
  }
}

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, testTmpDir } from './services';

/**
 * A broker of a test's own, started by scripts/kafka.sh on a random port: for tests that stop,
 * restart or misconfigure it while the shared broker serves the other test files.
 */
export class PrivateBroker {
  /** `host:port` for KAFKA_BROKERS (the plaintext listener). */
  readonly brokers: string;
  /** A port for an extra listener the properties may declare (e.g. SASL_SSL). */
  readonly extraPort: number;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(
    name: string,
    extraProperties: readonly string[] | ((ports: { port: number; extraPort: number }) => readonly string[]),
    formatArgs: readonly string[],
  ) {
    // Below the kernel's ephemeral range (32768 up), where outgoing connections take their ports.
    const port = 20000 + 4 * Math.floor(Math.random() * 3000);
    this.brokers = `127.0.0.1:${port}`;
    this.extraPort = port + 2;
    const properties =
      typeof extraProperties === 'function' ? extraProperties({ port, extraPort: this.extraPort }) : extraProperties;
    this.env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(port + 1),
      KAFKA_DATA_DIR: join(testTmpDir(), `kafka-${name}-${port}`),
      KAFKA_EXTRA_PROPERTIES: properties.join('\n'),
      KAFKA_FORMAT_ARGS: formatArgs.join('\n'),
    };
  }

  /**
   * Formats fresh storage (with extra `StorageTool format` arguments, e.g. SCRAM users) and starts
   * the broker with the given extra server properties (a function of its ports, for listeners).
   */
  static start(
    name: string,
    extraProperties: readonly string[] | ((ports: { port: number; extraPort: number }) => readonly string[]) = [],
    formatArgs: readonly string[] = [],
  ): PrivateBroker {
    for (let attempt = 1; ; attempt++) {
      const broker = new PrivateBroker(name, extraProperties, formatArgs);
      try {
        broker.run('start');
        return broker;
      } catch (err) {
        // A port taken between the draw and the bind (another test's server): draw again.
        if (attempt >= 3 || !(err instanceof PortInUseError)) throw err;
        rmSync(broker.env.KAFKA_DATA_DIR as string, { recursive: true, force: true });
      }
    }
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
      const output = `${result.stderr}${result.stdout}`;
      const message = `kafka.sh ${command} exited ${result.status}: ${output.slice(-2000)}`;
      throw /Address already in use|is in use by a process/.test(output)
        ? new PortInUseError(message)
        : new Error(message);
    }
  }
}

/** The broker could not bind its port: another process holds it. */
class PortInUseError extends Error {}

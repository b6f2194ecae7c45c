/**
 * `npm test`: runs unit and integration tests with node's test runner. When KAFKA_BROKERS is
 * not set, starts the project's own broker (scripts/kafka.sh) on a free port first and always
 * stops it afterwards, pass or fail.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../src/common/free-port';

const root = resolve(__dirname, '..');
const unitOnly = process.argv.includes('--unit');

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));
}

function kafkaScript(command: string, env: NodeJS.ProcessEnv): number {
  return spawnSync('bash', [join(root, 'scripts/kafka.sh'), command], { env, stdio: 'inherit' }).status ?? 1;
}

async function main(): Promise<number> {
  const files = [...testFiles('test/unit'), ...(unitOnly ? [] : testFiles('test/integration'))];
  const env: NodeJS.ProcessEnv = { ...process.env };
  let stopKafka: (() => void) | undefined;

  if (!unitOnly && !env.KAFKA_BROKERS) {
    const port = await freePort();
    const controller = await freePort();
    const kafkaEnv = {
      ...env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_DATA_DIR: join(root, '.tmp', `kafka-test-${port}`),
    };
    stopKafka = () => void kafkaScript('stop', kafkaEnv);
    if (kafkaScript('start', kafkaEnv) !== 0) {
      stopKafka();
      return 1;
    }
    env.KAFKA_BROKERS = `127.0.0.1:${port}`;
    env.TEST_KAFKA_DATA_DIR = kafkaEnv.KAFKA_DATA_DIR;
    env.TEST_KAFKA_PORT = kafkaEnv.KAFKA_PORT;
    env.TEST_KAFKA_CONTROLLER_PORT = kafkaEnv.KAFKA_CONTROLLER_PORT;
  }

  const onSignal = (): void => {
    stopKafka?.();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
      { cwd: root, env, stdio: 'inherit' },
    );
    return await new Promise<number>((ok) => child.on('exit', (code, signal) => ok(code ?? (signal ? 1 : 0))));
  } finally {
    stopKafka?.();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

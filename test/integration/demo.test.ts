import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../../src/common/free-port';
import { projectRoot, testTmpDir, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { collectCleanups } from '../support/cleanups';

function listening(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), ok(true)));
    socket.once('error', () => ok(false));
  });
}

describe('npm run demo', () => {
  const cleanup = collectCleanups();

  it('starts Kafka, migrates, shows rows arriving, and stops everything on Ctrl-C', async () => {
    const db = await TestDatabase.create('demo', { migrate: false });
    cleanup(() => db.drop());
    const kafkaPort = await freePort();
    const kafkaDataDir = join(testTmpDir(), `kafka-demo-${kafkaPort}`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        KAFKA_BROKERS: undefined,
        KAFKA_PORT: String(kafkaPort),
        KAFKA_DATA_DIR: kafkaDataDir,
        DEMO_RATE: '500',
        MYSQL_HOST: db.config.host,
        MYSQL_PORT: String(db.config.port),
        MYSQL_USER: db.config.user,
        MYSQL_PASSWORD: db.config.password,
        MYSQL_DATABASE: db.config.database,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    cleanup(async () => {
      child.kill('SIGKILL');
      spawnSync('bash', ['scripts/kafka.sh', 'stop'], {
        cwd: projectRoot,
        env: { ...process.env, KAFKA_PORT: String(kafkaPort), KAFKA_DATA_DIR: kafkaDataDir },
      });
    });

    await waitFor(
      `rows arriving (output: ${out.slice(-300)})`,
      () => /events applied\/s: [1-9]\d* \| rows: [1-9]/.test(out),
      90_000,
      250,
    );
    assert.match(out, /migrations applied/);
    assert.ok(await listening(kafkaPort), 'the demo broker runs');
    child.kill('SIGINT');
    assert.equal(await exited, 0, out.slice(-500));
    assert.equal(await listening(kafkaPort), false, 'the demo broker is stopped');
    assert.ok((await db.users()).length > 0);
  });

  it('says what is missing when MySQL cannot be reached', async () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, MYSQL_HOST: '127.0.0.1', MYSQL_PORT: String(await freePort()) },
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /cannot reach MySQL at 127\.0\.0\.1:\d+ .*unset MYSQL_HOST .*scripts\/db\.sh/s);
  });
});

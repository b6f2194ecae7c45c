import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { UserTableModel } from '../support/expected-table';
import { projectRoot, uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { createTopic, produce, waitForCaughtUp } from '../support/test-kafka';
import { userId, userUpsertEvent } from '../support/user-events';
import { WorkerProcess, type WorkerSettings } from '../support/worker-process';

/** True when nothing accepts connections on the port any more. */
function portReleased(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** The checks a user makes after stopping the worker: exit 0, no process left, port free. */
async function assertCleanExit(
  worker: WorkerProcess,
  exit: { code: number | null; signal: NodeJS.Signals | null },
  httpPort: number,
): Promise<void> {
  assert.deepEqual(exit, { code: 0, signal: null }, `npm's exit (stderr: ${worker.stderr.slice(-500)})`);
  assert.equal(worker.messages(/^stopped$/).length, 1, 'the worker shut down gracefully');
  // npm exits only after its child; nothing of the group may outlive it (no orphaned worker).
  await waitFor('no process left in the group', () => !worker.groupAlive(), 10_000, 50);
  assert.ok(await portReleased(httpPort), `the HTTP port ${httpPort} is released`);
}

/** A worker started with `npm run worker` that has applied one event. */
async function runningWorker(prefix: string, cleanup: ReturnType<typeof collectCleanups>, cwd?: string) {
  const db = await TestDatabase.create(prefix);
  cleanup(() => db.drop());
  const topic = await createTopic(prefix);
  const settings: WorkerSettings = {
    mysql: db.config,
    topic,
    groupId: uniqueName(`${prefix}-group`),
    dlqTopic: `${topic}.dlq`,
  };
  const worker = WorkerProcess.start(settings, cwd);
  cleanup(() => worker.stop('SIGKILL'));
  const httpPort = Number((await worker.waitForLog(/^http server listening/)).port);
  await worker.waitForLog(/^worker started$/, 60_000);
  const event = userUpsertEvent('user.created', userId(1));
  await produce(topic, [{ key: userId(1), value: event }]);
  await waitForCaughtUp(settings.groupId, topic);
  assert.deepEqual(await db.users(), new UserTableModel().applyEvents([event]).table(), 'the worker applied the event');
  return { worker, httpPort };
}

describe('npm run worker: signals reach the worker (spec §8)', () => {
  const cleanup = collectCleanups();

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} sent to the npm process: graceful shutdown, npm exits 0, nothing left behind`, async () => {
      const { worker, httpPort } = await runningWorker(signal.toLowerCase(), cleanup);
      assert.equal(worker.logs[0]?.level, 'unparsed', "npm's header line comes first on stdout");
      await assertCleanExit(worker, await worker.stop(signal), httpPort);
    });
  }

  it('Ctrl-C in a terminal (SIGINT to the whole process group) is one request, not two', async () => {
    const { worker, httpPort } = await runningWorker('ctrlc', cleanup);
    // The worker gets the terminal's SIGINT and npm's forwarded copy.
    process.kill(-worker.pid, 'SIGINT');
    await assertCleanExit(worker, await worker.exited, httpPort);
    assert.equal(worker.messages(/^second signal/).length, 0);
  });

  it('runs in a production install (npm ci --omit=dev, compiled dist/, as the Dockerfile does)', async () => {
    // The image's layout: package files, the launcher, production dependencies, compiled code.
    // Outside the project, so no module resolves from the project's own node_modules.
    const imageRoot = mkdtempSync(join(tmpdir(), 'worker-prod-install-'));
    cleanup(async () => rmSync(imageRoot, { recursive: true, force: true }));
    for (const file of ['package.json', 'package-lock.json', 'bin']) {
      cpSync(join(projectRoot, file), join(imageRoot, file), { recursive: true });
    }
    // Offline: from the npm cache the project's own `npm ci` filled.
    const install = spawnSync('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], {
      cwd: imageRoot,
      encoding: 'utf8',
    });
    assert.equal(install.status, 0, install.stdout + install.stderr);
    assert.ok(!existsSync(join(imageRoot, 'node_modules/tsx')), 'no dev dependency installed');
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(imageRoot, 'dist')], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, build.stdout + build.stderr);

    const { worker, httpPort } = await runningWorker('prod', cleanup, imageRoot);
    await assertCleanExit(worker, await worker.stop('SIGTERM'), httpPort);
  });
});

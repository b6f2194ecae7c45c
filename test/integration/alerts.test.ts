import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { collectCleanups } from '../support/cleanups';
import { userEventStream } from '../support/event-stream';
import { projectRoot, uniqueName, waitFor } from '../support/services';
import { TestDatabase } from '../support/test-database';
import { endOffsets, produce, waitForCaughtUp } from '../support/test-kafka';
import { WorkerProcess } from '../support/worker-process';

const RULES_DIR = resolve(projectRoot, 'ops/prometheus');
const DASHBOARD = resolve(projectRoot, 'ops/grafana/worker-dashboard.json');
// Series Prometheus makes itself for every target, not the worker.
const PROMETHEUS_OWN = new Set(['up']);

/** The metric names PromQL expressions use (Prometheus' own `up` aside). */
function metricNames(exprs: readonly string[]): string[] {
  const names = exprs.flatMap((e) => [...e.matchAll(/\b(worker_\w+|process_\w+|up)\b(?=[\s{[)]|$)/g)]);
  return [...new Set(names.map((m) => m[1] as string))].filter((n) => !PROMETHEUS_OWN.has(n));
}

/** Runs Prometheus' promtool (installed by the script when missing). */
function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const run = spawnSync('bash', [resolve(projectRoot, 'scripts/promtool.sh'), ...args], {
    cwd: projectRoot,
    input,
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The value of one series of a Prometheus text exposition, undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.slice(name.length).includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('what an operator sees (spec §9)', () => {
  const cleanup = collectCleanups();

  it('ships alert rules that pass their tests in promtool', () => {
    const run = promtool(['test', 'rules', resolve(RULES_DIR, 'alerts.test.yml')]);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /SUCCESS/);
  });

  it('starts cleanly before its topic exists, and serves per-partition lag that promtool accepts, with every metric the rules and the dashboard use', async () => {
    const db = await TestDatabase.create('alerts');
    cleanup(() => db.drop());
    const topic = uniqueName('alerts').replace(/_/g, '-');
    const groupId = uniqueName('alerts-group');
    const worker = WorkerProcess.start({
      mysql: db.config,
      topic,
      groupId,
      dlqTopic: `${topic}.dlq`,
      env: { LOG_LEVEL: 'info', EVENT_LOG_LEVEL: 'debug', WRITE_CHUNK_SIZE: '50' },
    });
    cleanup(() => worker.stop('SIGKILL'));
    const port = Number((await worker.waitForLog(/http server listening/)).port);
    // A first deploy before the topic exists: the broker creates it on the worker's request, and
    // kafkajs hears "does not host this topic-partition" until it has a leader, and retries.
    await worker.waitForLog(/topic not ready; waiting/);
    await produce(topic, userEventStream(300, 5));
    await waitForCaughtUp(groupId, topic, 90_000);
    const partitions = [...(await endOffsets(topic)).keys()];
    const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

    const text = await metrics();
    for (const p of partitions) {
      const labels = { topic, partition: String(p) };
      assert.equal(sample(text, 'worker_consumer_lag', labels), 0, `lag in records of partition ${p}`);
      assert.equal(sample(text, 'worker_consumer_lag_seconds', labels), 0, `lag in seconds of partition ${p}`);
    }
    const check = promtool(['check', 'metrics'], text);
    assert.equal(check.status, 0, check.output);
    assert.equal(check.output.trim(), '', 'no lint problem in /metrics');

    const rules = readFileSync(resolve(RULES_DIR, 'alerts.yml'), 'utf8');
    const ruleNames = metricNames([...rules.matchAll(/^\s*expr: (.*)$/gm)].map(([, expr]) => expr as string));
    assert.ok(ruleNames.length >= 8, `metrics found in the rules: ${ruleNames.join(', ')}`);
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const dashboardNames = metricNames(dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)));
    assert.ok(dashboardNames.length >= 10, `metrics found in the dashboard: ${dashboardNames.join(', ')}`);
    for (const name of [...ruleNames, ...dashboardNames]) {
      // A histogram's series are <name>_bucket, _sum and _count under its own TYPE line.
      const family = name.replace(/_(bucket|sum|count)$/, '');
      assert.match(text, new RegExp(`^# TYPE (${name}|${family} histogram)`, 'm'), `${name} is on /metrics`);
    }

    // A write that hangs (the table locked): the partition it belongs to shows lag in records and
    // seconds, and the stalled time, growing; all back to 0 once it goes through.
    await db.query('LOCK TABLES users WRITE');
    await produce(topic, userEventStream(30, 9));
    const behind = await waitFor(
      'a partition behind',
      async () => {
        const now = await metrics();
        const lagging = partitions.find(
          (p) =>
            (sample(now, 'worker_consumer_lag', { topic, partition: String(p) }) ?? 0) > 0 &&
            (sample(now, 'worker_consumer_lag_seconds', { topic, partition: String(p) }) ?? 0) > 2 &&
            (sample(now, 'worker_partition_stalled_seconds', { topic, partition: String(p) }) ?? 0) > 2,
        );
        return lagging === undefined ? undefined : now;
      },
      30_000,
      500,
    );
    assert.equal(promtool(['check', 'metrics'], behind).status, 0);
    await db.query('UNLOCK TABLES');
    await waitForCaughtUp(groupId, topic, 90_000);
    await waitFor('lag back to 0', async () => {
      const now = await metrics();
      return partitions.every(
        (p) =>
          sample(now, 'worker_consumer_lag', { topic, partition: String(p) }) === 0 &&
          sample(now, 'worker_consumer_lag_seconds', { topic, partition: String(p) }) === 0 &&
          sample(now, 'worker_partition_stalled_seconds', { topic, partition: String(p) }) === undefined,
      );
    });

    assert.equal((await worker.stop('SIGTERM')).code, 0);
    const errors = worker.logs.filter((l) => l.level === 'error' || l.level === 'fatal');
    assert.deepEqual(errors, [], 'no line at level error or above on a healthy run');
  });
});

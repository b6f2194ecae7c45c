/** The worker under test: `node --import tsx src/main.ts` (what `npm run worker` runs), quiet logs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MysqlConfig } from '../src/config';
import { kafkaBrokers, projectRoot } from '../test/support/services';

/** Tuning variables passed through from the bench's environment when set. */
export const TUNING_VARIABLES = ['WRITE_CHUNK_SIZE', 'KAFKA_PARTITIONS_CONCURRENCY', 'MYSQL_POOL_SIZE'] as const;

/** The tuning the worker runs with (set values only; the worker's defaults otherwise). */
export function workerTuning(): Record<string, string> {
  const tuning: Record<string, string> = {};
  for (const name of TUNING_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined && value !== '') tuning[name] = value;
  }
  return tuning;
}

const TAIL = 4000;

/** A running worker process; keeps only the tail of its output and its warn-or-worse lines. */
export class BenchWorker {
  private out = '';
  private readonly warnings: string[] = [];
  /** Log lines at warn or above seen so far. */
  warningCount = 0;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (/"level":(10|20|30)\b/.test(line)) continue;
        this.warningCount++;
        if (this.warnings.length < 20) this.warnings.push(line);
      }
      this.out = (this.out + chunk).slice(-TAIL);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.out = (this.out + chunk).slice(-TAIL)));
    this.exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  }

  /**
   * Starts the worker on a topic, group and database with LOG_LEVEL=warn and EVENT_LOG_LEVEL=debug
   * (per-event lines off). BENCH_WORKER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) are
   * added to node's own arguments, for profiling.
   */
  static start(mysql: MysqlConfig, topic: string, groupId: string, dlqTopic: string): BenchWorker {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: groupId,
      KAFKA_DLQ_TOPIC: dlqTopic,
      MYSQL_HOST: mysql.host,
      MYSQL_PORT: String(mysql.port),
      MYSQL_USER: mysql.user,
      MYSQL_PASSWORD: mysql.password,
      MYSQL_DATABASE: mysql.database,
      LOG_LEVEL: 'warn',
      EVENT_LOG_LEVEL: 'debug',
      ...workerTuning(),
    };
    const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(projectRoot, 'src/main.ts')], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BenchWorker(child);
  }

  /** The node process's pid (spawned directly, so /proc/<pid> is the worker itself). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True once the process has exited. */
  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The last few KB of stdout and stderr. */
  get outputTail(): string {
    return this.out;
  }

  /** Log lines at warn or above (up to 20). */
  get warningLines(): string[] {
    return [...this.warnings];
  }

  /** Peak resident set size (VmHWM) in MB while running, or null when it cannot be read. */
  peakRssMb(): number | null {
    try {
      const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match ? Math.round(Number(match[1]) / 1024) : null;
    } catch {
      return null;
    }
  }

  /** SIGTERM, then SIGKILL after 30 s; fails unless the worker exits 0 on the SIGTERM. */
  async stop(): Promise<void> {
    if (!this.hasExited) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    const { code, signal } = await this.exited.finally(() => clearTimeout(timer));
    if (code !== 0) throw new Error(`worker exited with ${code ?? signal}: ${this.out}`);
  }
}

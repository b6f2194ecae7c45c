import { spawn, type ChildProcess } from 'node:child_process';
import type { MysqlConfig } from '../../src/config';
import { kafkaBrokers, projectRoot } from './services';

/** One JSON log line of the worker. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/** What a worker process needs to know about its test's resources. */
export interface WorkerSettings {
  mysql: MysqlConfig;
  topic: string;
  groupId: string;
  dlqTopic: string;
  env?: Record<string, string>;
}

/**
 * The worker as its own process, started exactly as users do: `npm run worker` (in its own
 * process group, so a test can tell whether anything is left). stdout is parsed as JSON logs;
 * npm's header lines (`> pkg@ver worker`) are kept as `unparsed`.
 */
export class WorkerProcess {
  readonly logs: LogLine[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line, level: 'unparsed' });
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  }

  /** Starts the worker with the test's topic, group and database. */
  static start(settings: WorkerSettings, cwd = projectRoot): WorkerProcess {
    const { mysql } = settings;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC: settings.topic,
      KAFKA_GROUP_ID: settings.groupId,
      KAFKA_DLQ_TOPIC: settings.dlqTopic,
      MYSQL_HOST: mysql.host,
      MYSQL_PORT: String(mysql.port),
      MYSQL_USER: mysql.user,
      MYSQL_PASSWORD: mysql.password,
      MYSQL_DATABASE: mysql.database,
      LOG_LEVEL: 'debug',
      RETRY_MAX_DELAY_MS: '2000',
      HTTP_PORT: '0',
      npm_config_update_notifier: 'false',
      ...settings.env,
    };
    const child = spawn('npm', ['run', 'worker'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return new WorkerProcess(child);
  }

  /** The exit code once exited, null while running. */
  exitedCode(): number | null {
    return this.child.exitCode ?? (this.child.signalCode ? -1 : null);
  }

  /** Throws with the worker's last output if it has exited (so a wait fails fast and says why). */
  assertRunning(): void {
    if (this.exitedCode() === null) return;
    throw new Error(`worker exited (${this.exitedCode()}): ${this.output()}`);
  }

  /** The end of stderr and stdout, for failure messages. */
  output(): string {
    return `stderr: ${this.stderr.slice(-500)} stdout: ${this.stdout.slice(-1500)}`;
  }

  /** The pid of npm (the process a container runtime signals), also its process group id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True while any process of the worker's process group (npm, the worker) is alive. */
  groupAlive(): boolean {
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  }

  /** Log lines whose msg matches (from the line numbered `after` on, as mark() returned it). */
  messages(pattern: RegExp, after = 0): LogLine[] {
    return this.logs.slice(after).filter((l) => typeof l.msg === 'string' && pattern.test(l.msg));
  }

  /** The position of the next log line: pass it as `after` to wait for a line logged from now on. */
  mark(): number {
    return this.logs.length;
  }

  /**
   * Waits for a log line whose msg matches (the first one ever, or the first one at or after
   * `options.after`, a mark()); fails at once, with the output, if the worker exits.
   */
  async waitForLog(pattern: RegExp, timeoutMs = 30_000, options: { after?: number } = {}): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.messages(pattern, options.after)[0];
      if (line) return line;
      this.assertRunning();
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for log /${pattern.source}/: ${this.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Sends a signal to npm (as a container runtime does) and waits for its exit. SIGKILL goes to
   * the whole process group: it cannot be forwarded, and a kill -9 means the worker too.
   */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    timeoutMs = 20_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (signal === 'SIGKILL') this.killGroup();
    else if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.killGroup(), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  }
}

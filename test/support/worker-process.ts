import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { MysqlConfig } from '../../src/config';
import { kafkaBrokers, projectRoot, waitFor } from './services';

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

/** The worker as its own process, started like `npm run worker`; stdout parsed as JSON logs. */
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
  static start(settings: WorkerSettings): WorkerProcess {
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
      ...settings.env,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/main.ts')], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new WorkerProcess(child);
  }

  /** The exit code once exited, null while running. */
  exitedCode(): number | null {
    return this.child.exitCode ?? (this.child.signalCode ? -1 : null);
  }

  /** Throws with the worker's last output if it has exited (so a wait fails fast and says why). */
  assertRunning(): void {
    if (this.exitedCode() === null) return;
    throw new Error(`worker exited (${this.exitedCode()}): ${this.stderr.slice(-500)} ${this.stdout.slice(-1500)}`);
  }

  /** The pid, for signals. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Log lines whose msg matches. */
  messages(pattern: RegExp): LogLine[] {
    return this.logs.filter((l) => typeof l.msg === 'string' && pattern.test(l.msg));
  }

  /** Waits for a log line whose msg matches. */
  waitForLog(pattern: RegExp, timeoutMs = 30_000): Promise<LogLine> {
    return waitFor(
      `log /${pattern.source}/ (stderr: ${this.stderr.slice(-500)})`,
      () => this.messages(pattern)[0],
      timeoutMs,
      100,
    );
  }

  /** Sends a signal and waits for the exit. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    timeoutMs = 20_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

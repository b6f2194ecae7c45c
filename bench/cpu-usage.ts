/**
 * CPU time by process over a measurement, read from /proc (Linux): the profile that says where a
 * figure's ceiling comes from when the worker, the database and the broker share the cores.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every mainstream Linux build

/** CPU seconds of one group of processes over the measurement. */
export interface CpuShare {
  seconds: number;
  microsPerEvent: number;
}

/** Where the machine's CPU went while a figure was measured. */
export interface CpuProfile {
  cores: number;
  wallSeconds: number;
  worker: CpuShare;
  /** mariadbd/mysqld on this machine (null when the server is elsewhere). */
  database: CpuShare | null;
  /** kafka.Kafka JVMs on this machine. */
  broker: CpuShare | null;
  /** The bench process itself (progress polling). */
  bench: CpuShare;
  /** Everything else that ran. */
  other: CpuShare;
  idleSeconds: number;
  /** cores ÷ (worker + database + broker CPU per event): the rate these costs allow at most. */
  ceilingEventsPerSecond: number;
}

interface Sample {
  at: number;
  worker: number;
  /** CPU seconds by pid (empty when no such process runs here). */
  database: Map<number, number>;
  broker: Map<number, number>;
  bench: number;
  busy: number;
  idle: number;
}

/** Samples CPU counters at start and stop; the worker's pid is given, the others are found by name. */
export class CpuMeter {
  private constructor(
    private readonly workerPid: number,
    private readonly first: Sample,
  ) {}

  /** Takes the first sample now. */
  static start(workerPid: number): CpuMeter {
    return new CpuMeter(workerPid, sample(workerPid));
  }

  /** Takes the second sample and attributes the difference to `events` events. */
  stop(events: number): CpuProfile {
    const a = this.first;
    const b = sample(this.workerPid);
    const share = (seconds: number): CpuShare => ({ seconds, microsPerEvent: (seconds / events) * 1e6 });
    const worker = b.worker - a.worker;
    const database = grown(a.database, b.database);
    const broker = grown(a.broker, b.broker);
    const bench = b.bench - a.bench;
    const busy = b.busy - a.busy;
    const pipeline = worker + (database ?? 0) + (broker ?? 0);
    const cores = cpus().length;
    return {
      cores,
      wallSeconds: (b.at - a.at) / 1000,
      worker: share(worker),
      database: database === null ? null : share(database),
      broker: broker === null ? null : share(broker),
      bench: share(bench),
      other: share(Math.max(0, busy - pipeline - bench)),
      // iowait, part of idle, may decrease between readings (proc(5)).
      idleSeconds: Math.max(0, b.idle - a.idle),
      ceilingEventsPerSecond: pipeline > 0 ? (cores * events) / pipeline : 0,
    };
  }
}

/**
 * The CPU a group of processes used between two samples, null when none ran. By pid: a process
 * that started in between counts whole, one that ended counts nothing (its time is unreadable),
 * so a server stopping mid-measurement cannot turn the sum negative.
 */
function grown(a: Map<number, number>, b: Map<number, number>): number | null {
  if (a.size === 0 && b.size === 0) return null;
  let seconds = 0;
  for (const [pid, now] of b) seconds += Math.max(0, now - (a.get(pid) ?? 0));
  return seconds;
}

function sample(workerPid: number): Sample {
  const database = new Map<number, number>();
  const broker = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const comm = readOr(`/proc/${entry}/comm`).trim();
    if (comm === 'mariadbd' || comm === 'mysqld') {
      database.set(pid, processSeconds(pid));
    } else if (comm === 'java' && readOr(`/proc/${entry}/cmdline`).includes('kafka.Kafka')) {
      broker.set(pid, processSeconds(pid));
    }
  }
  const usage = process.cpuUsage();
  const [busy, idle] = machineSeconds();
  return {
    at: performance.now(),
    worker: processSeconds(workerPid),
    database,
    broker,
    bench: (usage.user + usage.system) / 1e6,
    busy,
    idle,
  };
}

/** utime + stime of one process in seconds (its children are not counted). */
function processSeconds(pid: number): number {
  const stat = readOr(`/proc/${pid}/stat`);
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS_PER_SECOND;
}

/** Busy and idle (idle + iowait) seconds of the whole machine, summed over cores. */
function machineSeconds(): [number, number] {
  const line = readOr('/proc/stat').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((a, b) => a + b, 0);
  return [(total - idle) / TICKS_PER_SECOND, idle / TICKS_PER_SECOND];
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process ended between listing and reading
  }
}

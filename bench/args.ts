/** Command-line options of `npm run bench`, parsed strictly: every mistake is named. */

/** What one bench run measures and with which stream. */
export interface BenchOptions {
  /** Events in the stream (exactly, unless too few users make it unreachable). */
  events: number;
  /** Distinct users in the stream. */
  users: number;
  /** Partitions of the source topic. */
  partitions: number;
  /** Events of the stream's prefix the per-event baseline B consumes. */
  baselineEvents: number;
  /** Seed of the stream generator. */
  seed: number;
  /** Steady-rate mode: events per second (with duration), or null for the backlog mode. */
  rate: number | null;
  /** Steady-rate mode: seconds of producing. */
  duration: number | null;
  /** Steady-rate mode: first seconds of producing left out of the steady quantiles (start-up transient). */
  warmup: number;
  /** Report the worker's peak RSS (VmHWM). */
  memory: boolean;
  /** Where the JSON results go. */
  out: string;
  /** Also rewrite the generated section of bench/RESULTS.md with this run. */
  record: boolean;
  /** Backlog figures to measure (default all of W, B, D, K). */
  only: Figure[];
}

/** One of the backlog figures. */
export type Figure = 'W' | 'B' | 'D' | 'K';
const FIGURES: readonly Figure[] = ['W', 'B', 'D', 'K'];

/** A bad command line; the message says what and how to fix it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The help text printed by --help and after a usage error. */
export const USAGE = `usage: npm run bench -- [options]
  --events N        events in the stream (default 200000; with --rate: rate × duration)
  --users U         distinct users (default 50000, or events / 4 when --events is given)
  --partitions P    partitions of the source topic (default 4)
  --baseline N      prefix consumed by the per-event baseline B (default 20000, at most --events)
  --seed S          stream generator seed (default 1)
  --rate R          steady-rate mode: produce R events/s while the worker runs (needs --duration)
  --duration S      steady-rate mode: seconds of producing
  --warmup S        steady-rate mode: first seconds left out of the steady p50/p99 (default 5;
                    the whole run's p99 is printed too)
  --memory          also report the worker's peak RSS (VmHWM)
  --out FILE        results file (default bench/results.json)
  --record          also write this run's report into bench/RESULTS.md (its hand-kept part stays)
  --only LIST       measure only these of W,B,D,K (e.g. --only W)
  --help            this text`;

const INTEGER_FLAGS = ['events', 'users', 'partitions', 'baseline', 'seed', 'rate', 'duration', 'warmup'] as const;
type IntegerFlag = (typeof INTEGER_FLAGS)[number];

function integerArgument(flag: string, raw: string | undefined): number {
  if (raw === undefined || raw.startsWith('--')) throw new UsageError(`--${flag} needs a value`);
  const value = Number(raw.replace(/_/g, ''));
  const least = flag === 'warmup' ? 0 : 1;
  if (!/^\d[\d_]*$/.test(raw) || !Number.isSafeInteger(value) || value < least) {
    throw new UsageError(`--${flag} must be ${least === 0 ? 'a non-negative' : 'a positive'} integer, got "${raw}"`);
  }
  return value;
}

/** Parses argv (without node and script); throws UsageError, or returns null for --help. */
export function parseArgs(argv: readonly string[]): BenchOptions | null {
  const given: Partial<Record<IntegerFlag, number>> = {};
  let memory = false;
  let record = false;
  let out = 'bench/results.json';
  let only: Figure[] = [...FIGURES];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const flag = (name as string).replace(/^--/, '');
    if (name === '--help' || name === '-h') return null;
    if (name === '--record') {
      if (inline !== undefined) throw new UsageError('--record takes no value');
      record = true;
    } else if (name === '--memory') {
      if (inline !== undefined) throw new UsageError('--memory takes no value');
      memory = true;
    } else if (name === '--out') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || value.startsWith('--'))
        throw new UsageError('--out needs a file name');
      out = value;
    } else if (name === '--only') {
      only = parseOnly(inline ?? argv[++i]);
    } else if ((INTEGER_FLAGS as readonly string[]).includes(flag) && name?.startsWith('--')) {
      if (given[flag as IntegerFlag] !== undefined) throw new UsageError(`--${flag} is given twice`);
      given[flag as IntegerFlag] = integerArgument(flag, inline ?? argv[++i]);
    } else {
      throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return { ...validate(given, memory, out), only, record };
}

function parseOnly(raw: string | undefined): Figure[] {
  if (raw === undefined || raw.startsWith('--')) throw new UsageError('--only needs a list such as W,K');
  const list = raw
    .toUpperCase()
    .split(',')
    .filter((f) => f !== '');
  const bad = list.filter((f) => !(FIGURES as readonly string[]).includes(f));
  if (list.length === 0 || bad.length > 0) throw new UsageError(`--only takes W, B, D, K; got "${raw}"`);
  return FIGURES.filter((f) => list.includes(f));
}

function validate(
  given: Partial<Record<IntegerFlag, number>>,
  memory: boolean,
  out: string,
): Omit<BenchOptions, 'only' | 'record'> {
  const rate = given.rate ?? null;
  const duration = given.duration ?? null;
  if ((rate === null) !== (duration === null)) throw new UsageError('--rate and --duration go together');
  const events = given.events ?? (rate !== null && duration !== null ? rate * duration : 200_000);
  if (rate !== null && duration !== null && events < rate * duration) {
    throw new UsageError(`--events ${events} is fewer than --rate × --duration = ${rate * duration}`);
  }
  const users = given.users ?? (given.events === undefined && rate === null ? 50_000 : Math.ceil(events / 4));
  if (users > events) throw new UsageError(`--users ${users} exceeds --events ${events}: every user needs a create`);
  const partitions = given.partitions ?? 4;
  if (partitions > 256) throw new UsageError(`--partitions ${partitions} is more than 256`);
  const baselineEvents = Math.min(given.baseline ?? 20_000, events);
  const warmup = given.warmup ?? 5;
  if (given.warmup !== undefined && rate === null) throw new UsageError('--warmup needs --rate and --duration');
  if (duration !== null && warmup >= duration) {
    throw new UsageError(`--warmup ${warmup} must be shorter than --duration ${duration}`);
  }
  return { events, users, partitions, baselineEvents, seed: given.seed ?? 1, rate, duration, warmup, memory, out };
}

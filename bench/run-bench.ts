/**
 * `npm run bench`: starts its own Kafka broker, generates and produces a realistic user stream,
 * then measures the worker (W) against the per-event baseline (B), the database ceiling (D) and
 * the Kafka ceiling (K), or, with --rate/--duration, produce-to-commit latency at a steady rate.
 */
import { resolve } from 'node:path';
import { projectRoot } from '../test/support/services';
import { parseArgs, USAGE, UsageError, type BenchOptions } from './args';
import { startBroker, type Broker } from './broker';
import { startDatabase } from './database';
import { benchKafka, createTopic, produceAll } from './kafka-io';
import { describeEnvironment } from './machine';
import { measureBaseline } from './measure-baseline';
import { measureDatabase } from './measure-database';
import { measureKafka } from './measure-kafka';
import { measureLatency } from './measure-latency';
import { measureWorker } from './measure-worker';
import { formatReport, judge, writeResults, type BenchResults } from './report';
import { recordResults } from './results-file';
import { buildStream } from './stream';
import { workerTuning } from './worker-run';

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

async function timed<T>(what: string, run: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  log(`${what}…`);
  const result = await run();
  log(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function bench(options: BenchOptions, broker: Broker): Promise<BenchResults> {
  const startedAt = new Date();
  const environment = await describeEnvironment(broker.version);
  const stream = await timed(`generating ${options.events} events for ${options.users} users`, () =>
    buildStream(options.events, options.users, options.seed, options.baselineEvents),
  );
  const events = stream.messages.length;
  const results: BenchResults = {
    ...environment,
    startedAt: startedAt.toISOString(),
    runtimeSeconds: 0,
    parameters: {
      ...options,
      actualEvents: events,
      actualUsers: stream.users,
      streamMiB: stream.bytes / 2 ** 20,
      tuning: workerTuning(),
    },
    figures: {},
    ratios: {},
    targets: [],
  };
  const kafka = benchKafka(broker.brokers);
  const timeoutMs = 120_000 + events; // generous: 1 ms per event on top of two minutes
  const topic = await createTopic(kafka, 'bench-user', options.partitions);
  if (options.rate !== null) {
    results.figures.latency = await timed(`latency at ${options.rate} events/s`, () =>
      measureLatency(kafka, topic, options.partitions, stream, options.rate as number, options.warmup),
    );
  } else {
    await timed('producing the stream', () => produceAll(kafka, topic, stream.messages));
    const prefixTopic = await createTopic(kafka, 'bench-prefix', options.partitions);
    if (options.only.includes('B')) {
      await timed('producing the baseline prefix', () =>
        produceAll(kafka, prefixTopic, stream.messages.slice(0, stream.prefixLength)),
      );
    }
    const only = new Set(options.only);
    if (only.has('W')) {
      // R (a replay over the filled table) comes with W, except in the long --memory run.
      const replay = !options.memory;
      results.figures.W = await timed(replay ? 'W (worker), then R (replay)' : 'W (worker)', () =>
        measureWorker(kafka, topic, stream.expected, timeoutMs, replay),
      );
    }
    if (only.has('B')) {
      results.figures.B = await timed('B (per-event baseline)', () =>
        measureBaseline(kafka, prefixTopic, stream.prefixLength, stream.expectedPrefix, timeoutMs),
      );
    }
    if (only.has('D')) results.figures.D = await timed('D (database ceiling)', () => measureDatabase(stream.expected));
    if (only.has('K')) {
      results.figures.K = await timed('K (Kafka ceiling)', () => measureKafka(kafka, topic, events, timeoutMs));
    }
  }
  results.runtimeSeconds = (Date.now() - startedAt.getTime()) / 1000;
  judge(results);
  return results;
}

async function main(): Promise<number> {
  let options: BenchOptions | null;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const stopDatabase = await timed('starting the database server', () => startDatabase());
  const broker = await timed('starting Kafka', () => startBroker()).catch((err: unknown) => {
    stopDatabase();
    throw err;
  });
  const onSignal = (): void => {
    broker.stop();
    stopDatabase();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.env.KAFKA_BROKERS = broker.brokers.join(','); // the worker support spawns against it
  try {
    const results = await bench(options, broker);
    results.runtimeSeconds = (performance.now() - started) / 1000;
    const out = resolve(projectRoot, options.out);
    writeResults(out, results);
    const report = formatReport(results);
    process.stdout.write(`${report}\nresults: ${out}\n`);
    if (options.record) {
      const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
      recordResults(resolve(projectRoot, 'bench/RESULTS.md'), report, command, new Date(results.startedAt));
    }
    return results.targets.some((t) => t.target.includes('table') && !t.holds) ? 1 : 0;
  } finally {
    await timed('stopping Kafka', () => broker.stop());
    await timed('stopping the database server', () => stopDatabase());
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

/** Prints the figures as a table with the targets and writes them as JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchOptions } from './args';
import type { Environment } from './machine';
import type { CpuProfile, CpuShare } from './cpu-usage';
import type { BaselineFigure } from './measure-baseline';
import type { DatabaseFigure } from './measure-database';
import type { KafkaFigure } from './measure-kafka';
import type { LatencyFigure } from './measure-latency';
import type { WorkerFigure } from './measure-worker';

/** Everything one run measured (the figures of the other mode are absent). */
export interface BenchResults extends Environment {
  startedAt: string;
  runtimeSeconds: number;
  parameters: BenchOptions & {
    actualEvents: number;
    actualUsers: number;
    streamMiB: number;
    tuning: Record<string, string>;
  };
  figures: { W?: WorkerFigure; B?: BaselineFigure; D?: DatabaseFigure; K?: KafkaFigure; latency?: LatencyFigure };
  ratios: { WoverB?: number; WoverMinDK?: number };
  targets: Array<{ target: string; value: string; holds: boolean }>;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pad = (s: string, n: number): string => s.padEnd(n);

/** Computes the ratios and target verdicts of a run (in place). */
export function judge(results: BenchResults): void {
  const { W, B, D, K, latency } = results.figures;
  const targets = results.targets;
  if (W && B) {
    results.ratios.WoverB = W.eventsPerSecond / B.eventsPerSecond;
    targets.push({
      target: 'W ≥ 20 × B',
      value: `${results.ratios.WoverB.toFixed(1)} ×`,
      holds: results.ratios.WoverB >= 20,
    });
  }
  if (W && D && K) {
    results.ratios.WoverMinDK = W.eventsPerSecond / Math.min(D.rowsPerSecond, K.eventsPerSecond);
    const value = `${results.ratios.WoverMinDK.toFixed(2)} ×`;
    targets.push({ target: 'W ≥ 0.5 × min(D, K)', value, holds: results.ratios.WoverMinDK >= 0.5 });
  }
  if (W && results.parameters.memory && W.peakRssMb !== null) {
    const label = `worker peak RSS < 300 MB (${fmt(W.events)} events)`;
    targets.push({ target: label, value: `${W.peakRssMb} MB`, holds: W.peakRssMb < 300 });
  }
  if (latency) {
    const label = `p99 commit latency < 1 s at ${fmt(latency.targetRate)} events/s (steady)`;
    targets.push({ target: label, value: `${fmt(latency.p99Ms)} ms`, holds: latency.p99Ms < 1000 });
  }
  for (const [name, figure] of Object.entries({ W, R: W?.replay, B, D, latency })) {
    if (figure)
      targets.push({
        target: `${name}: table equals the model`,
        value: figure.table.equal ? 'equal' : `${figure.table.mismatches} rows differ`,
        holds: figure.table.equal,
      });
  }
}

/** The human-readable report. */
export function formatReport(r: BenchResults): string {
  const { W, B, D, K, latency } = r.figures;
  const p = r.parameters;
  const lines = [
    `machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; node ${r.versions.node}, kafka ${r.versions.kafka}, kafkajs ${r.versions.kafkajs}, ${r.versions.mariadb}`,
    `stream: ${fmt(p.actualEvents)} events, ${fmt(p.actualUsers)} users, ${p.partitions} partitions, ${p.streamMiB.toFixed(1)} MiB; worker tuning: ${JSON.stringify(p.tuning)}`,
    '',
    `${pad('figure', 44)} ${pad('rate', 16)} count / time`,
  ];
  const row = (name: string, rate: string, detail: string): number =>
    lines.push(`${pad(name, 44)} ${pad(rate, 16)} ${detail}`);
  if (W)
    row(
      'W  worker (spawn → all offsets committed)',
      `${fmt(W.eventsPerSecond)} ev/s`,
      `${fmt(W.events)} in ${W.seconds.toFixed(2)} s (first commit at ${W.firstCommitSeconds?.toFixed(2) ?? '-'} s)`,
    );
  if (W?.replay)
    row(
      'R  replay over the filled table (new group)',
      `${fmt(W.replay.eventsPerSecond)} ev/s`,
      `${fmt(W.replay.events)} in ${W.replay.seconds.toFixed(2)} s`,
    );
  if (B)
    row(
      `B  per-event eachMessage baseline`,
      `${fmt(B.eventsPerSecond)} ev/s`,
      `${fmt(B.events)} in ${B.seconds.toFixed(2)} s (${B.concurrency} partitions at once)`,
    );
  if (D)
    row(
      'D  database ceiling (multi-row upserts)',
      `${fmt(D.rowsPerSecond)} rows/s`,
      `${fmt(D.rows)} in ${D.seconds.toFixed(2)} s (${D.statementRows}-row statements, ${D.concurrency} at once)`,
    );
  if (K)
    row(
      'K  Kafka ceiling (eachBatch, no-op)',
      `${fmt(K.eventsPerSecond)} ev/s`,
      `${fmt(K.events)} in ${K.seconds.toFixed(2)} s`,
    );
  if (W?.peakRssMb != null && p.memory) row('worker peak RSS (VmHWM)', `${W.peakRssMb} MB`, '');
  if (latency) {
    row(
      `latency produce → commit (after ${latency.warmupSeconds} s)`,
      `p50 ${fmt(latency.p50Ms)} ms`,
      `p99 ${fmt(latency.p99Ms)} ms, max ${fmt(latency.maxMs)} ms`,
    );
    row('  whole run, warm-up included', '', `p99 ${fmt(latency.p99AllMs)} ms, max ${fmt(latency.maxAllMs)} ms`);
    row(
      '  at rate',
      `${fmt(latency.achievedRate)} ev/s`,
      `target ${fmt(latency.targetRate)}; ${fmt(latency.events)} events; RSS ${latency.peakRssMb ?? '-'} MB`,
    );
  }
  if (r.ratios.WoverB !== undefined) row('W / B', `${r.ratios.WoverB.toFixed(1)} ×`, '');
  if (r.ratios.WoverMinDK !== undefined) row('W / min(D, K)', `${r.ratios.WoverMinDK.toFixed(2)} ×`, '');
  if (W) lines.push('', ...cpuLines('W', W.cpu, B?.eventsPerSecond));
  lines.push('', 'targets:');
  for (const t of r.targets) lines.push(`  ${t.holds ? 'HOLDS' : 'MISS '}  ${pad(t.target, 52)} ${t.value}`);
  const mismatch = [W, B, D, latency].find((f) => f && !f.table.equal);
  if (mismatch) lines.push(`first mismatch: ${mismatch.table.firstMismatch ?? ''}`);
  for (const f of [W, latency]) {
    if (f && f.warningCount > 0)
      lines.push(`worker logged ${f.warningCount} warnings, first: ${f.warnings.join('\n  ')}`);
  }
  lines.push('', `runtime ${r.runtimeSeconds.toFixed(1)} s`);
  return lines.join('\n');
}

/**
 * Where the CPU went during a run: seconds and µs per event by process, the rate those costs
 * allow on this machine's cores, and what 20 × B would need.
 */
function cpuLines(name: string, cpu: CpuProfile, baseline: number | undefined): string[] {
  const part = (label: string, s: CpuShare | null): string =>
    s === null ? `${label} -` : `${label} ${s.seconds.toFixed(1)} s (${s.microsPerEvent.toFixed(0)} µs/event)`;
  const lines = [
    `CPU during ${name} (${cpu.cores} cores × ${cpu.wallSeconds.toFixed(1)} s = ${(cpu.cores * cpu.wallSeconds).toFixed(1)} core-s):`,
    `  ${[part('worker', cpu.worker), part('database', cpu.database), part('broker', cpu.broker)].join(', ')}`,
    `  ${part('bench', cpu.bench)}, ${part('other', cpu.other)}, idle ${cpu.idleSeconds.toFixed(1)} s`,
    `  at these costs ${cpu.cores} cores carry at most ${fmt(cpu.ceilingEventsPerSecond)} ev/s`,
  ];
  if (baseline !== undefined) {
    const budget = (cpu.cores / (20 * baseline)) * 1e6;
    lines.push(`  20 × B = ${fmt(20 * baseline)} ev/s needs ≤ ${budget.toFixed(0)} µs of CPU per event in all`);
  }
  return lines;
}

/** Writes the results as pretty JSON (creating the folder if needed). */
export function writeResults(path: string, results: BenchResults): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

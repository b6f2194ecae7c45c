import { stripVTControlCharacters } from 'node:util';

/** The counters node's test runner prints in its closing lines (`ℹ pass 12`). */
export const SUMMARY_KEYS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo', 'duration_ms'] as const;

/** One run's closing counters; a key the run never printed is absent. */
export type RunSummary = Partial<Record<(typeof SUMMARY_KEYS)[number], number>>;

const SUMMARY_LINE = new RegExp(`^(?:ℹ|#) (${SUMMARY_KEYS.join('|')}) (\\d+(?:\\.\\d+)?)\\s*$`);

/** Reads the counters from a run's output; a later line wins (the closing summary comes last). */
export function parseSummary(output: string): RunSummary {
  const summary: RunSummary = {};
  for (const line of output.split(/\r?\n/)) {
    const match = SUMMARY_LINE.exec(stripVTControlCharacters(line));
    if (match) summary[match[1] as keyof RunSummary] = Number(match[2]);
  }
  return summary;
}

/** Adds the runs' counters, key by key, in the order node prints them. */
export function totalSummary(runs: readonly RunSummary[]): RunSummary {
  const total: RunSummary = {};
  for (const key of SUMMARY_KEYS) {
    const values = runs.map((r) => r[key]).filter((v): v is number => v !== undefined);
    if (values.length > 0) total[key] = Math.round(values.reduce((a, b) => a + b, 0) * 1000) / 1000;
  }
  return total;
}

/** The closing lines in node's own format, so whatever reads them (CI) sees every run's total. */
export function formatSummary(summary: RunSummary): string {
  return SUMMARY_KEYS.filter((key) => summary[key] !== undefined)
    .map((key) => `ℹ ${key} ${summary[key]}\n`)
    .join('');
}

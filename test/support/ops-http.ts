/** Fetches a worker's /metrics text on its ops port. */
export async function fetchMetrics(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

/** The value of one sample in Prometheus text format (labels as written, in order); a missing one throws. */
export function metricSample(metrics: string, name: string, labels = ''): number {
  const series = `${name}${labels ? `{${labels}}` : ''}`;
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`the metric ${series} is not exported`);
  const value = Number(line.slice(series.length + 1));
  if (Number.isNaN(value)) throw new Error(`not a number for ${series}: ${line}`);
  return value;
}

/** A worker's /readyz answer: its status and the checks it reports. */
export interface Readiness {
  status: number;
  checks: Record<string, boolean>;
}

/** Fetches a worker's /readyz on its ops port. */
export async function readyz(port: number): Promise<Readiness> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  const body = (await res.json()) as { checks: Record<string, boolean> };
  return { status: res.status, checks: body.checks };
}

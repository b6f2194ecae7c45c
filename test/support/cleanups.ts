import { after } from 'node:test';

/**
 * Registers an after() hook in the calling describe() that runs the collected cleanups in
 * reverse order, each failure ignored (a cleanup must not hide the test's own failure).
 * Returns the function that collects them.
 */
export function collectCleanups(): (...fns: Array<() => Promise<unknown>>) => void {
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });
  return (...fns) => void cleanups.push(...fns);
}

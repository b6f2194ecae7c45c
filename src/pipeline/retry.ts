import { isConnectionFault, StoppedError } from '../errors';

// A read-only server or a failed connection is mended by the next connection once a failover has
// moved the endpoint: waiting longer than this would keep the stream stopped behind a healthy primary.
const CONNECTION_FAULT_MAX_DELAY_MS = 2000;

/**
 * Backoff settings: the ceiling grows ×2 from initial to max; each wait is drawn between half the
 * ceiling and the ceiling (equal jitter: spread out, yet never a near-zero wait that would spin).
 */
export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** The one backoff of the worker: the wait before retry number `attempt` (from 1) under `policy`. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 20));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Hooks a retry loop needs from its caller. */
export interface RetryHooks {
  /** True once the worker is stopping: the loop gives up with StoppedError. */
  isStopping(): boolean;
  /** Called before each wait (log, metrics, Kafka heartbeat); its own errors are ignored. */
  onRetry(err: unknown, attempt: number, delayMs: number): Promise<void> | void;
  /** Decides whether an error is worth retrying; others are rethrown at once. */
  isRetryable(err: unknown): boolean;
}

/**
 * Runs fn until it succeeds, waiting with jittered exponential backoff between
 * retryable failures (at most CONNECTION_FAULT_MAX_DELAY_MS after a read-only or connection fault).
 * Never gives up on its own: an outage ends, a stop request ends it.
 */
export async function retryForever<T>(fn: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (hooks.isStopping()) throw new StoppedError();
    try {
      return await fn();
    } catch (err) {
      if (!hooks.isRetryable(err)) throw err;
      // A failure caused by the stop itself (its connections are closed) is not worth a retry log.
      if (hooks.isStopping()) throw new StoppedError();
      const maxDelayMs = isConnectionFault(err)
        ? Math.min(policy.maxDelayMs, CONNECTION_FAULT_MAX_DELAY_MS)
        : policy.maxDelayMs;
      const delayMs = backoffDelayMs(attempt, { initialDelayMs: policy.initialDelayMs, maxDelayMs });
      try {
        await hooks.onRetry(err, attempt, delayMs);
      } catch {
        // a failing heartbeat or log must not end the retry loop
      }
      if (!(await sleepUnlessStopping(delayMs, hooks.isStopping))) throw new StoppedError();
    }
  }
}

/** Sleeps ms in short steps so a stop request is noticed within ~100 ms; false if it was. */
export async function sleepUnlessStopping(ms: number, isStopping: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (isStopping()) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
  }
  return true;
}

import type { CanRetryFor, WorkerErrorCode } from './codes';

/** An error of the worker's own, with a code from the closed list and whether retrying can mend it. */
export class WorkerError<C extends WorkerErrorCode = WorkerErrorCode> extends Error {
  override readonly name: string = 'WorkerError';
  constructor(
    /** Stable, documented code (e.g. `DEAD_LETTER_REFUSED`). */
    readonly code: C,
    message: string,
    /**
     * False when the same attempt fails the same way every time: the process must end. It must
     * agree with the code's entry in WORKER_ERROR_CODES (the compiler checks it).
     */
    readonly canRetry: CanRetryFor<C>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown out of a retry loop when the worker is stopping: nothing more is written or committed. */
export class StoppedError extends WorkerError<'STOPPED'> {
  override readonly name = 'StoppedError';
  constructor() {
    super('STOPPED', 'worker is stopping', true);
  }
}

/** False for an error that says retrying is pointless (a WorkerError with canRetry false). */
export function canRetry(err: unknown): boolean {
  return !(err instanceof WorkerError) || err.canRetry;
}

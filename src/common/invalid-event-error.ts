import type { DeadLetterReason } from './outcome';

/** The longest message (it becomes the dlq.error header and a log line). */
export const MAX_ERROR_MESSAGE_CHARS = 240;
const KEEP_HEAD = 180;

/**
 * Cuts text to `max` characters with an ellipsis in the middle: input quoted in a message (an
 * event_type of any length) never makes a header or a log line unbounded, and the message's
 * start (the field) and end (the problem) both stay.
 */
export function boundText(text: string, max = MAX_ERROR_MESSAGE_CHARS): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = Math.min(KEEP_HEAD, Math.floor(((max - 1) * 3) / 4));
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - head - 1)).join('')}`;
}

/** A permanent, message-level problem: the record goes to the dead-letter topic, never retried. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    readonly reason: Exclude<DeadLetterReason, 'rejected_by_database'>,
    message: string,
    readonly field?: string,
  ) {
    super(boundText(message));
  }
}

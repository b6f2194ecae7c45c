/** Why an event cannot be applied: stable reason code plus a message that names the field. */
export type RejectionReason = 'invalid_json' | 'invalid_event' | 'unknown_event_type';

/** A permanent, message-level problem: the record goes to the dead-letter topic, never retried. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    readonly reason: RejectionReason,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

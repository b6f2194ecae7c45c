import { randomUUID } from 'node:crypto';

/** A 24-hex user id derived from a number (stable, readable in failures). */
export function userId(n: number): string {
  return n.toString(16).padStart(24, '0');
}

/** Fields a test may override in a created/updated event. */
export interface UserEventFields {
  email?: string;
  phone?: string | null;
  displayName?: string;
  avatar?: string | null;
  bio?: string | null;
  version?: number;
  deletedAt?: string | null;
  createdAt?: string;
  updatedAt?: string;
  /** The envelope's timestamp; null leaves it out. */
  timestamp?: string | null;
  eventId?: string;
}

/** A full `user.created` / `user.updated` envelope like the platform emits (spec §1). */
export function userUpsertEvent(
  type: 'user.created' | 'user.updated',
  id: string,
  f: UserEventFields = {},
): Record<string, unknown> {
  const timestamp = f.timestamp === undefined ? '2025-01-15T10:30:00Z' : f.timestamp;
  return {
    event_type: type,
    event_id: f.eventId ?? randomUUID(),
    entity_id: id,
    ...(timestamp === null ? {} : { timestamp }),
    data: {
      contact_info: {
        primary_email: f.email ?? `${id}@example.com`,
        additional_emails: ['other@example.com'],
        phone: f.phone === undefined ? '+1234567890' : f.phone,
      },
      profile: {
        display_name: f.displayName ?? 'Jane Smith',
        avatar: f.avatar === undefined ? 'https://cdn.example.com/default.jpg' : f.avatar,
        bio: f.bio === undefined ? null : f.bio,
        date_of_birth: '1990-01-01',
      },
      password_hash: '$2b$12$SECRETHASHVALUEdonotlog',
      version: f.version ?? 1,
      deleted_at: f.deletedAt ?? null,
      created_at: f.createdAt ?? '2025-01-15T10:30:00Z',
      updated_at: f.updatedAt ?? timestamp ?? '2025-01-15T10:30:00Z',
    },
  };
}

/** A `user.deleted` envelope. */
export function userDeletedEvent(
  id: string,
  timestamp: string | null = '2025-01-15T11:00:00Z',
  eventId: string = randomUUID(),
): Record<string, unknown> {
  const event: Record<string, unknown> = {
    event_type: 'user.deleted',
    event_id: eventId,
    entity_id: id,
    data: { user_id: id },
  };
  if (timestamp !== null) event.timestamp = timestamp;
  return event;
}

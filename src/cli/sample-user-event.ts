import { randomUUID } from 'node:crypto';

/** Options of one hand-made user event. */
export interface SampleOptions {
  type: 'created' | 'updated' | 'deleted';
  id: string;
  email: string;
  name: string;
  bio: string | null;
  phone: string | null;
  version: number;
  createdAt: string;
  now: string;
}

/** Builds a user event shaped like the platform's (spec §1). Pure. */
export function sampleUserEvent(o: SampleOptions): Record<string, unknown> {
  const envelope = { event_type: `user.${o.type}`, event_id: randomUUID(), entity_id: o.id, timestamp: o.now };
  if (o.type === 'deleted') return { ...envelope, data: { user_id: o.id } };
  return {
    ...envelope,
    data: {
      contact_info: { primary_email: o.email, additional_emails: [], phone: o.phone },
      profile: {
        display_name: o.name,
        avatar: 'https://cdn.example.com/avatars/default.jpg',
        bio: o.bio,
        date_of_birth: null,
      },
      version: o.version,
      deleted_at: null,
      created_at: o.createdAt,
      updated_at: o.now,
    },
  };
}

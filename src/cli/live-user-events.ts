import { randomUUID } from 'node:crypto';

/** Mutable state of one simulated user. */
interface SimulatedUser {
  id: string;
  version: number;
  createdAt: string;
  deleted: boolean;
}

/**
 * Simulates the platform for demos and load: picks a random user among `users`; creates it on
 * first sight, then mostly updates it (rising versions), sometimes deletes or restores it.
 * Timestamps are the current time, so every event is newer than the last. Pure apart from the clock.
 */
export class LiveUserEvents {
  private readonly population = new Map<number, SimulatedUser>();
  private sequence = 0;

  constructor(
    private readonly users: number,
    private readonly idBase = Math.floor(Date.now() / 1000) % 0xffffff,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next event with its key (the user id). */
  next(now = new Date()): { key: string; value: Record<string, unknown> } {
    const n = Math.floor(this.random() * this.users);
    const timestamp = new Date(now.getTime() + (this.sequence++ % 1000) / 1000).toISOString();
    let user = this.population.get(n);
    if (!user) {
      user = { id: this.idFor(n), version: 1, createdAt: timestamp, deleted: false };
      this.population.set(n, user);
      return this.upsert('user.created', user, timestamp);
    }
    if (!user.deleted && this.random() < 0.08) {
      user.deleted = true;
      const value = {
        event_type: 'user.deleted',
        event_id: randomUUID(),
        entity_id: user.id,
        timestamp,
        data: { user_id: user.id },
      };
      return { key: user.id, value };
    }
    user.version++;
    user.deleted = false;
    return this.upsert('user.updated', user, timestamp);
  }

  private upsert(
    type: string,
    user: SimulatedUser,
    timestamp: string,
  ): { key: string; value: Record<string, unknown> } {
    const short = user.id.slice(-6);
    const value = {
      event_type: type,
      event_id: randomUUID(),
      entity_id: user.id,
      timestamp,
      data: {
        contact_info: {
          primary_email: `user-${short}@example.com`,
          additional_emails: [],
          phone: this.random() < 0.5 ? '+1234567890' : null,
        },
        profile: {
          display_name: `User ${short} v${user.version}`,
          avatar: 'https://cdn.example.com/avatars/default.jpg',
          bio: this.random() < 0.3 ? `Bio ${user.version} 🚀` : null,
          date_of_birth: null,
        },
        version: user.version,
        deleted_at: null,
        created_at: user.createdAt,
        updated_at: timestamp,
      },
    };
    return { key: user.id, value };
  }

  private idFor(n: number): string {
    return `${this.idBase.toString(16).padStart(8, '0')}${n.toString(16).padStart(16, '0')}`;
  }
}

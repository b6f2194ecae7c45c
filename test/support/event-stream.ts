import { userDeletedEvent, userId, userUpsertEvent } from './user-events';

/** A realistic stream: every user created, ~2.5 updates each with rising versions, 10 % deleted, a few % duplicated. */
export function userEventStream(users: number, seed = 1): Array<{ key: string; value: Record<string, unknown> }> {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const base = Date.UTC(2025, 0, 1);
  const at = (step: number): string => new Date(base + step * 1000).toISOString().replace('.000Z', '.123456Z');
  const perUser: Array<Array<Record<string, unknown>>> = [];
  for (let u = 1; u <= users; u++) {
    const id = userId(u);
    const created = at(u);
    const events: Array<Record<string, unknown>> = [
      userUpsertEvent('user.created', id, { createdAt: created, timestamp: created, displayName: `User ${u}` }),
    ];
    const updates = Math.floor(random() * 6); // mean 2.5
    for (let v = 2; v <= updates + 1; v++) {
      const t = at(u + v * 100_000);
      events.push(
        userUpsertEvent('user.updated', id, {
          version: v,
          createdAt: created,
          timestamp: t,
          displayName: `User ${u} v${v}`,
          bio: random() < 0.5 ? `bio ${v} 🚀` : null,
        }),
      );
    }
    if (random() < 0.1) events.push(userDeletedEvent(id, at(u + 9_000_000)));
    perUser.push(events);
  }
  // Interleave users while keeping each user's order; duplicate ~3 % right after their original.
  const out: Array<{ key: string; value: Record<string, unknown> }> = [];
  const cursors = perUser.map(() => 0);
  let remaining = perUser.reduce((n, e) => n + e.length, 0);
  while (remaining > 0) {
    const u = Math.floor(random() * perUser.length);
    const events = perUser[u] as Array<Record<string, unknown>>;
    const i = cursors[u] as number;
    if (i >= events.length) continue;
    cursors[u] = i + 1;
    remaining--;
    const event = events[i] as Record<string, unknown>;
    out.push({ key: userId(u + 1), value: event });
    if (random() < 0.03) out.push({ key: userId(u + 1), value: event });
  }
  return out;
}

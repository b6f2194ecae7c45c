import { userDeletedEvent, userId, userUpsertEvent } from './user-events';

/** Optional shape of the stream; without it the stream is the one the tests have always used. */
export interface UserEventStreamOptions {
  /**
   * Aim at exactly this many events: the mean number of updates per user is raised (or lowered) to
   * reach it with a small margin and the interleaved stream is cut there (each user's events stay in
   * order; a user whose later events fall past the cut simply ends earlier). Fewer when unreachable.
   */
  events?: number;
}

/** A realistic stream: every user created, ~2.5 updates each with rising versions, 10 % deleted, a few % duplicated. */
export function userEventStream(
  users: number,
  seed = 1,
  options: UserEventStreamOptions = {},
): Array<{ key: string; value: Record<string, unknown> }> {
  const target = options.events;
  // floor(random() * span) has mean ≈ (span - 1) / 2; 6 gives the default 2.5 updates per user.
  // Per user: 1 create + updates + 0.1 delete, then ×1.03 duplicates; 2 % margin before the cut.
  const span = target === undefined ? 6 : Math.max(1, 2 * ((target / users) * (1.02 / 1.03) - 1.1) + 1);
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
    const updates = Math.floor(random() * span); // mean 2.5 by default
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
  const active = perUser.map((_, u) => u); // users with events left; exhausted ones are swapped out
  while (active.length > 0 && (target === undefined || out.length < target)) {
    const slot = Math.floor(random() * active.length);
    const u = active[slot] as number;
    const events = perUser[u] as Array<Record<string, unknown>>;
    const i = cursors[u] as number;
    cursors[u] = i + 1;
    if (i + 1 >= events.length) {
      active[slot] = active[active.length - 1] as number;
      active.pop();
    }
    const event = events[i] as Record<string, unknown>;
    out.push({ key: userId(u + 1), value: event });
    if (random() < 0.03) out.push({ key: userId(u + 1), value: event });
  }
  if (target !== undefined && out.length > target) out.length = target;
  return out;
}

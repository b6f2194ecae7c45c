import fc from 'fast-check';
import type { ModelEvent, ModelOutcome } from './expected-table';
import { utcDatetime6, recordDatetime6 } from './expected-table';
import { userDeletedEvent, userUpsertEvent } from './user-events';

const BASE_MS = Date.UTC(2025, 0, 1);
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Topics the platform can emit for a few users: along each user's true history, event timestamps
 * rise and versions never fall (a user.deleted keeps the version); the topic then carries that
 * history with duplicates anywhere and late events (moved later). A delete may lack `timestamp`;
 * every record's timestamp is its produce time (rising along the topic), as Kafka stamps it.
 */
export function replayableTopic(ids: readonly string[]): fc.Arbitrary<ModelEvent[]> {
  const step = fc.record({
    id: fc.constantFrom(...ids),
    kind: fc.constantFrom('create', 'update', 'update', 'delete'),
    bump: fc.boolean(),
    untimed: fc.boolean(),
    bio: fc.option(fc.constantFrom('x', 'y'), { nil: null }),
  });
  const move = fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.boolean());
  return fc
    .tuple(fc.array(step, { minLength: 1, maxLength: 25 }), fc.array(move, { maxLength: 6 }))
    .map(([steps, moves]) => {
      const versions = new Map<string, number>();
      const history = steps.map((s, i) => {
        const at = iso(BASE_MS + (i + 1) * 1000);
        // The true history deletes only users it created.
        if (s.kind === 'delete' && versions.has(s.id)) return userDeletedEvent(s.id, s.untimed ? null : at, `h${i}`);
        const version = (versions.get(s.id) ?? 0) + (s.bump || !versions.has(s.id) ? 1 : 0);
        versions.set(s.id, version);
        const type = s.kind === 'create' ? 'user.created' : 'user.updated';
        return userUpsertEvent(type, s.id, {
          version,
          timestamp: at,
          createdAt: at,
          updatedAt: at,
          bio: s.bio,
          eventId: `h${i}`,
        });
      });
      const topic = [...history];
      for (const [at, by, duplicate] of moves) {
        const from = at % topic.length;
        const event = topic[from] as Record<string, unknown>;
        if (!duplicate) topic.splice(from, 1);
        topic.splice(Math.min(topic.length, from + by + (duplicate ? 1 : 0)), 0, event);
      }
      // Produce time: one second per record, starting with the first event's time.
      return topic.map((value, j) => ({ value, timestamp: String(BASE_MS + (j + 1) * 1000) }));
    });
}

/**
 * The orders of a topic whose replay the contract's rules cannot make a no-op, named from the
 * first pass's outcomes (README, "Replay"); null when a replay must leave the table unchanged.
 */
export function unstableReason(topic: readonly ModelEvent[], firstPass: readonly ModelOutcome[]): string | null {
  const deletedAt = new Map<string, string>(); // latest applied delete's time per user, in topic order
  for (let i = 0; i < topic.length; i++) {
    const { value, timestamp } = topic[i] as ModelEvent;
    const id = String(value['entity_id']).toLowerCase();
    if (value['event_type'] === 'user.deleted') {
      if (firstPass[i] === 'missing') return 'delete before the first create';
      if (firstPass[i] === 'applied') {
        const t = value['timestamp']
          ? utcDatetime6(value['timestamp'] as string)
          : recordDatetime6(timestamp as string);
        deletedAt.set(id, t);
      }
    } else if (firstPass[i] === 'applied') {
      const t = utcDatetime6(value['timestamp'] as string);
      const after = deletedAt.get(id);
      if (after !== undefined && t < after) return 'update older than a delete before it';
      deletedAt.delete(id);
    }
  }
  return null;
}

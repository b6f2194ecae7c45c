import type { EntityManager } from '@mikro-orm/mysql';
import { groupBy } from '../../common/group-by';
import { coalesceUpserts } from './user.coalesce';
import { UserStatements, type Statement } from './user.statements';
import type { UserCommand, UserDelete, UserUpsert } from './user.events';
import { decide, nextState, type StoredUser, type UserOutcome } from './user.rules';

/**
 * Writes a chunk's user commands in one transaction through the EntityManager: one locking read
 * of the guard state, then one multi-row statement per group of same-kind commands (a user's
 * consecutive upserts folded into one row where that is exact, user.coalesce.ts), built from the
 * entity's metadata and the conflict policy with every value a parameter (user.statements.ts).
 * Same table as applying the commands one by one in order; returns each command's outcome.
 */
export async function writeUsers(em: EntityManager, commands: readonly UserCommand[]): Promise<UserOutcome[]> {
  if (commands.length === 0) return [];
  const statements = UserStatements.of(em);
  // The session is READ COMMITTED (orm-options): the locking read takes no gap locks on ids not
  // yet stored. Inserts of new ids still check for duplicates under next-key locks, so partitions
  // writing near keys can deadlock; rows are locked and written in key order to make that rare,
  // and a deadlock is a transient error the chunk is retried for.
  return em.transactional(async (tx) => {
    const state = await lockStoredState(tx, statements.lock([...new Set(commands.map((c) => c.entityId))]));
    const locked = new Set(state.keys());
    const outcomes = commands.map((command) => {
      const stored = state.get(command.entityId);
      const outcome = decide(stored, command);
      if (outcome === 'applied') state.set(command.entityId, nextState(stored, command));
      return outcome;
    });
    // What is written: a delete of no row changes nothing, and a stale command on a locked row
    // is known to change nothing (the lock makes the prediction exact), so neither is sent; a
    // replay of history costs reads only. Everything else is sent, and the SQL guards decide
    // on their own, so rows inserted meanwhile by another partition are still judged exactly.
    const toWrite = commands.filter(
      (command, i) => outcomes[i] === 'applied' || (outcomes[i] === 'stale' && !locked.has(command.entityId)),
    );
    for (const planned of planStatements(toWrite)) {
      const statement =
        planned.kind === 'upsert'
          ? statements.upsertRows(coalesceUpserts(planned.commands.map((c) => c.row)))
          : statements.softDelete(planned.commands);
      await tx.execute(statement.sql, statement.params, 'run');
    }
    return outcomes;
  });
}

async function lockStoredState(tx: EntityManager, lock: Statement): Promise<Map<string, StoredUser>> {
  const rows = await tx.execute<LockedRow[]>(lock.sql, lock.params, 'all');
  // Keyed like the commands (lowercase ids), whatever case a row was first stored in.
  return new Map(
    rows.map((r) => [
      r.id.toLowerCase(),
      { version: r.version, eventTimestamp: r.event_timestamp, deletedAt: r.deleted_at },
    ]),
  );
}

/** A row of the locking read (DATETIME(6) comes back as text). */
interface LockedRow {
  id: string;
  version: number;
  event_timestamp: string | null;
  deleted_at: string | null;
}

/** The commands one multi-row statement writes, all of one kind. */
type PlannedStatement = { kind: 'upsert'; commands: UserUpsert[] } | { kind: 'delete'; commands: UserDelete[] };

/**
 * Splits commands into statements of alternating kinds; each key's commands keep their order
 * across statements. An upsert statement takes every key's leading upserts (a multi-row upsert
 * applies them in order); a delete statement takes at most one delete per key (a joined UPDATE
 * touches a row once).
 */
export function planStatements(commands: readonly UserCommand[]): PlannedStatement[] {
  const queues = groupBy(commands, (c) => c.entityId);
  const planned: PlannedStatement[] = [];
  let kind: PlannedStatement['kind'] = commands[0]?.kind ?? 'upsert';
  while (queues.size > 0) {
    // Upserts: every leading one of a key (applied in order); deletes: one per key.
    const limit = kind === 'upsert' ? Infinity : 1;
    const taken: UserCommand[] = [];
    for (const [key, queue] of queues) {
      for (let n = 0; n < limit && queue[0]?.kind === kind; n++) taken.push(queue.shift() as UserCommand);
      if (queue.length === 0) queues.delete(key);
    }
    if (taken.length > 0) planned.push({ kind, commands: byKey(taken) } as PlannedStatement);
    kind = kind === 'upsert' ? 'delete' : 'upsert';
  }
  return planned;
}

/** Stable sort by id: each key keeps its order, and every transaction locks rows in one order. */
function byKey<T extends UserCommand>(commands: T[]): T[] {
  return commands.sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));
}

import type { EntityManager } from '@mikro-orm/mysql';
import type { Outcome } from '../../common/outcome';
import { coalesceUpserts } from './coalesce';
import { planStatements } from './plan';
import { decide, nextState, type StoredState } from './rules';
import { TableStatements } from './sql/table-statements';
import type { TableDeclaration } from './table-policy';
import type { WriteCommand } from './write-command';

/**
 * Writes a chunk's commands for one table in one transaction through the EntityManager: one
 * locking read of the guard state, then one multi-row statement per group of same-kind commands
 * (a key's consecutive upserts folded into one row where that is exact, coalesce.ts), built from
 * the entity's metadata and the table's policy with every value a parameter (sql/).
 * Same table as applying the commands one by one in order; returns each command's outcome.
 */
export async function writeTable<R extends object>(
  em: EntityManager,
  table: TableDeclaration<R>,
  commands: ReadonlyArray<WriteCommand<R>>,
): Promise<Outcome[]> {
  if (commands.length === 0) return [];
  const { policy } = table;
  const statements = TableStatements.of(em, table);
  // The session is READ COMMITTED (orm-options): the locking read takes no gap locks on keys not
  // yet stored. Inserts of new keys still check for duplicates under next-key locks, so partitions
  // writing near keys can deadlock; rows are locked and written in key order to make that rare,
  // and a deadlock is a transient error the chunk is retried for.
  return em.transactional(async (tx) => {
    const lock = statements.lock.statement([...new Set(commands.map((c) => c.entityId))]);
    const rows = await tx.execute<Array<Record<string, unknown>>>(lock.sql, lock.params, 'all');
    const state = new Map<string, StoredState<R>>();
    for (const row of rows) {
      const stored: StoredState<R> = {};
      for (const [field, property] of statements.lock.stateColumns) stored[property] = row[field] as R[typeof property];
      // Keyed like the commands (lowercase keys): the tables' collation compares keys case-insensitively.
      state.set(String(row['id']).toLowerCase(), stored);
    }
    const locked = new Set(state.keys());
    const outcomes = commands.map((command): Outcome => {
      const stored = state.get(command.entityId);
      const outcome = decide(policy, stored, command);
      if (outcome === 'applied') {
        const next = nextState(policy, stored, command);
        if (next) state.set(command.entityId, next);
        else state.delete(command.entityId);
      }
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
          ? statements.upsert.statement(
              coalesceUpserts(
                policy,
                planned.commands.map((c) => c.row),
              ),
            )
          : statements.delete.statement(planned.commands);
      await tx.execute(statement.sql, statement.params, 'run');
    }
    return outcomes;
  });
}

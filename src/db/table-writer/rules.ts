import type { Outcome } from '../../common/outcome';
import { ranksLower, type Column, type TablePolicy } from './table-policy';
import type { WriteCommand } from './write-command';

/** The guard state of a stored row: the columns the stale rules read. */
export type StoredState<R> = Partial<R>;

/** The properties of the guard state: ranking columns, the event timestamp, a soft delete's column. */
export function stateProperties<R>(policy: TablePolicy<R>): Array<Column<R>> {
  const props = [...policy.rankedBy, policy.event.timestamp];
  if (policy.delete.mode === 'soft') props.push(policy.delete.at);
  return [...new Set(props)];
}

/** t < stored, where a comparison with NULL is never true (spec §3). */
function isEarlier(t: unknown, stored: unknown): boolean {
  return t !== null && t !== undefined && stored !== null && stored !== undefined && (t as string) < (stored as string);
}

/** Spec §3: decides a command against the stored row (applied, stale or missing), without I/O. */
export function decide<R>(
  policy: TablePolicy<R>,
  stored: StoredState<R> | undefined,
  command: WriteCommand<R>,
): Outcome {
  if (command.kind === 'delete') {
    if (!stored) return 'missing';
    return isEarlier(command.eventTimestamp, stored[policy.event.timestamp]) ? 'stale' : 'applied';
  }
  if (!stored) return 'applied';
  return ranksLower(policy, command.row, stored) ? 'stale' : 'applied';
}

/**
 * The guard state after an applied command (the row a later command in the same chunk sees);
 * undefined when a hard delete removed the row.
 */
export function nextState<R>(
  policy: TablePolicy<R>,
  stored: StoredState<R> | undefined,
  command: WriteCommand<R>,
): StoredState<R> | undefined {
  if (command.kind === 'upsert') {
    const next: StoredState<R> = {};
    for (const p of stateProperties(policy)) next[p] = command.row[p];
    return next;
  }
  if (!stored) throw new Error('nextState: a delete applies only to a stored row');
  if (policy.delete.mode === 'hard') return undefined;
  const at = policy.delete.at;
  const timestamp = command.eventTimestamp as R[Column<R>];
  return { ...stored, [policy.event.timestamp]: timestamp, [at]: stored[at] ?? timestamp };
}

import { groupBy } from '../../common/group-by';
import type { DeleteCommand, UpsertCommand, WriteCommand } from './write-command';

/** The commands one multi-row statement writes, all of one kind. */
export type PlannedStatement<R> =
  { kind: 'upsert'; commands: Array<UpsertCommand<R>> } | { kind: 'delete'; commands: DeleteCommand[] };

/**
 * Splits commands into statements of alternating kinds; each key's commands keep their order
 * across statements. An upsert statement takes every key's leading upserts (a multi-row upsert
 * applies them in order); a delete statement takes at most one delete per key (a joined UPDATE or
 * DELETE touches a row once).
 */
export function planStatements<R>(commands: ReadonlyArray<WriteCommand<R>>): Array<PlannedStatement<R>> {
  const queues = groupBy(commands, (c) => c.entityId);
  const planned: Array<PlannedStatement<R>> = [];
  let kind: PlannedStatement<R>['kind'] = commands[0]?.kind ?? 'upsert';
  while (queues.size > 0) {
    const limit = kind === 'upsert' ? Infinity : 1;
    const taken: Array<WriteCommand<R>> = [];
    for (const [key, queue] of queues) {
      for (let n = 0; n < limit && queue[0]?.kind === kind; n++) taken.push(queue.shift() as WriteCommand<R>);
      if (queue.length === 0) queues.delete(key);
    }
    if (taken.length > 0) planned.push({ kind, commands: byKey(taken) } as PlannedStatement<R>);
    kind = kind === 'upsert' ? 'delete' : 'upsert';
  }
  return planned;
}

/** Stable sort by key: each key keeps its order, and every transaction locks rows in one order. */
function byKey<C extends { entityId: string }>(commands: C[]): C[] {
  return commands.sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));
}

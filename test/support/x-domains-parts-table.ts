import { EntitySchema } from '@mikro-orm/core';
import type { TableDeclaration, TablePolicy } from '../../src/db/table-writer/table-policy';
import { MicrosecondTimestampType } from '../../src/db/timestamp.type';

/** A test-only row under a hard-delete policy: what the generic writer must handle for any domain. */
export interface Part {
  partId: string;
  name: string;
  version: number;
  createdAt: string;
  eventId: string | null;
  eventTimestamp: string | null;
}

const datetime6 = { type: MicrosecondTimestampType, columnType: 'datetime(6)' } as const;

/** The `parts` mapping (no migration: the test creates the table with PARTS_DDL). */
export const PartSchema = new EntitySchema<Part>({
  name: 'Part',
  tableName: 'parts',
  properties: {
    partId: { type: 'string', primary: true, length: 24 },
    name: { type: 'string', length: 100 },
    version: { type: 'integer', default: 1 },
    createdAt: { ...datetime6 },
    eventId: { type: 'string', length: 36, nullable: true },
    eventTimestamp: { ...datetime6, nullable: true },
  },
});

/** The table PartSchema maps. */
export const PARTS_DDL = `CREATE TABLE parts (
  part_id varchar(24) NOT NULL PRIMARY KEY,
  name varchar(100) NOT NULL,
  version int NOT NULL DEFAULT 1,
  created_at datetime(6) NOT NULL,
  event_id varchar(36) NULL,
  event_timestamp datetime(6) NULL
) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci`;

/** Same ranking as users, but a delete removes the row. */
export const PARTS_POLICY: TablePolicy<Part> = {
  key: 'partId',
  keep: ['partId', 'createdAt'],
  rankedBy: ['version', 'eventTimestamp'],
  event: { id: 'eventId', timestamp: 'eventTimestamp' },
  delete: { mode: 'hard' },
};

/** The parts table as the writer takes it. */
export const PARTS_TABLE: TableDeclaration<Part> = { entity: PartSchema, policy: PARTS_POLICY };

/** An upsert of part `id` at `version`, its event at second `second` of 2025-01-01 (null: no timestamp). */
export function partUpsert(id: string, version: number, second: number | null, name = `v${version}`) {
  const eventTimestamp = second === null ? null : at(second);
  return {
    kind: 'upsert' as const,
    eventType: 'part.updated',
    entityId: id,
    eventId: `${id}-${version}`,
    row: { partId: id, name, version, createdAt: at(0), eventId: `${id}-${version}`, eventTimestamp },
  };
}

/** A delete of part `id` at second `second` of 2025-01-01. */
export function partDelete(id: string, second: number) {
  return {
    kind: 'delete' as const,
    eventType: 'part.deleted',
    entityId: id,
    eventId: `${id}-d`,
    eventTimestamp: at(second),
  };
}

/** Second `second` of 2025-01-01 as DATETIME(6) text. */
export function at(second: number): string {
  return `2025-01-01 00:00:${String(second).padStart(2, '0')}.000000`;
}

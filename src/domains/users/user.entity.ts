import { EntitySchema } from '@mikro-orm/core';
import type { SqlTimestamp } from '../../common/timestamp';
import { MicrosecondTimestampType } from '../../db/timestamp.type';

/** One flat analytics row per user (spec §2). Timestamps are DATETIME(6) text, never Date. */
export interface User {
  userId: string;
  email: string;
  phone: string | null;
  displayName: string;
  avatar: string | null;
  bio: string | null;
  version: number;
  deletedAt: SqlTimestamp | null;
  createdAt: SqlTimestamp;
  updatedAt: SqlTimestamp;
  eventId: string | null;
  eventTimestamp: SqlTimestamp | null;
}

/** Column sizes shared by the schema and the validation that keeps oversize values out. */
export const USER_LIMITS = {
  userId: { chars: 24 },
  email: { chars: 255 },
  phone: { chars: 50 },
  displayName: { chars: 100 },
  avatar: { bytes: 65_535 },
  bio: { chars: 500 },
  eventId: { chars: 36 },
} as const;

const datetime6 = { type: MicrosecondTimestampType, columnType: 'datetime(6)' } as const;

/** The `users` table mapping; the migration in migrations/ is generated from it. */
export const UserSchema = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  properties: {
    userId: { type: 'string', primary: true, length: USER_LIMITS.userId.chars },
    email: { type: 'string', length: USER_LIMITS.email.chars },
    phone: { type: 'string', length: USER_LIMITS.phone.chars, nullable: true },
    displayName: { type: 'string', length: USER_LIMITS.displayName.chars },
    avatar: { type: 'text', nullable: true },
    bio: { type: 'string', length: USER_LIMITS.bio.chars, nullable: true },
    version: { type: 'integer', default: 1 },
    deletedAt: { ...datetime6, nullable: true },
    createdAt: { ...datetime6 },
    updatedAt: { ...datetime6 },
    eventId: { type: 'string', length: USER_LIMITS.eventId.chars, nullable: true },
    eventTimestamp: { ...datetime6, nullable: true },
  },
  indexes: [
    { name: 'idx_users_email', properties: ['email'] },
    { name: 'idx_users_created', properties: ['createdAt'] },
  ],
});

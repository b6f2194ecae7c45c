/**
 * `npx tsx bench/statement-cost.ts [rows]`: CPU per multi-row upsert for three ways of writing it
 * through MikroORM (the worker's em.execute with placeholders, the QueryBuilder with raw() guards,
 * em.upsertMany), on a scratch database of the MYSQL_* server. It picks the writer's API; W decides.
 */
import { raw, type EntityManager } from '@mikro-orm/mysql';
import { UserSchema, type User } from '../src/domains/users/user.entity';
import { TableStatements } from '../src/db/table-writer/sql/table-statements';
import { usersModule } from '../src/domains/users';
import { TestDatabase } from '../test/support/test-database';

const count = Number(process.argv[2] ?? 500);
const repeats = 30;

function rows(repeat: number): User[] {
  return Array.from({ length: count }, (_, i) => ({
    userId: (i + 1).toString(16).padStart(24, '0'),
    email: `u${i}@example.com`,
    phone: '+1234567890',
    displayName: `User ${i} v${repeat}`,
    avatar: 'https://cdn.example.com/default.jpg',
    bio: i % 2 ? `bio ${repeat} 🚀` : null,
    version: repeat + 1,
    deletedAt: null,
    createdAt: '2025-01-01 00:00:00.123456',
    updatedAt: `2025-01-02 00:00:${String(repeat % 60).padStart(2, '0')}.000000`,
    eventId: `e${repeat}-${i}`,
    eventTimestamp: `2025-01-02 00:00:${String(repeat % 60).padStart(2, '0')}.000000`,
  }));
}

const stale =
  '(values(`version`) < `version` or (values(`version`) = `version` and values(`event_timestamp`) < `event_timestamp`))';
const guarded = (c: string): ReturnType<typeof raw> => raw(`if(${stale}, \`${c}\`, values(\`${c}\`))`);
const merge = Object.fromEntries(
  [
    'email',
    'phone',
    'display_name',
    'avatar',
    'bio',
    'deleted_at',
    'updated_at',
    'event_id',
    'event_timestamp',
    'version',
  ].map((c) => [c, guarded(c)]),
);

const ways: Record<string, (em: EntityManager, data: User[]) => Promise<unknown>> = {
  'em.execute + placeholders': (em, data) => {
    const s = TableStatements.of(em, usersModule).upsert.statement(data);
    return em.execute(s.sql, s.params, 'run');
  },
  'QueryBuilder + raw() guards': (em, data) =>
    em
      .createQueryBuilder(UserSchema)
      .insert(data)
      .onConflict('userId')
      .merge(merge as never)
      .execute('run'),
  'em.upsertMany (unguarded)': (em, data) => em.fork().upsertMany(UserSchema, data),
};

async function main(): Promise<void> {
  const db = await TestDatabase.create('stmt_cost');
  const orm = await db.openOrm();
  try {
    for (const [name, write] of Object.entries(ways)) {
      await db.query('TRUNCATE TABLE users');
      await write(orm.em.fork(), rows(0)); // warm-up, and every later repeat updates existing rows
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let r = 1; r <= repeats; r++) await write(orm.em.fork(), rows(r));
      const used = process.cpuUsage(cpu);
      const ms = (used.user + used.system) / 1000 / repeats;
      const wall = (performance.now() - started) / repeats;
      process.stdout.write(
        `${name.padEnd(28)} ${count} rows: ${ms.toFixed(1)} ms CPU in the worker, ${wall.toFixed(1)} ms wall\n`,
      );
    }
  } finally {
    await orm.close(true);
    await db.drop();
  }
}

void main();

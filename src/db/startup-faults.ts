import { describeError, MYSQL_ERRNOS, serverErrno, WorkerError, type StartupFault } from '../errors';

/**
 * The database faults that no retry mends at start-up (spec §5), told apart from an outage,
 * and the one line the worker ends with for each: the cause and the fix, never the password.
 */

export type { StartupFault };

// Each fault's code in the closed list of worker error codes.
const FAULT_CODES = {
  credentials: 'DATABASE_LOGIN_REFUSED',
  unknown_database: 'DATABASE_UNKNOWN',
  privileges: 'DATABASE_PRIVILEGE_MISSING',
  pending_migrations: 'DATABASE_NOT_MIGRATED',
} as const satisfies Record<StartupFault, string>;

/** A permanent start-up fault: the worker exits with `message` instead of retrying. */
export class StartupFaultError extends WorkerError<(typeof FAULT_CODES)[StartupFault]> {
  override readonly name = 'StartupFaultError';
  constructor(
    readonly fault: StartupFault,
    message: string,
  ) {
    super(FAULT_CODES[fault], message, false);
  }
}

/** What the messages name: where the worker connects and what it needs. */
export interface StartupContext {
  host: string;
  port: number;
  user: string;
  database: string;
  /** Tables the worker writes (entity tables). */
  tables: readonly string[];
  /** The migrator's bookkeeping table. */
  migrationsTable: string;
}

const MIGRATE = 'run `npx mikro-orm migration:up` (with the migrator account) before starting the worker';

/** The grants the worker needs, as a statement an operator can adapt. */
export function requiredGrants(ctx: StartupContext): string {
  const tables = ctx.tables.map((t) => `\`${ctx.database}\`.\`${t}\``).join(', ');
  return `GRANT SELECT, INSERT, UPDATE ON ${tables} and GRANT SELECT ON \`${ctx.database}\`.\`${ctx.migrationsTable}\``;
}

/**
 * Maps an error of the start-up check to the permanent fault it proves, or undefined when a
 * retry may mend it (refused or timed-out connection, server starting, read-only, anything else).
 */
export function startupFault(err: unknown, ctx: StartupContext): StartupFaultError | undefined {
  if (err instanceof StartupFaultError) return err;
  const errno = serverErrno(err);
  const fault = errno === undefined ? undefined : MYSQL_ERRNOS.get(errno)?.startup;
  if (fault === undefined) return undefined;
  const where = `${ctx.host}:${ctx.port}`;
  const cause = describeError(err);
  const messages: Record<StartupFault, string> = {
    credentials: `MySQL at ${where} refused the login of MYSQL_USER "${ctx.user}" (${cause}); fix MYSQL_USER / MYSQL_PASSWORD or the account on the server`,
    unknown_database: `MySQL database "${ctx.database}" (MYSQL_DATABASE) does not exist at ${where}; fix MYSQL_DATABASE, or create the database and ${MIGRATE}`,
    privileges: `MySQL account "${ctx.user}" lacks a privilege the worker needs (${cause}); ${requiredGrants(ctx)} TO it`,
    pending_migrations: `database "${ctx.database}" does not have the schema the worker needs (${cause}); ${MIGRATE}`,
  };
  return new StartupFaultError(fault, messages[fault]);
}

/** The migrations of `available` not recorded in `executed`, in file order. */
export function pendingMigrations(available: readonly string[], executed: readonly string[]): string[] {
  const done = new Set(executed);
  return available.filter((name) => !done.has(name));
}

/** The fault for a schema with migrations not yet applied. */
export function pendingMigrationsFault(
  pending: readonly string[],
  total: number,
  ctx: StartupContext,
): StartupFaultError {
  const shown = pending.slice(0, 3).join(', ') + (pending.length > 3 ? ', …' : '');
  return new StartupFaultError(
    'pending_migrations',
    `database "${ctx.database}" is not migrated: ${pending.length} of ${total} migrations not applied (${shown}); ${MIGRATE}`,
  );
}

/** Migration names in a folder listing, as MikroORM records them (no extension, no .d.ts, no maps). */
export function migrationNames(fileNames: readonly string[]): string[] {
  return fileNames
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.(js|ts)$/, ''))
    .sort();
}

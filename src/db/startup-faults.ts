import { describeError, serverErrno } from '../errors';

/**
 * The database faults that no retry mends at start-up (spec §5), told apart from an outage,
 * and the one line the worker ends with for each: the cause and the fix, never the password.
 */

/** Which permanent fault stopped the start-up. */
export type StartupFault = 'credentials' | 'unknown_database' | 'privileges' | 'pending_migrations';

/** A permanent start-up fault: the worker exits with `message` instead of retrying. */
export class StartupFaultError extends Error {
  override readonly name = 'StartupFaultError';
  constructor(
    readonly fault: StartupFault,
    message: string,
  ) {
    super(message);
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

// Server error numbers (MySQL and MariaDB share them) that fail the same way on every retry.
// Kept here, apart from the runtime classification in src/errors.ts, for start-up only.
const CREDENTIAL_ERRNOS = new Set([
  1045, // ER_ACCESS_DENIED_ERROR: wrong user or password
  1130, // ER_HOST_NOT_PRIVILEGED: the account may not connect from this host
  1251, // ER_NOT_SUPPORTED_AUTH_MODE
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1862, // ER_MUST_CHANGE_PASSWORD_LOGIN
  3118, // ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL)
  4151, // ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB)
]);
const UNKNOWN_DATABASE_ERRNOS = new Set([1049]); // ER_BAD_DB_ERROR
const PRIVILEGE_ERRNOS = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR (also what an account without grants sees for an unknown database)
  1142, // ER_TABLEACCESS_DENIED_ERROR
  1143, // ER_COLUMNACCESS_DENIED_ERROR
  1227, // ER_SPECIFIC_ACCESS_DENIED_ERROR
]);
const SCHEMA_ERRNOS = new Set([
  1146, // ER_NO_SUCH_TABLE
  1054, // ER_BAD_FIELD_ERROR: a column the code needs is missing
]);

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
  if (errno === undefined) return undefined;
  const where = `${ctx.host}:${ctx.port}`;
  const cause = describeError(err);
  if (CREDENTIAL_ERRNOS.has(errno)) {
    return new StartupFaultError(
      'credentials',
      `MySQL at ${where} refused the login of MYSQL_USER "${ctx.user}" (${cause}); fix MYSQL_USER / MYSQL_PASSWORD or the account on the server`,
    );
  }
  if (UNKNOWN_DATABASE_ERRNOS.has(errno)) {
    return new StartupFaultError(
      'unknown_database',
      `MySQL database "${ctx.database}" (MYSQL_DATABASE) does not exist at ${where}; fix MYSQL_DATABASE, or create the database and ${MIGRATE}`,
    );
  }
  if (PRIVILEGE_ERRNOS.has(errno)) {
    return new StartupFaultError(
      'privileges',
      `MySQL account "${ctx.user}" lacks a privilege the worker needs (${cause}); ${requiredGrants(ctx)} TO it`,
    );
  }
  if (SCHEMA_ERRNOS.has(errno)) {
    return new StartupFaultError(
      'pending_migrations',
      `database "${ctx.database}" does not have the schema the worker needs (${cause}); ${MIGRATE}`,
    );
  }
  return undefined;
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

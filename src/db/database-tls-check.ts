import type { MikroORM } from '@mikro-orm/mysql';
import type { MysqlConfig } from '../config';
import { WorkerError } from '../errors';

/** The TLS handshake with MySQL failed: a certificate or mode problem that no retry mends. */
export class DatabaseTlsError extends WorkerError<'DATABASE_TLS_REFUSED'> {
  override readonly name = 'DatabaseTlsError';
  constructor(message: string) {
    super('DATABASE_TLS_REFUSED', message, false);
  }
}

// mysql2's codes for a handshake that failed (certificate refused) or a server without TLS.
const TLS_FAILURES = new Set(['HANDSHAKE_SSL_ERROR', 'HANDSHAKE_NO_SSL_SUPPORT']);

function tlsFailure(err: unknown): Error | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_FAILURES.has(code)) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * With TLS configured, opens one connection at start-up: a refused certificate ends start-up naming
 * the variables to fix, instead of every write retrying it forever. Any other failure is left to
 * the worker's usual handling (a database that is still starting is retried).
 */
export async function checkDatabaseTls(orm: MikroORM, mysql: MysqlConfig): Promise<void> {
  if (mysql.tls === undefined) return;
  try {
    await orm.em.getConnection().execute('select 1');
  } catch (err) {
    const failure = tlsFailure(err);
    if (failure === undefined) return;
    throw new DatabaseTlsError(
      `MySQL TLS handshake with ${mysql.host}:${mysql.port} failed (${failure.message}); ` +
        'check MYSQL_SSL_CA_FILE and MYSQL_SSL_MODE',
    );
  }
}

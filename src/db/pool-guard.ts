import { isConnectionFault, isReadOnlyError } from '../errors';
import type { TimedConnection } from './query-timeout';

/** The parts of a mysql2 connection (callback API) the guard needs. */
export interface GuardedConnection extends TimedConnection {
  stream: TimedConnection['stream'] & { once(event: 'close', listener: () => void): unknown };
}

/** The pool settings knex reads besides MikroORM's typed ones. */
export interface PoolFitness {
  /** Called by the pool before it hands out an idle connection: false destroys it instead. */
  validate(conn: GuardedConnection): boolean;
  /** knex retires a connection older than this when it is next acquired. */
  maxConnectionLifetimeMillis?: number;
  /** Spreads the retirements so that the pool's connections are not all replaced at once. */
  maxConnectionLifetimeJitterMillis?: number;
}

/**
 * Keeps the pool's connections fit for a failover and a stop that must not wait:
 * - a read-only answer (1290, 1792, 1836) retires every connection opened so far (they all reach
 *   the old primary), so the pool opens new ones, each resolving MYSQL_HOST again;
 * - connections have a bounded age (knex retires them), so one reused forever cannot pin a server;
 * - a connection that failed at the connection level (lost, timed out) is never handed out again;
 * - destroyAll() closes every socket at once, failing the statements in flight on a hung server.
 */
export class PoolGuard {
  private readonly open = new Set<GuardedConnection>();
  private readonly generations = new WeakMap<GuardedConnection, number>();
  /** Connections that failed at the connection level (knex may not see it when mysql2 did not). */
  private readonly broken = new WeakSet<GuardedConnection>();
  private generation = 0;

  constructor(private readonly maxAgeMs: number | undefined) {}

  /** Tracks a new connection and watches its answers; call it from the pool's afterCreate. */
  adopt(conn: GuardedConnection): void {
    this.open.add(conn);
    this.generations.set(conn, this.generation);
    conn.stream.once('close', () => this.open.delete(conn));
    conn.query = this.watched(conn, conn.query.bind(conn));
    if (conn.execute) conn.execute = this.watched(conn, conn.execute.bind(conn));
  }

  /** The pool settings that enforce the guard. */
  poolSettings(): PoolFitness {
    return {
      validate: (conn) => !this.broken.has(conn) && this.generations.get(conn) === this.generation,
      ...(this.maxAgeMs
        ? { maxConnectionLifetimeMillis: this.maxAgeMs, maxConnectionLifetimeJitterMillis: this.maxAgeMs / 10 }
        : {}),
    };
  }

  /**
   * Destroys every open socket: statements in flight fail at once as a lost connection, so the
   * pool can close even when the server (or the network) no longer answers.
   */
  destroyAll(): void {
    const closed = Object.assign(new Error('the worker is stopping: connection closed'), {
      code: 'CONNECTION_CLOSED_AT_STOP',
      fatal: true,
    });
    for (const conn of this.open) conn.stream.destroy(closed);
    this.open.clear();
  }

  /** `send` whose read-only answers retire the pool's connections, and connection faults this one. */
  private watched(conn: GuardedConnection, send: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
    return (...args: unknown[]): unknown => {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback !== 'function') return send(...args);
      args[last] = (err: unknown, ...results: unknown[]) => {
        if (err && isReadOnlyError(err)) this.generation++;
        else if (err && isConnectionFault(err)) this.broken.add(conn);
        (callback as (...r: unknown[]) => void)(err, ...results);
      };
      return send(...args);
    };
  }
}

/** The parts of a mysql2 connection (callback API) the timeout needs. */
export interface TimedConnection {
  query(...args: unknown[]): unknown;
  execute?(...args: unknown[]): unknown;
  stream: { destroy(err?: Error): void };
}

/**
 * Makes every query on this connection fail with code QUERY_TIMEOUT when no answer comes
 * within timeoutMs, and drops the connection: on a network that silently drops packets the
 * socket would otherwise wait for minutes. Destroying the socket fails the pending query as a
 * lost connection (the pool then discards it, and the server rolls its transaction back once
 * it sees the close), so the write is retried on a fresh connection. mysql2's own `timeout`
 * option reports the error but leaves the connection in the pool with the query pending.
 */
export function enforceQueryTimeout(conn: TimedConnection, timeoutMs: number): void {
  conn.query = timed(conn, conn.query.bind(conn), timeoutMs);
  // Prepared statements (execute) wait on the same socket.
  if (conn.execute) conn.execute = timed(conn, conn.execute.bind(conn), timeoutMs);
}

/** `send` with a timer armed until its callback runs. */
function timed(
  conn: TimedConnection,
  send: (...args: unknown[]) => unknown,
  timeoutMs: number,
): (...args: unknown[]) => unknown {
  return (...args: unknown[]): unknown => {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback !== 'function') return send(...args);
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`no answer from the database within ${timeoutMs} ms`), {
        code: 'QUERY_TIMEOUT',
        fatal: true,
      });
      conn.stream.destroy(err);
    }, timeoutMs);
    args[last] = (...results: unknown[]) => {
      clearTimeout(timer);
      (callback as (...r: unknown[]) => void)(...results);
    };
    return send(...args);
  };
}

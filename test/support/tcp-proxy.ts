import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test owns, to take a service away and bring it back: cut() closes every
 * connection and refuses new ones (like a server that went down); restore() accepts again.
 * cutAtNextStatement() does the same the moment a large statement is sent. blackhole() keeps every connection open but drops what either side sends (like a network
 * that silently loses packets); resume() forwards again. retarget() sends new connections to
 * another server and leaves open ones where they are (like a managed database's endpoint after a
 * failover).
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private dropping = false;
  /** Set by cutAtNextStatement(): the size of a client packet that triggers the cut. */
  private cutAtBytes: number | undefined;

  private constructor(
    private target: { host: string; port: number },
    public port: number,
  ) {}

  /** Starts a proxy to host:port on a free loopback port. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
    await proxy.listen();
    return proxy;
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      // Not pipe(): while blackholed, bytes are read and thrown away, and no side learns of it.
      client.on('data', (chunk: Buffer) => {
        if (this.cutAtBytes !== undefined && chunk.length >= this.cutAtBytes) {
          this.cutAtBytes = undefined;
          void this.cut(); // the statement never reaches the server: lost in flight
          return;
        }
        if (!this.dropping) upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => void (this.dropping || client.write(chunk)));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((ok, fail) => {
      server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        if (typeof address === 'object' && address) this.port = address.port;
        ok();
      });
    });
  }

  /** Drops every connection and stops listening: new connections are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }

  /**
   * Arms a cut(): the next client packet of at least `bytes` (a multi-row statement, not a ping)
   * closes every connection before it reaches the server, so the cut lands mid-statement.
   */
  cutAtNextStatement(bytes: number): void {
    this.cutAtBytes = bytes;
  }

  /** From now on drops every byte in both directions, keeping connections (and accepting new ones). */
  blackhole(): void {
    this.dropping = true;
  }

  /** Forwards again (connections that lost bytes are out of step; their owners must drop them). */
  resume(): void {
    this.dropping = false;
  }

  /** From now on connects new clients to `target`; connections already open stay on the old one. */
  retarget(target: { host: string; port: number }): void {
    this.target = target;
  }

  /** Listens again on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen();
  }

  /** Stops the proxy for good. */
  close(): Promise<void> {
    return this.cut();
  }
}

import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** A named readiness condition: ready only when every check passes. */
export type ReadinessCheck = { name: string; check: () => Promise<boolean> | boolean };

/** Serves /livez, /readyz and /metrics. */
export class OpsHttpServer {
  private server: Server | undefined;

  constructor(
    private readonly port: number,
    private readonly registry: Registry,
    private readonly readiness: readonly ReadinessCheck[],
    private readonly logger: Logger,
  ) {}

  /** Starts listening; resolves with the bound port. */
  async start(): Promise<number> {
    const server = createServer((req, res) => {
      void this.handle(req.url ?? '/').then(
        ({ status, type, body }) => {
          res.writeHead(status, { 'content-type': type });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    });
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.port, () => ok());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : this.port;
    this.logger.info({ port }, 'http server listening (/livez /readyz /metrics)');
    return port;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }

  private async handle(url: string): Promise<{ status: number; type: string; body: string }> {
    const path = url.split('?')[0];
    if (path === '/livez') return { status: 200, type: 'text/plain', body: 'ok\n' };
    if (path === '/readyz') {
      const results = await Promise.all(
        this.readiness.map(async (r) => [r.name, await Promise.resolve(r.check()).catch(() => false)] as const),
      );
      const ready = results.every(([, ok]) => ok);
      return {
        status: ready ? 200 : 503,
        type: 'application/json',
        body: `${JSON.stringify({ ready, checks: Object.fromEntries(results) })}\n`,
      };
    }
    if (path === '/metrics')
      return { status: 200, type: this.registry.contentType, body: await this.registry.metrics() };
    return { status: 404, type: 'text/plain', body: 'not found\n' };
  }
}

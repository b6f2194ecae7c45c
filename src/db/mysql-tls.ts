import type { MysqlTls } from '../config';

/** mysql2's `ssl` connection option, as far as this project sets it. */
export interface MysqlSslOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  rejectUnauthorized: true;
  verifyIdentity: boolean;
}

/**
 * mysql2's `ssl` option from the configuration; undefined for a plain connection. Every TLS mode
 * verifies the server's chain (there is no "encrypt but trust anyone" mode), so a connection
 * either reaches the right server over TLS or fails at start-up.
 */
export function mysqlSslOptions(tls: MysqlTls | undefined): MysqlSslOptions | undefined {
  if (tls === undefined) return undefined;
  return {
    ...(tls.ca === undefined ? {} : { ca: [tls.ca] }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    rejectUnauthorized: true,
    verifyIdentity: tls.mode === 'verify-identity',
  };
}

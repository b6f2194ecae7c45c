import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { KafkaSecurity } from '../config';

/** The settings of a broker reached over plaintext without SASL (local development, tests). */
export const PLAINTEXT: KafkaSecurity = Object.freeze({ tls: null, sasl: null });

/**
 * kafkajs' `ssl` and `sasl` options from the configuration: the one place they are built, so the
 * worker, the CLIs and the bench connect alike. The broker's certificate is always verified
 * (against the given CA, else the system's); there is deliberately no switch to turn that off.
 */
export function kafkaSecurityOptions(security: KafkaSecurity): {
  ssl?: ConnectionOptions;
  sasl?: SASLOptions;
} {
  const options: { ssl?: ConnectionOptions; sasl?: SASLOptions } = {};
  if (security.tls) {
    const { ca, cert, key } = security.tls;
    options.ssl = {
      rejectUnauthorized: true,
      ...(ca === undefined ? {} : { ca: [ca] }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
    };
  }
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    options.sasl = { mechanism, username, password } as SASLOptions;
  }
  return options;
}

import { isIP } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import type { KafkaSecurity } from '../config';
import { WorkerError } from '../errors';
import { kafkaSecurityOptions } from './kafka-security';

/** The broker's TLS certificate is not one the configuration trusts: no retry can mend that. */
export class BrokerCertificateError extends WorkerError<'BROKER_CERTIFICATE_REFUSED'> {
  override readonly name = 'BrokerCertificateError';
  constructor(message: string) {
    super('BROKER_CERTIFICATE_REFUSED', message, false);
  }
}

const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Why `broker`'s certificate is refused, or null when it is trusted or the broker could not be
 * reached (kafkajs then retries as for any connection error). The handshake verifies, then the
 * socket is closed before a byte of Kafka (or SASL) is sent.
 */
function certificateProblem(broker: string, ssl: ConnectionOptions): Promise<string | null> {
  const at = broker.lastIndexOf(':');
  const host = broker.slice(0, at);
  const port = Number(broker.slice(at + 1));
  return new Promise((resolve) => {
    const socket = connect({
      ...ssl,
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }),
      // Verified below, so that a refusal is told apart from a network error.
      rejectUnauthorized: false,
    });
    const done = (problem: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => done(null), HANDSHAKE_TIMEOUT_MS);
    socket.once('secureConnect', () => done(socket.authorized ? null : String(socket.authorizationError)));
    socket.once('error', () => done(null));
  });
}

/**
 * With TLS on, checks each seed broker's certificate against the configured CA before kafkajs
 * connects: kafkajs takes an untrusted certificate for a connection error and retries it for a
 * minute, where start-up should end at once naming the cause.
 */
export async function checkBrokerCertificates(brokers: readonly string[], security: KafkaSecurity): Promise<void> {
  const { ssl } = kafkaSecurityOptions(security);
  if (ssl === undefined) return;
  const problems = await Promise.all(brokers.map((b) => certificateProblem(b, ssl)));
  const refused = brokers.flatMap((broker, i) => (problems[i] ? [`${broker} (${problems[i]})`] : []));
  if (refused.length > 0) {
    throw new BrokerCertificateError(
      `Kafka broker certificate not trusted: ${refused.join(', ')}; check KAFKA_SSL_CA_FILE and KAFKA_BROKERS`,
    );
  }
}

import { PrivateBroker } from './private-broker';
import type { TestCertificates } from './test-certificates';

/** A user the secured broker accepts, with the SASL mechanism it is registered for. */
export interface SaslUser {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/**
 * A private broker with a SASL_SSL listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and an SSL
 * listener that requires a client certificate signed by the test CA, besides plaintext.
 */
export interface SecuredBroker {
  broker: PrivateBroker;
  /** `host:port` of the SASL_SSL listener. */
  secured: string;
  /** `host:port` of the SSL listener that requires a client certificate. */
  mutualTls: string;
}

/**
 * Starts a broker whose SASL_SSL listener presents `certs`' server certificate; PLAIN users come
 * from the listener's JAAS line, SCRAM users are written into the storage at format time. The
 * plaintext listener stays for the test's own admin and producers.
 */
export function startSecuredBroker(name: string, certs: TestCertificates, users: readonly SaslUser[]): SecuredBroker {
  const plain = users
    .filter((u) => u.mechanism === 'plain')
    .map((u) => `user_${u.username}="${u.password}"`)
    .join(' ');
  const scram = users
    .filter((u) => u.mechanism !== 'plain')
    .flatMap((u) => ['--add-scram', `${u.mechanism.toUpperCase()}=[name=${u.username},password=${u.password}]`]);
  const broker = PrivateBroker.start(
    name,
    ({ port, extraPort }) => [
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1},SASL_SSL://127.0.0.1:${extraPort},SSL://127.0.0.1:${extraPort + 1}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port},SASL_SSL://127.0.0.1:${extraPort},SSL://127.0.0.1:${extraPort + 1}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL',
      'listener.name.ssl.ssl.client.auth=required',
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${certs.caFile}`,
      'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plain};`,
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${certs.serverKeyStoreFile}`,
    ],
    scram,
  );
  return { broker, secured: `127.0.0.1:${broker.extraPort}`, mutualTls: `127.0.0.1:${broker.extraPort + 1}` };
}

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './services';

/** A codec Kafka's own producer can compress its batches with. */
export type KafkaCodec = 'gzip' | 'snappy' | 'lz4' | 'zstd';

/**
 * Produces keyed records with the Kafka distribution's own console producer (the Java client, from
 * the jars scripts/kafka.sh fetched), its batches compressed with `codec`: records as the
 * platform's Java producers write them, not as kafkajs would.
 */
export function produceWithConsoleProducer(
  brokers: readonly string[],
  topic: string,
  codec: KafkaCodec,
  records: ReadonlyArray<{ key: string; value: unknown }>,
): Promise<void> {
  const lib = join(projectRoot, '.cache/kafka', process.env.KAFKA_VERSION ?? '3.9.1', 'lib', '*');
  const args = [
    '-Dlog4j.configuration=file:/dev/null',
    '-cp',
    lib,
    'kafka.tools.ConsoleProducer',
    '--bootstrap-server',
    brokers.join(','),
    '--topic',
    topic,
    '--compression-codec',
    codec,
    '--property',
    'parse.key=true',
    '--property',
    'key.separator=\t',
    // Many records per batch, so what is compressed is a real multi-record batch.
    '--producer-property',
    'linger.ms=100',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`console producer exited ${code}: ${stderr.slice(-2000)}`)),
    );
    // JSON.stringify never emits a raw tab or newline, so one record is one line.
    child.stdin.end(records.map((r) => `${r.key}\t${JSON.stringify(r.value)}\n`).join(''));
  });
}

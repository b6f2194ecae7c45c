import { randomBytes } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { secretPieces } from './secret-pieces';

/** Secret and personal values a test plants in events, each unique to the run. */
export interface Planted {
  passwordHash: string;
  email: string;
  phone: string;
  bio: string;
}

/** Fresh planted values (random, so any 8-character piece of them found in output is a leak). */
export function plantedValues(): Planted {
  const token = (): string => randomBytes(9).toString('hex');
  return {
    passwordHash: `$2b$12$${token()}${token()}`,
    email: `${token()}@mail.example`,
    phone: `+1${String(randomBytes(4).readUInt32BE()).padStart(10, '7')}`,
    bio: `bio ${token()} ${token()}`,
  };
}

/** Every 8-character piece of the planted values that occurs in text (empty: no leak). */
export function leakedPieces(text: string, planted: Planted): string[] {
  return secretPieces(Object.values(planted)).filter((piece) => text.includes(piece));
}

/** The dlq.* headers of dead letters as one text (the original record's own headers are not ours). */
export function dlqHeaderText(letters: readonly KafkaMessage[]): string {
  return letters
    .flatMap((l) =>
      Object.entries(l.headers ?? {})
        .filter(([name]) => name.startsWith('dlq.'))
        .map(([name, value]) => `${name}=${String(value)}`),
    )
    .join('\n');
}

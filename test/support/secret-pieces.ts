import assert from 'node:assert/strict';

/** Every `length`-character piece of each secret: what a log must not contain, not even quoted in part. */
export function secretPieces(secrets: readonly string[], length = 8): string[] {
  const pieces = new Set<string>();
  for (const secret of secrets) {
    for (let i = 0; i + length <= secret.length; i++) pieces.add(secret.slice(i, i + length));
  }
  return [...pieces];
}

/** Fails naming the piece (not the whole output) when `output` contains any piece of a secret. */
export function assertNoSecretIn(output: string, secrets: readonly string[], what: string): void {
  const found = secretPieces(secrets).filter((piece) => output.includes(piece));
  assert.deepEqual(found, [], `${what} contains pieces of a secret`);
}

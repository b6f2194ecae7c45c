import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config';
import { projectRoot } from '../support/services';

/** The variables the worker's configuration schema reads (the `NAME: kind(` entries of src/config.ts). */
function configVariables(): string[] {
  const source = readFileSync(join(projectRoot, 'src/config.ts'), 'utf8');
  return [...source.matchAll(/^\s+([A-Z][A-Z0-9_]+): \w+\(/gm)].map((m) => m[1] as string);
}

describe('configuration: every variable has a default and is listed in the README (spec §6)', () => {
  it('names each variable of the schema in the README configuration table', () => {
    const variables = configVariables();
    assert.ok(variables.length >= 20 && variables.includes('KAFKA_TOPIC'), `found ${variables.join(', ')}`);
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const firstCells = readme
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|')[1] ?? '');
    const unlisted = variables.filter((name) => !firstCells.some((cell) => cell.includes(`\`${name}\``)));
    assert.deepEqual(unlisted, [], 'variables missing from the README table');
    assert.doesNotThrow(() => loadConfig({}), 'an empty environment starts with the defaults');
  });
});

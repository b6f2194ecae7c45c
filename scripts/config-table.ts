/** `npm run docs:config`: rewrites the configuration table of README.md from the schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withConfigTable } from '../src/config-table';

const path = join(__dirname, '..', 'README.md');
const before = readFileSync(path, 'utf8');
const after = withConfigTable(before);
writeFileSync(path, after);
console.log(
  after === before ? 'README.md: configuration table already up to date' : 'README.md: configuration table rewritten',
);

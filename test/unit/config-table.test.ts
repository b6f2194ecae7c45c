import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { workerVariables } from '../../src/config-schema';
import { TABLE_END, TABLE_START, configTable, withConfigTable } from '../../src/config-table';
import { int, text } from '../../src/config-vars';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The README's configuration table, row by row: name → [default, accepts, meaning]. */
function readmeRows(): Map<string, string[]> {
  const section = readme.slice(readme.indexOf(TABLE_START), readme.indexOf(TABLE_END));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return new Map(
    rows.map((line) => {
      const [name = '', ...rest] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return [name.replaceAll('`', ''), rest];
    }),
  );
}

describe('the README configuration table (spec §6)', () => {
  it('is the one generated from the schema (run `npm run docs:config` after changing a variable)', () => {
    assert.ok(readme.includes(TABLE_START) && readme.includes(TABLE_END), 'README.md has the table markers');
    assert.equal(readme, withConfigTable(readme, configTable()));
  });

  it('lists every variable once, with the defaults of the contract', () => {
    const rows = readmeRows();
    assert.deepEqual([...rows.keys()], Object.keys(workerVariables));
    const defaults = Object.fromEntries([...rows].map(([name, [shown]]) => [name, shown]));
    assert.deepEqual(
      {
        KAFKA_BROKERS: defaults.KAFKA_BROKERS,
        KAFKA_TOPIC: defaults.KAFKA_TOPIC,
        KAFKA_GROUP_ID: defaults.KAFKA_GROUP_ID,
        KAFKA_DLQ_TOPIC: defaults.KAFKA_DLQ_TOPIC,
        MYSQL_HOST: defaults.MYSQL_HOST,
        MYSQL_PORT: defaults.MYSQL_PORT,
        MYSQL_USER: defaults.MYSQL_USER,
        MYSQL_PASSWORD: defaults.MYSQL_PASSWORD,
        MYSQL_DATABASE: defaults.MYSQL_DATABASE,
        LOG_LEVEL: defaults.LOG_LEVEL,
        KAFKA_SASL_MECHANISM: defaults.KAFKA_SASL_MECHANISM,
      },
      {
        KAFKA_BROKERS: '`localhost:9092`',
        KAFKA_TOPIC: '`user`',
        KAFKA_GROUP_ID: '`mysql-analytics-service`',
        KAFKA_DLQ_TOPIC: '`user.dlq`',
        MYSQL_HOST: '`localhost`',
        MYSQL_PORT: '`3306`',
        MYSQL_USER: '`analytics`',
        MYSQL_PASSWORD: '`analytics123`',
        MYSQL_DATABASE: '`analytics`',
        LOG_LEVEL: '`info`',
        KAFKA_SASL_MECHANISM: 'none',
      },
    );
    assert.deepEqual(rows.get('WRITE_CHUNK_SIZE')?.slice(0, 2), ['`500`', '1-10000']);
    assert.deepEqual(rows.get('MYSQL_SSL_MODE')?.slice(0, 2), ['`disabled`', 'disabled/verify-ca/verify-identity']);
    for (const [name, [, , meaning]] of rows) assert.ok(meaning, `${name} has a description`);
  });

  it('cannot be generated while a variable has no description', () => {
    assert.throws(() => configTable({ SOME_VAR: text('x') }), /SOME_VAR has no description/);
    assert.match(
      configTable({ SOME_VAR: int(7, 1, 9).describe('a knob') }),
      /\| `SOME_VAR` \| `7` +\| 1-9 +\| a knob +\|/,
    );
  });

  it('is written only between its markers', () => {
    const doc = `# Title\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nafter\n`;
    assert.equal(withConfigTable(doc, '| t |'), `# Title\n\n${TABLE_START}\n\n| t |\n\n${TABLE_END}\n\nafter\n`);
    assert.throws(() => withConfigTable('# no markers\n', '| t |'), /needs the lines/);
  });
});

// @ts-check
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const kafkaOnlyHere = {
  paths: [
    { name: 'kafkajs', message: 'kafkajs stays in src/kafka/ (and test support): use the pipeline types instead.' },
  ],
};

/** `target` may not import from any of `from` (paths relative to the repository root). */
const zone = (target, from, message) => ({ target, from, message });
const wiring = ['./src/app.ts', './src/main.ts', './src/cli', './src/config.ts', './src/config-vars.ts'];

// Dependencies run one way: app → kafka, pipeline, domains, ops; domains → the generic writer
// (db/table-writer) and the pipeline's module type; pipeline → db; db and common → nothing above.
const folderZones = [
  zone(
    './src/db',
    ['./src/domains', './src/pipeline', './src/kafka', './src/ops', './src/app.ts'],
    'db/ knows no domain, pipeline, Kafka or ops: the composition root passes what it needs',
  ),
  zone(
    './src/pipeline',
    ['./src/kafka', './src/domains', './src/ops', ...wiring],
    'the pipeline is Kafka- and domain-agnostic',
  ),
  zone(
    './src/domains',
    ['./src/kafka', './src/ops', ...wiring],
    'a domain is a declaration: no Kafka, ops, configuration or wiring',
  ),
  zone('./src/kafka', ['./src/domains', './src/ops', './src/app.ts'], 'src/kafka/ sees the pipeline types only'),
  zone(
    './src/common',
    ['./src/db', './src/pipeline', './src/domains', './src/kafka', './src/ops', ...wiring],
    'common/ imports nothing of ours but common/',
  ),
];

// One domain never imports another: each domain folder may import only itself under src/domains/.
const domainZones = readdirSync(join(dirname(fileURLToPath(import.meta.url)), 'src/domains'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({
    target: `./src/domains/${entry.name}`,
    from: './src/domains',
    except: [`./${entry.name}`],
    message: 'one domain never imports another (nor the domain list)',
  }));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', '.tmp/', 'bench/results*', '.stryker/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', kafkaOnlyHere],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json', '.node'] })],
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: [...folderZones, ...domainZones] }],
    },
  },
  {
    // The one folder that may talk to Kafka directly, plus tests that exercise a real broker.
    files: ['src/kafka/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tests mutate loose JSON fixtures to build bad events.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);

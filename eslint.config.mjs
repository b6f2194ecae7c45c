// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const kafkaOnlyHere = {
  paths: [
    { name: 'kafkajs', message: 'kafkajs stays in src/kafka/ (and test support): use the pipeline types instead.' },
  ],
};

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
    // The one folder that may talk to Kafka directly, plus tests that exercise a real broker.
    files: ['src/kafka/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Tests mutate loose JSON fixtures to build bad events.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Domain code never reaches Kafka, ops or another domain's internals.
    files: ['src/domains/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...kafkaOnlyHere,
          patterns: [
            { group: ['**/kafka/**', '**/config', '**/app'], message: 'domains stay independent of Kafka and wiring' },
          ],
        },
      ],
    },
  },
);

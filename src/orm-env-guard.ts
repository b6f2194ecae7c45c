/**
 * MikroORM applies its own MIKRO_ORM_* variables (also those of a .env file) over the options it is
 * given: another database, SQL logged with values. The worker's configuration is its own variables
 * only, so start-up (the worker's and `npx mikro-orm`'s) refuses them, naming each one.
 */
import { resolve } from 'node:path';
import { ConfigurationLoader } from '@mikro-orm/core';
import type { Env } from './config-vars';

// These only tell `npx mikro-orm` how to load this project's configuration file (the image sets
// two); MikroORM itself sets MIKRO_ORM_COLORS in any process that configured it, and children inherit it.
const HARMLESS = new Set([
  'MIKRO_ORM_CLI_CONFIG',
  'MIKRO_ORM_CLI_USE_TS_NODE',
  'MIKRO_ORM_CLI_TS_CONFIG_PATH',
  'MIKRO_ORM_CLI_ALWAYS_ALLOW_TS',
  'MIKRO_ORM_COLORS',
]);

/** A message naming the MIKRO_ORM_* variables that MikroORM would apply, or none. */
export function ormEnvProblems(env: Env): string[] {
  const dotenv = process.env.MIKRO_ORM_ENV ?? resolve('.env');
  // MikroORM copies a .env file's MIKRO_ORM_* into process.env when it starts (the same call, so
  // the same file and parser): copied now, they are checked with the others.
  if (env === process.env) ConfigurationLoader.registerDotenv({});
  const names = Object.keys(env)
    .filter((name) => name.startsWith('MIKRO_ORM_') && !HARMLESS.has(name))
    .sort();
  if (names.length === 0) return [];
  return [
    `${names.join(', ')} set (in the environment or in ${dotenv}): MikroORM would apply ` +
      `${names.length === 1 ? 'it' : 'them'} over this configuration; remove ${names.length === 1 ? 'it' : 'them'} ` +
      '(the database and the logging are set only by the variables in the README)',
  ];
}

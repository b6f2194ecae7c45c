/**
 * One zod schema per kind of environment variable. Each message names the variable; values are
 * quoted only for variables that are not secret.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The process environment, or a test's stand-in for it. */
export type Env = Record<string, string | undefined>;

// An empty variable counts as unset (as `X= npm run worker` means "no value").
const unsetIfEmpty = (raw: unknown): unknown => (raw === '' ? undefined : raw);
const quoted = (input: unknown): string => JSON.stringify(String(input));

/** A non-blank string, trimmed; `fallback` when unset. */
export function text(name: string, fallback: string) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .min(1, { error: `${name} must not be blank` })
      .default(fallback),
  );
}

/** A non-blank string with no default (undefined when unset). */
export function optionalText(name: string) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .min(1, { error: `${name} must not be blank` })
      .optional(),
  );
}

/** A secret, taken verbatim (spaces may be part of it) and never quoted in a message. */
export function secret(fallback: string) {
  return z.string().default(fallback);
}

/** A secret with no default (undefined when unset or empty). */
export function optionalSecret() {
  return z.preprocess(unsetIfEmpty, z.string().optional());
}

/** A decimal integer within [min, max]. */
export function int(name: string, fallback: number, min: number, max: number) {
  const error = (iss: { input?: unknown }) =>
    `${name} must be an integer from ${min} to ${max}, got ${quoted(iss.input)}`;
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, { error })
      .transform(Number)
      .pipe(z.number().int().min(min, { error }).max(max, { error }))
      .default(fallback),
  );
}

function word<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, { error: (iss) => `${name} must be one of ${values.join(', ')}, got ${quoted(iss.input)}` });
}
const lowered = (raw: unknown): unknown => (typeof raw === 'string' ? raw.trim().toLowerCase() || undefined : raw);

/** One of a fixed set of lowercase words, matched case-insensitively. */
export function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T, fallback: T[number]) {
  return z.preprocess(lowered, word(name, values).default(fallback as never));
}

/** One of a fixed set of words, or undefined when unset. */
export function optionalOneOf<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.preprocess(lowered, word(name, values).optional());
}

/** true/false (also 1/0, yes/no, on/off). */
export function flag(name: string, fallback: boolean) {
  return z.preprocess(
    unsetIfEmpty,
    z.stringbool({ error: (iss) => `${name} must be true or false, got ${quoted(iss.input)}` }).default(fallback),
  );
}

/** host:port pairs, comma-separated. */
export function hostPorts(name: string, fallback: string) {
  return text(name, fallback).transform((raw, ctx) => {
    const list = raw
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '');
    if (list.length === 0 || list.some((b) => !/^[^\s:]+:\d{1,5}$/.test(b))) {
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a comma-separated list of host:port, got ${quoted(raw)}`,
      });
      return z.NEVER;
    }
    return list;
  });
}

/**
 * The contents of a PEM file (a certificate or a key), read at start-up so that a missing or
 * unreadable file stops it. The message names the variable and the path, never the contents.
 */
export function pemFile(name: string) {
  return optionalText(name).transform((path, ctx) => {
    if (path === undefined) return undefined;
    let contents: string;
    try {
      contents = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      ctx.addIssue({ code: 'custom', message: `${name}: cannot read ${quoted(path)} (${code})` });
      return z.NEVER;
    }
    if (!/-----BEGIN [A-Z0-9 ]+-----/.test(contents)) {
      ctx.addIssue({ code: 'custom', message: `${name}: ${quoted(path)} is not a PEM file` });
      return z.NEVER;
    }
    return contents;
  });
}

/**
 * Parses each variable on its own, so that every bad one is reported (one message each), then
 * runs the checks across variables over those that parsed. Returns the values or the messages.
 */
export function parseEnv<S extends Record<string, z.ZodType>>(
  shape: S,
  env: Env,
  across: (values: Partial<{ [K in keyof S]: z.output<S[K]> }>) => string[],
): { values: { [K in keyof S]: z.output<S[K]> }; problems: string[] } {
  const values: Partial<{ [K in keyof S]: z.output<S[K]> }> = {};
  const problems: string[] = [];
  for (const name of Object.keys(shape) as Array<keyof S & string>) {
    const result = (shape[name] as S[typeof name]).safeParse(env[name]);
    if (result.success) values[name] = result.data as z.output<S[typeof name]>;
    else problems.push(result.error.issues[0]?.message ?? `${name} is invalid`);
  }
  problems.push(...across(values));
  return { values: values as { [K in keyof S]: z.output<S[K]> }, problems };
}

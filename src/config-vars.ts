/**
 * One zod schema per kind of environment variable. A schema's messages are written without the
 * variable's name (parseEnv puts it in front), so a declaration names its variable once; values are
 * quoted only for variables that are not secret. Each kind records what it accepts (`accepts`) for
 * the README's table; the declaration adds the description.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The process environment, or a test's stand-in for it. */
export type Env = Record<string, string | undefined>;

// An empty variable counts as unset (as `X= npm run worker` means "no value").
const unsetIfEmpty = (raw: unknown): unknown => (raw === '' ? undefined : raw);
const quoted = (input: unknown): string => JSON.stringify(String(input));
const nonBlank = () => z.string().trim().min(1, { error: ' must not be blank' });

/** A non-blank string, trimmed; `fallback` when unset. */
export function text(fallback: string) {
  return z.preprocess(unsetIfEmpty, nonBlank().default(fallback)).meta({ accepts: 'text' });
}

/** A non-blank string with no default (undefined when unset). */
export function optionalText() {
  return z.preprocess(unsetIfEmpty, nonBlank().optional()).meta({ accepts: 'text' });
}

/** A secret, taken verbatim (spaces may be part of it) and never quoted in a message. */
export function secret(fallback: string) {
  return z.string().default(fallback).meta({ accepts: 'any' });
}

/** A secret with no default (undefined when unset or empty). */
export function optionalSecret() {
  return z.preprocess(unsetIfEmpty, z.string().optional()).meta({ accepts: 'any' });
}

/** A decimal integer within [min, max]. */
export function int(fallback: number, min: number, max: number) {
  const error = (iss: { input?: unknown }) => ` must be an integer from ${min} to ${max}, got ${quoted(iss.input)}`;
  return z
    .preprocess(
      unsetIfEmpty,
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, { error })
        .transform(Number)
        .pipe(z.number().int().min(min, { error }).max(max, { error }))
        .default(fallback),
    )
    .meta({ accepts: `${min}-${max}` });
}

function word<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (iss) => ` must be one of ${values.join(', ')}, got ${quoted(iss.input)}` });
}
const lowered = (raw: unknown): unknown => (typeof raw === 'string' ? raw.trim().toLowerCase() || undefined : raw);

/** One of a fixed set of lowercase words, matched case-insensitively. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z.preprocess(lowered, word(values).default(fallback as never)).meta({ accepts: values.join('/') });
}

/** One of a fixed set of words, or undefined when unset. */
export function optionalOneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(lowered, word(values).optional()).meta({ accepts: values.join('/') });
}

/** true/false (also 1/0, yes/no, on/off). */
export function flag(fallback: boolean) {
  return z
    .preprocess(
      unsetIfEmpty,
      z.stringbool({ error: (iss) => ` must be true or false, got ${quoted(iss.input)}` }).default(fallback),
    )
    .meta({ accepts: 'true/false' });
}

/** host:port pairs, comma-separated. */
export function hostPorts(fallback: string) {
  return text(fallback)
    .transform((raw, ctx) => {
      const list = raw
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b !== '');
      if (list.length === 0 || list.some((b) => !/^[^\s:]+:\d{1,5}$/.test(b))) {
        ctx.addIssue({ code: 'custom', message: ` must be a comma-separated list of host:port, got ${quoted(raw)}` });
        return z.NEVER;
      }
      return list;
    })
    .meta({ accepts: 'host:port,...' });
}

/**
 * The contents of a PEM file (a certificate or a key), read at start-up so that a missing or
 * unreadable file stops it. The message names the variable and the path, never the contents.
 */
export function pemFile() {
  return optionalText()
    .transform((path, ctx) => {
      if (path === undefined) return undefined;
      let contents: string;
      try {
        contents = readFileSync(path, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
        ctx.addIssue({ code: 'custom', message: `: cannot read ${quoted(path)} (${code})` });
        return z.NEVER;
      }
      if (!/-----BEGIN [A-Z0-9 ]+-----/.test(contents)) {
        ctx.addIssue({ code: 'custom', message: `: ${quoted(path)} is not a PEM file` });
        return z.NEVER;
      }
      return contents;
    })
    .meta({ accepts: 'PEM path' });
}

/** The variables a configuration reads, each with its schema. */
export type Shape = Record<string, z.ZodType>;
/** The parsed value of each variable of a shape. */
export type Values<S extends Shape> = { [K in keyof S]: z.output<S[K]> };

/**
 * Parses each variable on its own, so that every bad one is reported (one message each), then
 * runs the checks across variables over those that parsed. Returns the values or the messages.
 */
export function parseEnv<S extends Shape>(
  shape: S,
  env: Env,
  across: (values: Partial<Values<S>>) => string[],
): { values: Values<S>; problems: string[] } {
  const values: Partial<Values<S>> = {};
  const problems: string[] = [];
  for (const name of Object.keys(shape) as Array<keyof S & string>) {
    const result = (shape[name] as S[typeof name]).safeParse(env[name]);
    if (result.success) {
      values[name] = result.data as z.output<S[typeof name]>;
      continue;
    }
    // The kinds above write " must …" or ": …"; anything else is zod's own, never quoting a value.
    const tail = result.error.issues[0]?.message ?? '';
    problems.push(/^[ :]/.test(tail) ? name + tail : `${name} is invalid`);
  }
  problems.push(...across(values));
  return { values: values as Values<S>, problems };
}

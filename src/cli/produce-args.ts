import { parseArgs } from 'node:util';

/** What `npm run produce` was asked to do. */
export type ProduceRequest =
  | {
      mode: 'sample';
      type: 'created' | 'updated' | 'deleted';
      id: string;
      email?: string;
      name?: string;
      bio?: string;
      phone?: string;
      version: number;
      createdAt?: string;
    }
  | { mode: 'file'; path: string }
  | { mode: 'generate'; count: number; users: number; rate: number | null };

/** Thrown for bad arguments; the message says which and why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function positiveInt(name: string, raw: string | undefined, fallback: number | null): number | null {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

/** Parses and checks the command line (pure). */
export function parseProduceArgs(argv: string[]): ProduceRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sample: { type: 'string' },
        file: { type: 'string' },
        count: { type: 'string' },
        users: { type: 'string' },
        rate: { type: 'string' },
        id: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        bio: { type: 'string' },
        phone: { type: 'string' },
        version: { type: 'string' },
        'created-at': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const modes = [values.sample, values.file, values.count].filter((v) => v !== undefined).length;
  if (modes !== 1) throw new UsageError('give exactly one of --count N, --sample TYPE or --file PATH');
  if (values.file !== undefined) return { mode: 'file', path: values.file };
  if (values.count !== undefined) {
    const count = positiveInt('count', values.count, null) as number;
    return {
      mode: 'generate',
      count,
      users: positiveInt('users', values.users, Math.max(1, Math.ceil(count / 4))) as number,
      rate: positiveInt('rate', values.rate, null),
    };
  }
  const type = values.sample;
  if (type !== 'created' && type !== 'updated' && type !== 'deleted') {
    throw new UsageError(`--sample must be created, updated or deleted, got "${String(type)}"`);
  }
  if (!values.id || !/^[0-9a-fA-F]{24}$/.test(values.id))
    throw new UsageError('--id must be 24 hexadecimal characters');
  return {
    mode: 'sample',
    type,
    id: values.id,
    email: values.email,
    name: values.name,
    bio: values.bio,
    phone: values.phone,
    version: positiveInt('version', values.version, 1) as number,
    createdAt: values['created-at'],
  };
}

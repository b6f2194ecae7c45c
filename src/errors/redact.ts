import { isDatabaseError, type DbErrorFields } from './classify';
import { WorkerError } from './worker-error';

// Fixed texts for driver errors without a server message: knex prefixes the driver's own message
// with the SQL statement and its values, so that message is never shown.
const NETWORK_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the database refused the connection',
  ECONNRESET: 'the connection to the database was reset',
  ETIMEDOUT: 'connecting to the database timed out',
  EPIPE: 'the connection to the database was closed while writing',
  PROTOCOL_CONNECTION_LOST: 'the database closed the connection',
  PROTOCOL_SEQUENCE_TIMEOUT: 'the database did not answer in time',
  QUERY_TIMEOUT: 'the database did not answer within MYSQL_QUERY_TIMEOUT_MS; the connection was dropped',
};

// Fixed messages of knex and mysql2 that carry no code, recognised at the end of knex's
// "<sql> - <message>" so the statement before them is never shown.
const KNOWN_DRIVER_MESSAGES: ReadonlyArray<[string, string]> = [
  [
    'Transaction query already complete, run with DEBUG=knex:tx for more info',
    "the transaction's connection failed under it (lost, or dropped after MYSQL_QUERY_TIMEOUT_MS)",
  ],
  ["Can't add new command when connection is in closed state", 'the connection to the database was closed'],
  ['Connection lost: The server closed the connection.', 'the database closed the connection'],
];

function knownDriverText(message: string): string | undefined {
  return KNOWN_DRIVER_MESSAGES.find(([tail]) => message === tail || message.endsWith(` - ${tail}`))?.[1];
}

/**
 * A short description of an error for logs and dead-letter headers, without SQL or values:
 * for server errors the code, the server's message with quoted values cut out, errno and
 * SQLSTATE (e.g. "ER_DATA_TOO_LONG: Data too long for column 'phone' at row 1 (errno 1406,
 * SQLSTATE 22001)"); for other driver errors the code and a fixed text; else the message.
 */
export function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  if (err instanceof WorkerError) return `${err.code}: ${err.message}`;
  const fields = err as DbErrorFields & { message?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  if (typeof fields.sqlMessage === 'string') {
    const where = [
      typeof fields.errno === 'number' ? `errno ${fields.errno}` : undefined,
      typeof fields.sqlState === 'string' ? `SQLSTATE ${fields.sqlState}` : undefined,
    ].filter(Boolean);
    const text = redactSqlMessage(fields.sqlMessage);
    return `${code ? `${code}: ` : ''}${text}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
  }
  if (isDatabaseError(fields)) {
    const name = typeof fields.name === 'string' ? fields.name : 'database error';
    const known = typeof fields.message === 'string' ? knownDriverText(fields.message) : undefined;
    const text = (code && NETWORK_TEXT[code]) ?? known ?? `${name} (message withheld: it may quote the statement)`;
    return code ? `${code}: ${text}` : text;
  }
  const message = typeof fields.message === 'string' ? fields.message : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * The stack of an unexpected error (a bug), for the log; undefined for driver errors, whose
 * first stack line repeats a message that may embed SQL with values.
 */
export function errorStack(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (isDatabaseError(current as DbErrorFields)) return undefined;
    if (!(current instanceof WorkerError)) return current.stack;
    current = current.cause;
  }
  return undefined;
}

// A quoted fragment right after one of these words is an identifier (a column, a key, a
// variable) and is kept; every other quoted fragment is a value and is cut out.
const IDENTIFIER_BEFORE =
  /\b(?:column|key|constraint|table|database|schema|index|field|variable|than|user|function|procedure|trigger|view)\s*$/i;
const IDENTIFIER = /^[\w$.@%`-]{0,64}$/;
// Where the server ends a quoted value, by priority: the last of the first kind found (the value
// may itself contain one). What follows must look like the server's own tail, or it is cut too.
const VALUE_ENDS = ["' for column", "' for key", "' at line", "' at row", "' for function", "' for type"];
const NAME = "[`'][\\w$.]{1,128}[`']";
const SERVER_TAIL = new RegExp(
  `^(?: (?:for (?:column|key|function|type)|at (?:row|line)) (?:${NAME}(?:\\.${NAME})*|\\d+))*\\.?$`,
);

/**
 * The server's message with its quoted value replaced by '…' ("Incorrect string value:
 * '\\xF0…' for column", "Duplicate entry 'jane@…' for key", "near 'VALUES (…' at line 1"),
 * keeping quoted identifiers ("for column 'phone'") and backquoted names.
 */
export function redactSqlMessage(message: string): string {
  let out = '';
  let i = 0;
  while (i < message.length) {
    const open = nextQuote(message, i);
    if (open < 0) return out + message.slice(i);
    out += message.slice(i, open);
    const close = nextQuote(message, open + 1);
    const fragment = close < 0 ? undefined : message.slice(open + 1, close);
    if (fragment !== undefined && IDENTIFIER_BEFORE.test(out) && IDENTIFIER.test(fragment)) {
      out += `'${fragment}'`;
      i = close + 1;
      continue;
    }
    out += "'…'";
    const tail = VALUE_ENDS.map((t) => message.lastIndexOf(t)).find((at) => at > open);
    const rest = tail === undefined ? '' : message.slice(tail + 1);
    return SERVER_TAIL.test(rest) ? out + rest : out;
  }
  return out;
}

/** The next quote at or after `from`, skipping apostrophes inside words ("doesn't", "Can't"). */
function nextQuote(message: string, from: number): number {
  for (let at = message.indexOf("'", from); at >= 0; at = message.indexOf("'", at + 1)) {
    if (!(/[a-z]/i.test(message[at - 1] ?? '') && /[a-z]/i.test(message[at + 1] ?? ''))) return at;
  }
  return -1;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canRetry,
  classifyDbError,
  describeError,
  errorStack,
  redactSqlMessage,
  serverErrno,
  MYSQL_ERRNOS,
  StoppedError,
  WORKER_ERROR_CODES,
  WorkerError,
} from '../../src/errors';

describe('classifyDbError by SQLSTATE class when the number is not listed', () => {
  const cases: Array<[string, string]> = [
    ['22001', 'row_rejected'],
    ['23000', 'row_rejected'],
    ['21000', 'statement_rejected'],
    ['42000', 'permanent'],
    ['28000', 'permanent'],
    ['3D000', 'permanent'],
    ['08S01', 'transient'],
    ['40001', 'transient'],
    ['HY000', 'transient'],
  ];
  for (const [sqlState, expected] of cases) {
    it(`SQLSTATE ${sqlState} → ${expected}`, () => {
      assert.equal(classifyDbError({ errno: 9999, sqlState }), expected);
      assert.equal(classifyDbError({ sqlState }), expected, 'without an errno');
    });
  }

  it('lets a listed number win over its SQLSTATE class, and ignores a non-positive errno', () => {
    assert.equal(classifyDbError({ errno: 1205, sqlState: '23000' }), 'transient');
    assert.equal(classifyDbError({ errno: 1146, sqlState: '22000' }), 'permanent');
    assert.equal(classifyDbError({ errno: 1406, sqlState: '42000' }), 'row_rejected');
    assert.equal(classifyDbError({ errno: 0, sqlState: '22000' }), 'row_rejected');
  });

  it('reads the first error of the cause chain that has a driver field', () => {
    const wrapped = (inner: unknown, depth: number): unknown =>
      depth === 0 ? inner : new Error(`wrapper ${depth}`, { cause: wrapped(inner, depth - 1) });
    assert.equal(classifyDbError(wrapped({ sqlState: '22001' }, 4)), 'row_rejected');
    assert.equal(classifyDbError(wrapped({ errno: 1146 }, 2)), 'permanent');
    // A code on the outer error stops the walk: the inner server error is not read.
    assert.equal(classifyDbError({ code: 'ECONNRESET', cause: { errno: 1406 } }), 'transient');
    assert.equal(classifyDbError({ sqlState: 'HY000', cause: { errno: 1406 } }), 'transient');
    assert.equal(classifyDbError({ errno: 2013, cause: { errno: 1406 } }), 'transient');
  });

  it('ends the walk at a null or missing cause', () => {
    assert.equal(classifyDbError(new Error('x', { cause: null })), 'transient');
    assert.equal(classifyDbError({ cause: undefined }), 'transient');
  });

  it('stops walking a cyclic cause chain', () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    assert.equal(classifyDbError(a), 'transient');
    assert.equal(serverErrno(a), undefined);
  });
});

describe('serverErrno', () => {
  it("is the server's positive error number, else undefined", () => {
    assert.equal(serverErrno({ errno: 1406, sqlState: '22001' }), 1406);
    assert.equal(serverErrno(new Error('x', { cause: { errno: 1290 } })), 1290);
    assert.equal(serverErrno({ errno: -111, code: 'ECONNREFUSED' }), undefined);
    assert.equal(serverErrno({ errno: 0 }), undefined);
    assert.equal(serverErrno(new Error('plain')), undefined);
    assert.equal(serverErrno('text'), undefined);
  });
});

describe('canRetry and the worker errors', () => {
  it('is false only for a WorkerError that says so', () => {
    assert.equal(canRetry(new WorkerError('DEAD_LETTER_REFUSED', 'x', false)), false);
    assert.equal(canRetry(new WorkerError('DEAD_LETTER_UNAVAILABLE', 'x', true)), true);
    assert.equal(canRetry(new Error('x')), true);
    assert.equal(canRetry(undefined), true);
  });

  it('keeps code, message and cause; StoppedError says the worker is stopping', () => {
    const cause = new Error('inner');
    const err = new WorkerError('DEAD_LETTER_REFUSED', 'too large', false, { cause });
    assert.deepEqual(
      [err.name, err.code, err.message, err.canRetry, err.cause],
      ['WorkerError', 'DEAD_LETTER_REFUSED', 'too large', false, cause],
    );
    const stopped = new StoppedError();
    assert.deepEqual([stopped.name, stopped.message], ['StoppedError', 'worker is stopping']);
  });

  it('takes only a code of the closed list, with the canRetry the list gives it', () => {
    // @ts-expect-error a code outside the closed list does not compile
    assert.equal(new WorkerError('NOT_A_CODE', 'x', true).canRetry, true);
    // @ts-expect-error a canRetry that disagrees with the list does not compile
    assert.equal(new WorkerError('DEAD_LETTER_REFUSED', 'x', true).canRetry, true);
    assert.equal(WORKER_ERROR_CODES.STOPPED.canRetry, new StoppedError().canRetry);
    assert.equal(new StoppedError().code, 'STOPPED');
  });
});

describe('the one MySQL errno table', () => {
  it('gives a start-up fault only to numbers that end the process at run time too', () => {
    const startup = [...MYSQL_ERRNOS].filter(([, e]) => e.startup !== undefined);
    assert.ok(startup.length >= 14);
    for (const [errno, { startup: fault }] of startup) {
      assert.equal(classifyDbError({ errno, sqlState: 'HY000' }), 'permanent', `${errno} (${fault})`);
    }
  });

  it('marks read-only and lost-connection numbers as transient only', () => {
    for (const [errno, { connection, failure }] of MYSQL_ERRNOS) {
      if (connection) assert.equal(failure, 'transient', `${errno}`);
    }
  });
});

describe('describeError: every driver error gets a fixed text, never its message', () => {
  const secretSql = "insert into `users` values ('jane@example.com', '+1555')";
  const driver = (code: string | undefined, message: string, extra: object = {}): Error =>
    Object.assign(new Error(`${secretSql} - ${message}`), { name: 'DriverException', code, ...extra });

  const network: Array<[string, string]> = [
    ['ECONNREFUSED', 'the database refused the connection'],
    ['ECONNRESET', 'the connection to the database was reset'],
    ['ETIMEDOUT', 'connecting to the database timed out'],
    ['EPIPE', 'the connection to the database was closed while writing'],
    ['PROTOCOL_CONNECTION_LOST', 'the database closed the connection'],
    ['PROTOCOL_SEQUENCE_TIMEOUT', 'the database did not answer in time'],
    ['QUERY_TIMEOUT', 'the database did not answer within MYSQL_QUERY_TIMEOUT_MS; the connection was dropped'],
  ];
  for (const [code, text] of network) {
    it(code, () => assert.equal(describeError(driver(code, 'boom')), `${code}: ${text}`));
  }

  it('recognises the fixed knex and mysql2 messages, alone or after the statement', () => {
    const known: Array<[string, string]> = [
      [
        'Transaction query already complete, run with DEBUG=knex:tx for more info',
        "the transaction's connection failed under it (lost, or dropped after MYSQL_QUERY_TIMEOUT_MS)",
      ],
      ["Can't add new command when connection is in closed state", 'the connection to the database was closed'],
      ['Connection lost: The server closed the connection.', 'the database closed the connection'],
    ];
    for (const [message, text] of known) {
      assert.equal(describeError(driver(undefined, message)), text);
      assert.equal(describeError(Object.assign(new Error(message), { name: 'KnexTimeoutError' })), text);
      assert.equal(describeError(driver('EX', message)), `EX: ${text}`);
    }
  });

  it('withholds the message of any error that looks like the driver’s', () => {
    const withheld = (name: string): string => `${name} (message withheld: it may quote the statement)`;
    const cases: Array<[object, string]> = [
      [Object.assign(new Error(secretSql), { sql: secretSql }), withheld('Error')],
      [Object.assign(new Error(secretSql), { fatal: false }), withheld('Error')],
      [Object.assign(new Error(secretSql), { errno: 1 }), withheld('Error')],
      [Object.assign(new Error(secretSql), { sqlState: 'HY000' }), withheld('Error')],
      [Object.assign(new Error(secretSql), { name: 'KnexTimeoutError' }), withheld('KnexTimeoutError')],
      [Object.assign(new Error(secretSql), { name: 'QueryFailedException' }), withheld('QueryFailedException')],
      [{ errno: 5, message: secretSql }, withheld('database error')],
      [{ errno: 5 }, withheld('database error')],
      [
        Object.assign(new Error(secretSql), { name: 'DriverException', code: 'EWHAT' }),
        `EWHAT: ${withheld('DriverException')}`,
      ],
    ];
    for (const [err, text] of cases) assert.equal(describeError(err), text);
  });

  it('shows plain errors whose name only resembles a driver’s', () => {
    for (const name of ['ExceptionHandlerError', 'NotKnexError']) {
      assert.equal(describeError(Object.assign(new Error('plain text'), { name })), 'plain text');
    }
  });

  it("formats the server's message with whatever of code, errno and SQLSTATE it has", () => {
    const msg = "Data too long for column 'phone' at row 1";
    assert.equal(describeError({ sqlMessage: msg }), msg);
    assert.equal(describeError({ sqlMessage: msg, errno: 1406 }), `${msg} (errno 1406)`);
    assert.equal(describeError({ sqlMessage: msg, sqlState: '22001' }), `${msg} (SQLSTATE 22001)`);
    assert.equal(describeError({ sqlMessage: msg, code: 'ER_DATA_TOO_LONG' }), `ER_DATA_TOO_LONG: ${msg}`);
    assert.equal(
      describeError({ sqlMessage: "Duplicate entry 'jane@example.com' for key 'idx'", errno: 1062 }),
      "Duplicate entry '…' for key 'idx' (errno 1062)",
    );
  });

  it("gives a worker error's code even when its message names it", () => {
    assert.equal(
      describeError(new WorkerError('BATCH_TOO_LARGE', 'BATCH_TOO_LARGE at offset 7', false)),
      'BATCH_TOO_LARGE: BATCH_TOO_LARGE at offset 7',
    );
  });

  it('keeps a plain message, adding the code unless the message has it', () => {
    assert.equal(
      describeError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3306'), { code: 'ECONNREFUSED' })),
      'connect ECONNREFUSED 10.0.0.1:3306',
    );
    assert.equal(describeError(new Error('plain')), 'plain');
    assert.equal(describeError(Object.assign(new Error('plain'), { code: 42 })), 'plain');
    assert.equal(describeError({}), '[object Object]');
    assert.equal(describeError(null), 'null');
    assert.equal(describeError(undefined), 'undefined');
    assert.equal(describeError(7), '7');
  });
});

describe('errorStack', () => {
  it('is the stack of a plain error, of the first non-worker cause, else undefined', () => {
    const bug = new TypeError('bug');
    assert.equal(errorStack(bug), bug.stack);
    assert.equal(
      errorStack(
        new WorkerError('UNEXPECTED_MAPPING_ERROR', 'a', true, {
          cause: new WorkerError('UNEXPECTED_MAPPING_ERROR', 'b', true, { cause: bug }),
        }),
      ),
      bug.stack,
    );
    assert.equal(errorStack(new WorkerError('UNEXPECTED_MAPPING_ERROR', 'a', true)), undefined);
    assert.equal(errorStack('text'), undefined);
    assert.equal(errorStack({ stack: 'not an Error' }), undefined);
    assert.equal(
      errorStack(
        new WorkerError('UNEXPECTED_MAPPING_ERROR', 'a', true, { cause: Object.assign(new Error('x'), { sql: 'q' }) }),
      ),
      undefined,
    );
  });

  it('gives up after five wrappers', () => {
    const bug = new TypeError('deep');
    let err: Error = bug;
    for (let i = 0; i < 5; i++) err = new WorkerError('UNEXPECTED_MAPPING_ERROR', 'w', true, { cause: err });
    assert.equal(errorStack(err), undefined);
    assert.equal(errorStack((err as WorkerError).cause), bug.stack);
  });
});

describe('redactSqlMessage: more server messages', () => {
  const cases: Array<[string, string]> = [
    ["Out of range value: 'x' at row 2", "Out of range value: '…' at row 2"],
    ["Incorrect arguments to 'jane' for function 'concat'", "Incorrect arguments to '…' for function 'concat'"],
    ["Invalid value 'jane' for type 'json'", "Invalid value '…' for type 'json'"],
    ["Unknown column 'bio' in 'field list'", "Unknown column 'bio' in '…'"],
    ["Unknown table 'users' in schema 'analytics'", "Unknown table 'users' in schema 'analytics'"],
    ["Access denied for user 'analytics'@'10.0.0.1'", "Access denied for user 'analytics'@'…'"],
    ["Variable 'sql_mode' can't be set to the value of 'X'", "Variable 'sql_mode' can't be set to the value of '…'"],
    [
      "Incorrect string value: 'a b' for column 'bio' at row 1",
      "Incorrect string value: '…' for column 'bio' at row 1",
    ],
    ["Incorrect value: 'x' for column 'bio' at row 1 and more", "Incorrect value: '…'"],
    ["Key column 'jane smith' doesn't exist", "Key column '…'"],
    ['no quote at all', 'no quote at all'],
    ["It doesn't quote", "It doesn't quote"],
    ["'leading' value", "'…'"],
    ["Unknown column 'abc", "Unknown column '…'"],
  ];
  for (const [input, expected] of cases) {
    it(input, () => assert.equal(redactSqlMessage(input), expected));
  }
});

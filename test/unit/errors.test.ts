import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyDbError, describeError, errorStack, redactSqlMessage, WorkerError } from '../../src/errors';

describe('classifyDbError', () => {
  it('isolates content errors as row-level', () => {
    assert.equal(classifyDbError({ errno: 1406, code: 'ER_DATA_TOO_LONG' }), 'row_rejected');
    assert.equal(classifyDbError({ errno: 1366 }), 'row_rejected');
    assert.equal(classifyDbError({ errno: 1062, sqlState: '23000' }), 'row_rejected');
    assert.equal(classifyDbError(Object.assign(new Error('wrapped'), { cause: { errno: 1292 } })), 'row_rejected');
    assert.equal(classifyDbError({ errno: 9999, sqlState: '22007' }), 'row_rejected', 'by SQLSTATE class 22');
  });

  it('narrows deterministic statement faults (too large, cannot parse)', () => {
    // 1153's SQLSTATE 08S01 is the connection class: the number must win.
    assert.equal(
      classifyDbError({ errno: 1153, sqlState: '08S01', code: 'ER_NET_PACKET_TOO_LARGE' }),
      'statement_rejected',
    );
    assert.equal(classifyDbError({ errno: 1064, sqlState: '42000' }), 'statement_rejected');
    assert.equal(classifyDbError({ errno: 1136, sqlState: '21S01' }), 'statement_rejected');
  });

  it('ends the process on permanent faults: missing table, no privilege, unknown column', () => {
    for (const errno of [1146, 1142, 1045, 1054, 1044])
      assert.equal(classifyDbError({ errno }), 'permanent', `${errno}`);
    assert.equal(classifyDbError({ errno: 9998, sqlState: '42S02' }), 'permanent', 'by SQLSTATE class 42');
    assert.equal(classifyDbError(new WorkerError('DATABASE_REFUSED', 'x', false)), 'permanent');
  });

  it('retries outages, deadlocks, lock waits, read-only, timeouts and unknown errors', () => {
    for (const err of [
      { code: 'ECONNREFUSED' },
      { code: 'ECONNRESET', errno: -104 },
      { code: 'PROTOCOL_CONNECTION_LOST' },
      { code: 'QUERY_TIMEOUT' },
      { errno: 1213, sqlState: '40001' },
      { errno: 1205 },
      { errno: 1290 },
      { errno: 1792 },
      { errno: 1040 },
      { errno: 1053, sqlState: '08S01' },
      { errno: 2013 },
      { errno: 4031 },
      new TypeError('x'),
    ]) {
      assert.equal(classifyDbError(err), 'transient', JSON.stringify(err));
    }
  });
});

describe('redactSqlMessage', () => {
  const cases: Array<[string, string]> = [
    ["Data too long for column 'phone' at row 1", "Data too long for column 'phone' at row 1"],
    ["Column 'email' cannot be null", "Column 'email' cannot be null"],
    [
      "Incorrect string value: '\\xF0\\x9F\\x98' for column `analytics`.`users`.`bio` at row 1",
      "Incorrect string value: '…' for column `analytics`.`users`.`bio` at row 1",
    ],
    ["Duplicate entry 'jane@example.com' for key 'users.idx_email'", "Duplicate entry '…' for key 'users.idx_email'"],
    [
      "You have an error in your SQL syntax; check the manual near 'VALUES ('jane@example.com', 'it''s') ON' at line 1",
      "You have an error in your SQL syntax; check the manual near '…' at line 1",
    ],
    ["Got a packet bigger than 'max_allowed_packet' bytes", "Got a packet bigger than 'max_allowed_packet' bytes"],
    ["Truncated incorrect DOUBLE value: 'HASH-SECRET'", "Truncated incorrect DOUBLE value: '…'"],
    [
      "Incorrect datetime value: 'x' for column 'created_at' at row 3",
      "Incorrect datetime value: '…' for column 'created_at' at row 3",
    ],
    ["value 'a' for column 'x' and 'b' for column", "value '…'"],
    ["unterminated 'secret value", "unterminated '…'"],
    ["Table 'db.users' doesn't exist", "Table 'db.users' doesn't exist"],
    ["Can't find record in 'x'", "Can't find record in '…'"],
  ];
  for (const [input, expected] of cases) {
    it(input, () => assert.equal(redactSqlMessage(input), expected));
  }

  it('keeps no piece of a value that itself contains quotes and tails', () => {
    const planted = "PLANTED-x' for column 'y' at row 1 PLANTED-y";
    const out = redactSqlMessage(`Incorrect string value: '${planted}' for column 'bio' at row 1`);
    assert.ok(!out.includes('PLANTED'), out);
  });
});

describe('describeError', () => {
  it("gives the server's code, message, errno and SQLSTATE, never the SQL", () => {
    const err = Object.assign(new Error("insert into users values ('jane@example.com') - Data too long"), {
      code: 'ER_DATA_TOO_LONG',
      errno: 1406,
      sqlState: '22001',
      sqlMessage: "Data too long for column 'email' at row 1",
    });
    assert.equal(
      describeError(err),
      "ER_DATA_TOO_LONG: Data too long for column 'email' at row 1 (errno 1406, SQLSTATE 22001)",
    );
  });

  it('never falls back to a driver message (knex prefixes it with the statement)', () => {
    const lost = Object.assign(
      new Error("insert into `users` values ('jane@example.com', '+1555') - read ECONNRESET"),
      {
        name: 'ConnectionException',
        code: 'ECONNRESET',
        errno: -104,
        fatal: true,
      },
    );
    assert.equal(describeError(lost), 'ECONNRESET: the connection to the database was reset');
    const aborted = Object.assign(
      new Error(
        "insert into `users` values ('jane@example.com') - Transaction query already complete, run with DEBUG=knex:tx for more info",
      ),
      { name: 'DriverException' },
    );
    assert.match(describeError(aborted), /^the transaction's connection failed under it/);
    const odd = Object.assign(new Error("select 'jane@example.com' - boom"), {
      name: 'DriverException',
      code: 'EWHAT',
    });
    assert.ok(!describeError(odd).includes('jane'), describeError(odd));
  });

  it('keeps plain messages and codes, and the code of worker errors', () => {
    assert.equal(
      describeError(Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' })),
      'ECONNREFUSED: connect failed',
    );
    assert.equal(
      describeError(new WorkerError('DEAD_LETTER_REFUSED', 'too large', false)),
      'DEAD_LETTER_REFUSED: too large',
    );
    assert.equal(describeError('text'), 'text');
  });
});

describe('errorStack', () => {
  it("keeps a bug's stack, through a WorkerError wrapper", () => {
    const bug = new TypeError('x is undefined');
    assert.equal(errorStack(new WorkerError('UNEXPECTED_MAPPING_ERROR', 'm', true, { cause: bug })), bug.stack);
  });

  it("withholds a driver error's stack (its first line is the message with the SQL)", () => {
    assert.equal(
      errorStack(Object.assign(new Error("insert 'jane@example.com'"), { errno: 1406, sqlState: '22001' })),
      undefined,
    );
  });
});

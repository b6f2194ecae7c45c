import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyDbError, describeError } from '../../src/errors';

describe('classifyDbError', () => {
  it('isolates content errors only', () => {
    assert.equal(classifyDbError({ errno: 1406, code: 'ER_DATA_TOO_LONG' }), 'row_rejected');
    assert.equal(classifyDbError({ errno: 1366 }), 'row_rejected');
    assert.equal(classifyDbError(Object.assign(new Error('wrapped'), { cause: { errno: 1292 } })), 'row_rejected');
  });

  it('treats outages, deadlocks, lock waits, read-only and unknown errors as transient', () => {
    for (const err of [
      { code: 'ECONNREFUSED' },
      { errno: 1213 },
      { errno: 1205 },
      { errno: 1290 },
      { errno: 2013 },
      { errno: 1146 },
      new TypeError('x'),
    ]) {
      assert.equal(classifyDbError(err), 'transient', JSON.stringify(err));
    }
  });
});

describe('describeError', () => {
  it("prefers the server's message to a message that embeds the SQL and its values", () => {
    const err = Object.assign(new Error("insert into users values ('jane@example.com') - Data too long"), {
      code: 'ER_DATA_TOO_LONG',
      sqlMessage: "Data too long for column 'email' at row 1",
    });
    assert.equal(describeError(err), "ER_DATA_TOO_LONG: Data too long for column 'email' at row 1");
  });

  it('keeps plain messages and codes', () => {
    assert.equal(
      describeError(Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' })),
      'ECONNREFUSED: connect failed',
    );
    assert.equal(describeError('text'), 'text');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqlIdentifier, sqlLiteral, sqlTuple } from '../../src/db/sql-literal';

describe('sqlLiteral', () => {
  it('quotes plain strings as they are and escapes every special character', () => {
    assert.equal(sqlLiteral('Ann 😀'), "'Ann 😀'");
    assert.equal(sqlLiteral(`O'Brien "x" \\ \0\b\t\n\r\x1a`), `'O\\'Brien \\"x\\" \\\\ \\0\\b\\t\\n\\r\\Z'`);
    assert.equal(sqlLiteral("'; DROP TABLE users; --"), "'\\'; DROP TABLE users; --'");
  });

  it('writes numbers and NULL, and refuses non-finite numbers', () => {
    assert.equal(sqlLiteral(null), 'NULL');
    assert.equal(sqlLiteral(42), '42');
    assert.throws(() => sqlLiteral(Number.NaN), /not a finite number/);
    assert.throws(() => sqlLiteral(Infinity), /not a finite number/);
  });

  it('builds identifiers and tuples', () => {
    assert.equal(sqlIdentifier('user_id'), '`user_id`');
    assert.equal(sqlIdentifier('a`b'), '`a``b`');
    assert.equal(sqlTuple(['a', 1, null]), "('a', 1, NULL)");
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSummary, parseSummary, totalSummary } from '../runner/run-summary';

// The closing lines of node 20's spec reporter, as a run prints them.
const closing = (pass: number, fail: number, ms: string): string =>
  `▶ some suite\n  ✔ a test (1ms)\nℹ tests ${pass + fail}\nℹ suites 3\nℹ pass ${pass}\nℹ fail ${fail}\n` +
  `ℹ cancelled 0\nℹ skipped 0\nℹ todo 0\nℹ duration_ms ${ms}\n`;

describe('npm test summary', () => {
  it('reads the counters from a run closing lines, colours and all', () => {
    assert.deepEqual(parseSummary(`\x1b[34mℹ pass 7\x1b[39m\n${closing(5, 2, '1234.5')}`), {
      tests: 7,
      suites: 3,
      pass: 5,
      fail: 2,
      cancelled: 0,
      skipped: 0,
      todo: 0,
      duration_ms: 1234.5,
    });
  });

  it('ignores a counter-like line inside a test output', () => {
    assert.deepEqual(parseSummary('  ℹ pass 99 (indented: a subtest diagnostic)\nsome ℹ fail 3\n'), {});
  });

  it('adds the runs up and prints the total in node format, failures kept visible', () => {
    const total = totalSummary([parseSummary(closing(40, 0, '900')), parseSummary(closing(80, 1, '300000.25')), {}]);
    assert.equal(
      formatSummary(total),
      'ℹ tests 121\nℹ suites 6\nℹ pass 120\nℹ fail 1\nℹ cancelled 0\nℹ skipped 0\nℹ todo 0\nℹ duration_ms 300900.25\n',
    );
  });
});

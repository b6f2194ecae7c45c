import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withGeneratedSection } from '../../bench/results-file';

describe('bench/RESULTS.md', () => {
  it('replaces only the generated section and keeps the hand-kept text around it', () => {
    const first = withGeneratedSection(null, 'W 1 ev/s\n', 'npm run bench -- --record', 't1');
    assert.match(first, /```text\nW 1 ev\/s\n```/);
    const edited = `${first}\n## What was tried\n\nby hand\n`;
    const second = withGeneratedSection(edited, 'W 2 ev/s', 'npm run bench -- --record', 't2');
    assert.ok(!second.includes('W 1 ev/s') && second.includes('W 2 ev/s') && second.includes('t2'));
    assert.ok(second.endsWith('## What was tried\n\nby hand\n'), 'the hand-kept section stays');
    assert.throws(() => withGeneratedSection('no markers', 'x', 'c', 't'), /markers are missing/);
  });
});

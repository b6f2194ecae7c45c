import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs, sleepUnlessStopping } from '../../src/pipeline/retry';

describe('backoffDelayMs, the one backoff', () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 30_000 };

  it('doubles the ceiling from the initial delay up to the cap, each wait between half of it and all of it', () => {
    const ceilings = [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000];
    ceilings.forEach((ceiling, i) => {
      for (let draw = 0; draw < 50; draw++) {
        const delay = backoffDelayMs(i + 1, policy);
        assert.ok(
          delay >= ceiling / 2 && delay <= ceiling,
          `attempt ${i + 1}: ${delay} within [${ceiling / 2}, ${ceiling}]`,
        );
      }
    });
    assert.ok(backoffDelayMs(10_000, policy) <= 30_000, 'no overflow after many attempts');
  });

  it('spreads the waits (jitter)', () => {
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelayMs(6, policy)));
    assert.ok(draws.size > 10, `${draws.size} distinct waits`);
  });
});

describe('sleepUnlessStopping', () => {
  it('waits the whole time, or returns false soon after a stop', async () => {
    assert.equal(await sleepUnlessStopping(20, () => false), true);
    const started = Date.now();
    let stopping = false;
    setTimeout(() => (stopping = true), 50);
    assert.equal(await sleepUnlessStopping(60_000, () => stopping), false);
    assert.ok(Date.now() - started < 5000, 'noticed within the step');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionProgress } from '../../src/pipeline/partition-progress';

describe('PartitionProgress', () => {
  it('counts a partition stuck once it has had work without progress past the bound', () => {
    let now = 0;
    const p = new PartitionProgress(1000, () => now);
    p.working('t', 0);
    now = 1000;
    assert.deepEqual(p.stuck(), []);
    p.working('t', 0); // a refetch of the same failing chunk keeps the clock running
    now = 1001;
    assert.deepEqual(p.stuck(), [{ partition: 't/0', stuckForMs: 1001 }]);
    p.progressed('t', 0);
    assert.deepEqual(p.stuck(), []);
    now = 2500;
    assert.equal(p.stuck().length, 1);
    p.idle('t', 0);
    now = 10_000;
    assert.deepEqual(p.stuck(), [], 'an idle partition is never stuck');
    p.working('t', 1);
    now = 20_000;
    p.reset();
    assert.deepEqual(p.stuck(), [], 'a rebalance forgets assignments');
  });
});

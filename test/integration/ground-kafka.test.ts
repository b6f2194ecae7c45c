import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { committedOffsets, createTopic, endOffsets, produce, testKafka } from '../support/test-kafka';
import { uniqueName, waitFor } from '../support/services';

describe('the real broker', () => {
  const kafka = testKafka();
  const groupId = uniqueName('ground');
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  after(() => consumer.disconnect());

  it('takes 1,000 keyed messages on 4 partitions and keeps the committed offsets of a group', async () => {
    const topic = await createTopic('ground', 4);
    const sent = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i % 97}`, value: { n: i } }));
    await produce(topic, sent);

    const received = new Map<string, number[]>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const m of batch.messages) {
          const key = m.key?.toString() ?? '';
          received.set(key, [
            ...(received.get(key) ?? []),
            (JSON.parse(m.value?.toString() ?? '{}') as { n: number }).n,
          ]);
          resolveOffset(m.offset);
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last) {
          await consumer.commitOffsets([
            { topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
        }
      },
    });
    await waitFor('all 1,000 messages', () => [...received.values()].reduce((n, l) => n + l.length, 0) >= 1000);

    // Same key → same partition → order kept per key.
    for (const [key, ns] of received)
      assert.deepEqual(
        ns,
        [...ns].sort((a, b) => a - b),
        key,
      );
    assert.equal([...received.values()].flat().length, 1000);

    const ends = await endOffsets(topic);
    assert.equal(ends.size, 4);
    assert.equal(
      [...ends.values()].reduce((n, o) => n + Number(o), 0),
      1000,
    );
    await consumer.stop();
    assert.deepEqual(
      await committedOffsets(groupId, topic),
      ends,
      'the broker holds the committed end of every partition',
    );
  });
});

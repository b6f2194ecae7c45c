import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { kafkaBrokers, projectRoot } from '../support/services';
import { createTopic, readTopic } from '../support/test-kafka';

function produceCli(topic: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/produce.ts', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC: topic },
  });
}

describe('npm run produce', () => {
  it('sends a sample event keyed by the user id', async () => {
    const topic = await createTopic('produce');
    const id = '507f1f77bcf86cd799439011';
    const r = produceCli(topic, '--sample', 'created', '--id', id, '--email', 'a@example.com', '--name', 'Ann');
    assert.equal(r.status, 0, r.stderr);
    const [message] = await readTopic(topic, 1);
    assert.equal(message?.key?.toString(), id);
    const event = JSON.parse(message?.value?.toString() ?? '{}');
    assert.equal(event.event_type, 'user.created');
    assert.equal(event.entity_id, id);
    assert.equal(event.data.contact_info.primary_email, 'a@example.com');
    assert.equal(event.data.profile.display_name, 'Ann');
  });

  it('refuses bad arguments with a message naming them', () => {
    const r = produceCli('unused', '--sample', 'created', '--id', 'nope');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--id must be 24 hexadecimal characters/);
    const v = produceCli('unused', '--sample', 'exploded', '--id', '507f1f77bcf86cd799439011');
    assert.equal(v.status, 2);
    assert.match(v.stderr, /--sample must be/);
  });
});

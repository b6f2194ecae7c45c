import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuMeter } from '../../bench/cpu-usage';

describe('bench CPU meter (/proc)', () => {
  it("attributes a process's CPU time to it, per event, and accounts for the whole machine", () => {
    const meter = CpuMeter.start(process.pid);
    const spent = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    };
    const from = spent();
    while (spent() - from < 0.3) {
      // burn CPU until this process has used 300 ms of it
    }
    const profile = meter.stop(1000);
    // /proc counts in 10 ms ticks; the process's own figure is read from the same kernel counters.
    assert.ok(profile.worker.seconds >= 0.25 && profile.worker.seconds < 1, `worker ${profile.worker.seconds} s`);
    assert.ok(Math.abs(profile.worker.microsPerEvent - profile.worker.seconds * 1000) < 1e-6);
    assert.ok(profile.bench.seconds >= 0.25, 'the measuring process is this one too');
    assert.ok(profile.cores >= 1 && profile.wallSeconds >= 0.25);
    assert.ok(profile.idleSeconds >= 0 && profile.other.seconds >= 0);
    assert.ok(profile.ceilingEventsPerSecond > 0);
  });
});

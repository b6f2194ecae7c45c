import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuMeter } from '../../bench/cpu-usage';

/** This process's CPU seconds (all threads), from the same kernel counters /proc reads. */
function spent(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// /proc counts in 10 ms ticks, truncated: a difference of two readings (user and system each)
// may lose up to two ticks against getrusage's microseconds, and gain none.
const TICKS = 0.02;

describe('bench CPU meter (/proc)', () => {
  it("attributes a process's CPU time to it, per event, and accounts for the whole machine", () => {
    const outerFrom = spent();
    const meter = CpuMeter.start(process.pid);
    const from = spent();
    while (spent() - from < 0.3) {
      // burn CPU until this process has used 300 ms of it
    }
    const burnt = spent() - from;
    const profile = meter.stop(1000);
    const outer = spent() - outerFrom;

    // What the meter guarantees: the process's CPU over the measurement, at least what was burnt
    // inside it and at most what was spent around it (no wall-time relation: threads run in parallel).
    const { seconds } = profile.worker;
    assert.ok(seconds >= burnt - TICKS, `worker ${seconds} s, burnt ${burnt} s`);
    assert.ok(seconds <= outer + TICKS, `worker ${seconds} s, spent around the meter ${outer} s`);
    assert.ok(Math.abs(profile.worker.microsPerEvent - seconds * 1000) < 1e-6, 'per event: seconds / 1000 events');
    // The measuring process is this one too, read from getrusage (exact, no ticks).
    assert.ok(profile.bench.seconds >= burnt && profile.bench.seconds <= outer, `bench ${profile.bench.seconds} s`);
    assert.ok(profile.cores >= 1 && profile.wallSeconds > 0);
    assert.ok(profile.idleSeconds >= 0 && profile.other.seconds >= 0);
    assert.ok(profile.ceilingEventsPerSecond > 0);
  });
});

/**
 * Big results inside a real Node-RED runtime (issue 8, item 8): a monitor result too long for
 * plain arrays comes in typed arrays (and in plain arrays to the headless runner); a one-neuron
 * train too long for its summary still arrives.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_MAX_SPIKES } from '../nodes/izh-spike-monitor';
import { PLAIN_ARRAY_LIMIT, type MonitorNode } from '../nodes/monitor';
import { errorsOf, expectKnownGoodRun, next, NODES, PATTERN_A, patternA } from './flow-helpers';

helper.init(require.resolve('node-red'));

beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

describe('results too long for plain arrays', () => {
  it(`(more than ${PLAIN_ARRAY_LIMIT.toLocaleString('en-US')} spikes) come in typed arrays; the headless runner reads plain arrays`, async () => {
    // 50,000 alike neurons fed 10 from t = 0 spike together, 24 times in 1000 ms
    await helper.load(NODES, patternA({
      clock: { dt: 1, duration: 1000 },
      source: { kind: 'constant', amplitude: 10 },
      neuron: { size: 50_000 },
    }));
    const spikes = next('spikeOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    const result = (await spikes).payload;
    expect(result.times).toBeInstanceOf(Float64Array);
    expect(result.indices).toBeInstanceOf(Int32Array);
    expect(result.total).toBe(24 * 50_000);
    expect(result.times.length).toBe(result.total);
    expect(result.truncated).toBeUndefined();
    // all neurons of a step, in order
    expect(Array.from(result.indices.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(result.times[49_999]).toBe(result.times[0]);
    expect(result.times[50_000]).toBeGreaterThan(result.times[0]);
    const kept = (helper.getNode('spikes') as MonitorNode).izhResult!.result as { times: number[]; indices: number[] };
    expect(Array.isArray(kept.times)).toBe(true);
    expect(Array.isArray(kept.indices)).toBe(true);
    expect(kept.times.length).toBe(result.total);
    expect(kept.times[kept.times.length - 1]).toBe(result.times[result.times.length - 1]);
    expect(kept.indices[kept.indices.length - 1]).toBe(49_999);
  });

  it('(more than a million samples of a state monitor) come in typed arrays, one per series; the headless runner reads plain arrays', async () => {
    await helper.load(NODES, patternA({ clock: { dt: 1, duration: 1_200_000 } }));
    const trace = next('traceOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    const result = (await trace).payload;
    expect(result.t).toBeInstanceOf(Float64Array);
    expect(result.t.length).toBe(1_200_001);
    expect(result.t[1_200_000]).toBe(1_200_000);
    expect(result.v[0]).toBeInstanceOf(Float64Array);
    expect(result.I[0]).toBeInstanceOf(Float64Array);
    expect(Array.from(result.I[0].subarray(0, 12))).toEqual([...Array(11).fill(0), 14]);
    expect(result.indices).toEqual([0]);
    const kept = (helper.getNode('trace') as MonitorNode).izhResult!.result as { t: number[]; v: number[][] };
    expect(Array.isArray(kept.t)).toBe(true);
    expect(Array.isArray(kept.v[0])).toBe(true);
    expect(kept.v[0].length).toBe(1_200_001);
    expect(kept.v[0][777_777]).toBe(result.v[0][777_777]);
  });

  it('below the limit stay plain arrays', async () => {
    await helper.load(NODES, patternA());
    const spikes = next('spikeOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    const result = (await spikes).payload;
    expect(Array.isArray(result.times)).toBe(true);
    expect(result.times).toEqual(PATTERN_A.spikes);
    const trace = helper.getNode('trace') as MonitorNode;
    expect((trace.izhResult!.result as { v: number[][] }).v[0]).toEqual(PATTERN_A.v);
  });
});

describe('a one-neuron spike train', () => {
  it(`of more than ${SUMMARY_MAX_SPIKES.toLocaleString('en-US')} spikes arrives without its summary (which is computed in one piece)`, async () => {
    // a drive so strong that the neuron spikes every step: 150,001 spikes
    await helper.load(NODES, patternA({ clock: { dt: 1, duration: 150_000 }, source: { kind: 'constant', amplitude: 1e4 } }));
    const spikes = next('spikeOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    const result = (await spikes).payload;
    expect(result.total).toBe(150_001);
    expect(result.times.length).toBe(150_001);
    expect(result.summary).toBeUndefined();
    expect(errorsOf('spikes')).toEqual([]);
    await helper.unload();
    // a short train still has one
    await helper.load(NODES, patternA());
    const short = next('spikeOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    expect((await short).payload.summary).toMatchObject({ count: PATTERN_A.spikes.length });
    await helper.unload();
    await expectKnownGoodRun();
  });
});

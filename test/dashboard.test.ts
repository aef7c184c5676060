/**
 * What the dashboard side relies on: chart-shaped monitor messages (clear, live chunks,
 * decimation that keeps spikes), and the messages a dashboard sends in (presets, sliders,
 * clock settings).
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decimateMinMax, findPreset, normalizeSource, presetInputExpression, compileExpression, createSource, lastStepOf, PRESETS, sourceExpression, spikeChartMessage, stateChartMessages } from '../lib';
import { collect, next, NODES, until, type Msg } from './flow-helpers';
import { REFERENCE, simulateReference } from './reference';

helper.init(require.resolve('node-red'));

function chartFlow(options: { live?: boolean; mode?: string; chartPoints?: number } = {}) {
  const at = { z: 'tab', x: 100, y: 100 };
  return [
    { id: 'tab', type: 'tab', label: 'charts' },
    { id: 'clock', ...at, type: 'izh-clock', dt: 0.25, duration: 100, mode: options.mode ?? 'batch', speed: 2, interval: 10, wires: [['source'], ['events']] },
    { id: 'source', ...at, type: 'izh-source', kind: 'step', amplitude: 14, onset: 10, wires: [['neuron']] },
    { id: 'neuron', ...at, type: 'izh-neuron', name: 'A', params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, wires: [['spikes', 'trace'], []] },
    { id: 'spikes', ...at, type: 'izh-spike-monitor', name: 'raster', format: 'chart', live: options.live ?? false, wires: [['spikeChart']] },
    { id: 'trace', ...at, type: 'izh-state-monitor', name: 'A', variables: 'v,I', indices: '0', format: 'chart', chartPoints: options.chartPoints ?? 1000, live: options.live ?? false, wires: [['traceChart']] },
    { id: 'events', ...at, type: 'helper' },
    { id: 'spikeChart', ...at, type: 'helper' },
    { id: 'traceChart', ...at, type: 'helper' },
  ];
}

/**
 * Resolves when the clock's finished event arrives: the monitors sent their results before the
 * clock announced the end, and Node-RED delivers messages in the order they were sent.
 */
async function finished(): Promise<void> {
  await next('events', (m) => m.payload.event === 'finished');
}

beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

describe('chart messages from monitors', () => {
  it('clear the chart, then send the whole trace at the end of a batch run', async () => {
    await helper.load(NODES, chartFlow());
    const traces = collect('traceChart');
    const spikes = collect('spikeChart');
    const done = finished();
    helper.getNode('clock').receive({ payload: 'start' });
    await done;
    const expected = simulateReference(REFERENCE.A);
    expect(traces[0]).toMatchObject({ topic: 'A', payload: [] });
    const v = traces.find((m) => m.topic === 'A v')!;
    const I = traces.find((m) => m.topic === 'A I')!;
    expect(v.payload).toHaveLength(401);
    expect(v.payload.map((p: { v: number }) => p.v)).toEqual(expected.v);
    expect(v.payload[40]).toEqual({ t: 10, v: expected.v[40] });
    expect(I.payload[41]).toEqual({ t: 10.25, I: 14 });
    expect(spikes[0].payload).toEqual([]);
    expect(spikes[1]).toMatchObject({ topic: 'raster', event: 'finished', payload: expected.spikes.map((t) => ({ t, neuron: 0 })) });
  });

  it('stream live chunks that add up to the run, without repeating them at the end', async () => {
    await helper.load(NODES, chartFlow({ live: true, mode: 'realtime' }));
    const traces = collect('traceChart');
    const done = finished();
    helper.getNode('clock').receive({ payload: 'start' });
    await done;
    // one chunk or many, as fast as the machine is: all of them live, together the whole run
    const v = traces.filter((m) => m.topic === 'A v');
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((m) => m.event === 'chunk')).toBe(true);
    expect(v.flatMap((m) => m.payload.map((p: { t: number }) => p.t))).toEqual(Array.from({ length: 401 }, (_, k) => k * 0.25));
  });

  it('decimate long traces but keep every spike peak', async () => {
    await helper.load(NODES, chartFlow({ chartPoints: 50 }));
    const traces = collect('traceChart');
    const done = finished();
    helper.getNode('clock').receive({ payload: 'start' });
    await done;
    const v = traces.find((m) => m.topic === 'A v')!.payload as Array<{ t: number; v: number }>;
    expect(v.length).toBeLessThanOrEqual(50);
    expect(v.filter((p) => p.v === 30).map((p) => p.t)).toEqual(simulateReference(REFERENCE.A).spikes);
  });

  it('refuse a bad format', async () => {
    const flow = chartFlow();
    (flow[5] as Record<string, unknown>).format = 'csv';
    await helper.load(NODES, flow);
    const calls = (helper.getNode('trace').status as any).getCalls().filter((c: any) => c.thisValue.id === 'trace');
    expect(calls.at(-1).args[0]).toMatchObject({ fill: 'red', text: expect.stringMatching(/^format must be one of arrays, chart/) });
  });
});

describe('messages a dashboard sends', () => {
  it('load a pattern into the neuron, its input into the source and its dt into the clock', async () => {
    const flow = chartFlow();
    (flow[5] as Record<string, unknown>).format = 'arrays';
    (flow[4] as Record<string, unknown>).format = 'arrays';
    await helper.load(NODES, flow);
    helper.getNode('neuron').receive({ payload: { preset: 'R' } });
    helper.getNode('source').receive({ payload: { preset: 'R' } });
    const spikes = new Promise<Msg>((resolve) => helper.getNode('spikeChart').on('input', resolve));
    helper.getNode('clock').receive({ payload: 'start', preset: 'R' });
    const msg = await spikes;
    expect(msg.payload.times).toEqual(simulateReference(REFERENCE.R).spikes);
    expect(msg.payload.t1).toBe(400);
  });

  it('take slider values with the parameter in msg.topic', async () => {
    const flow = chartFlow();
    (flow[5] as Record<string, unknown>).format = 'arrays';
    await helper.load(NODES, flow);
    helper.getNode('neuron').receive({ topic: 'd', payload: 8 });
    helper.getNode('neuron').receive({ topic: 'v0', payload: -63 });
    helper.getNode('source').receive({ payload: { preset: 'RS' } });
    const trace = new Promise<Msg>((resolve) => helper.getNode('traceChart').on('input', resolve));
    helper.getNode('clock').receive({ payload: 'start', dt: 0.25, duration: 150 });
    expect((await trace).payload.v[0]).toEqual(simulateReference(REFERENCE.RS).v);
  });

  it('refuse an unknown preset or bad clock settings, naming the field', async () => {
    await helper.load(NODES, chartFlow());
    const errors: string[] = [];
    for (const id of ['clock', 'source']) helper.getNode(id).on('call:error', (c: { args: string[] }) => errors.push(c.args[0]));
    helper.getNode('clock').receive({ payload: 'start', preset: 'Z9' });
    helper.getNode('clock').receive({ payload: 'start', dt: -1 });
    helper.getNode('source').receive({ payload: { preset: 'A', amplitude: 3 } });
    await until(['clock', 'source'], () => errors.length >= 3, 'call:error');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^clock \S+: msg\.preset is not a preset .* \(got "Z9"\)$/);
    expect(errors[1]).toMatch(/msg\.dt must be greater than 0 \(got -1\)/);
    expect(errors[2]).toMatch(/sets a preset, which replaces every field/);
  });
});

describe('chart helpers', () => {
  it('min-max decimation keeps the extremes and the ends', () => {
    const t = Array.from({ length: 1000 }, (_, i) => i);
    const y = t.map((i) => (i === 537 ? 100 : i === 200 ? -100 : Math.sin(i / 10)));
    const keep = decimateMinMax(t, y, 100);
    expect(keep.length).toBeLessThanOrEqual(100);
    expect(keep).toContain(537);
    expect(keep).toContain(200);
    expect(keep[0]).toBe(0);
    expect(keep.at(-1)).toBe(999);
    expect(keep).toEqual([...keep].sort((a, b) => a - b));
  });

  it('labels lines by variable and neuron, and thins big rasters', () => {
    const messages = stateChartMessages({ population: 'p', dt: 1, t: [0, 1], indices: [3, 7], v: [[1, 2], [3, 4]], truncated: false }, 'p');
    expect(messages.map((m) => m.topic)).toEqual(['p v #3', 'p v #7']);
    const raster = spikeChartMessage({ times: Array.from({ length: 10_000 }, (_, i) => i), indices: Array(10_000).fill(1) }, 'r', 100);
    expect(raster.payload).toHaveLength(100);
  });

  it('writes every published input as an expression with identical values', () => {
    for (const preset of PRESETS) {
      const expression = compileExpression(presetInputExpression(preset));
      const sources = preset.inputs.map((input) => createSource(normalizeSource(input)));
      for (let k = 0; k <= lastStepOf(preset.clock.duration, preset.clock.dt); k++) {
        const t = k * preset.clock.dt;
        expect(expression.evaluate(t), `${preset.code} at ${t}`).toBe(sources.reduce((sum, s) => sum + s.value(t), 0));
      }
    }
    expect(sourceExpression(normalizeSource({ kind: 'table', table: '0, 0\n10, 5', interpolation: 'linear' }))).toMatch(/^t <= 0 \? 0/);
    expect(findPreset('K')).toBeDefined();
  });
});

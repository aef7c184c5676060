/**
 * Limits, announced before they bite: the memory estimate and budget, state monitors that refuse
 * a run they cannot hold, windows that keep open-ended runs bounded, the cap on stored spikes,
 * step commands within the run limit, and real-time runs that slip instead of
 * piling up a backlog.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkMemory, DEFAULT_LIVE_WINDOW_MS, estimateMemory, formatMB,
} from '../lib/engine/budget';
import { compileNetwork, type FlowNode } from '../lib/flow/compiler';
import { DEFAULT_MAX_SPIKES, normalizeSpikeMonitor, normalizeStateMonitor } from '../lib/engine/monitors';
import { Network, type NetworkDescription } from '../lib/engine/network';
import { normalizeNeuron } from '../lib/engine/neuron';
import { normalizeClock, Simulation, type RunEvent } from '../lib/engine/simulation';
import { normalizeSource } from '../lib/engine/sources';
import { normalizeSynapse } from '../lib/engine/synapses';
import { ConfigError } from '../lib/engine/validate';
import clockNode from '../nodes/izh-clock';
import { FakeTimers } from './support/fake-timers';
import { collect, errorsOf, eventsBeforeReset, lastStatus, next, nextCall, NODES, PATTERN_A, patternA, until } from './flow-helpers';
import { REFERENCE, simulateReference } from './reference';

helper.init(require.resolve('node-red'));

/** A hand-written flow of one clock, one source, one neuron and the given monitors. */
function flow(clock: object, neuron: object, monitors: FlowNode[]): FlowNode[] {
  return [
    { id: 'c', type: 'izh-clock', name: 'clock', dt: 0.25, duration: 100, ...clock, wires: [['s']] },
    { id: 's', type: 'izh-source', kind: 'constant', amplitude: 10, wires: [['n']] },
    { id: 'n', type: 'izh-neuron', name: 'cells', params: { a: 0.02, b: 0.2, c: -65, d: 8 }, ...neuron, wires: [monitors.map((m) => m.id)] },
    ...monitors,
  ];
}
const state = (extra: object = {}): FlowNode => ({ id: 'st', type: 'izh-state-monitor', name: 'trace', variables: 'v,I', indices: '0', wires: [], ...extra });
const spikes = (extra: object = {}): FlowNode => ({ id: 'sp', type: 'izh-spike-monitor', name: 'raster', wires: [], ...extra });

const refusal = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a refusal');
};

describe('the memory estimate', () => {
  it('counts neurons, noise buffers and what monitors record over the run', () => {
    const compiled = compileNetwork(flow({}, { size: 1000 }, [state(), spikes()]), 'c');
    const estimate = estimateMemory(compiled.description, compiled.clock.settings);
    const byWhat = Object.fromEntries(estimate.items.map((i) => [i.what, i]));
    expect(byWhat.neurons.bytes).toBe(1000 * 28);
    // 401 samples of v and I of one neuron, plus the time axis, three times over
    expect(byWhat['state recording'].bytes).toBe(401 * 3 * 8 * 3);
    // 1000 neurons at 100 Hz for 100.25 ms, plus one count per neuron
    expect(byWhat['spike recording'].bytes).toBe(1000 * 4 + 10025 * 12 * 3);
    expect(estimate.bytes).toBe(estimate.items.reduce((s, i) => s + i.bytes, 0));
    expect(byWhat['noise buffer']).toBeUndefined();
    const noisy = flow({}, { size: 1000 }, []);
    noisy[1] = { ...noisy[1], kind: 'noise', std: 2 };
    const withNoise = compileNetwork(noisy, 'c');
    expect(estimateMemory(withNoise.description, withNoise.clock.settings).items.map((i) => i.what)).toEqual(['neurons', 'noise buffer']);
  });

  it('bounds a spike monitor by its cap and every monitor of an open-ended run by its window', () => {
    const open = compileNetwork(flow({ mode: 'realtime', duration: '' }, { size: 10 }, [state(), spikes(), spikes({ id: 'sp2', window: 500 })]), 'c');
    const [trace] = open.description.stateMonitors;
    const [raster, short] = open.description.spikeMonitors;
    expect(trace.spec.window).toBe(DEFAULT_LIVE_WINDOW_MS);
    expect(raster.spec?.window).toBe(DEFAULT_LIVE_WINDOW_MS);
    expect(short.spec?.window).toBe(500);
    const estimate = estimateMemory(open.description, open.clock.settings);
    expect(Number.isFinite(estimate.bytes)).toBe(true);
    // two windows of samples at most: 2 * 40000 + 1 steps
    expect(estimate.items.find((i) => i.id === 'st')!.bytes).toBe(80001 * 3 * 8 * 3);
    // a finite run keeps everything unless a window is given
    const finite = compileNetwork(flow({}, {}, [state(), spikes()]), 'c');
    expect(finite.description.stateMonitors[0].spec.window).toBeNull();
    expect(finite.description.spikeMonitors[0].spec?.window).toBeNull();
    // a huge population for a long time: the cap bounds the spikes
    const big = compileNetwork(flow({ dt: 1, duration: 100_000 }, { size: 100_000 }, [spikes()]), 'c', undefined, { memoryBudgetMB: 10_000 });
    const capped = estimateMemory(big.description, big.clock.settings).items.find((i) => i.id === 'sp')!;
    expect(capped.bytes).toBe(100_000 * 4 + DEFAULT_MAX_SPIKES * 12 * 3);
  });

  it('counts at least what a synapse node holds once built, for every learning rule', () => {
    for (const plasticity of [{}, { plasticity: 'izhikevich2006' }, { plasticity: 'stdp' }]) {
      const description: NetworkDescription = {
        dt: 1,
        populations: [{ id: 'p', name: 'p', spec: normalizeNeuron({ size: 200, a: 0.02, b: 0.2, c: -65, d: 8 }) }],
        sources: [],
        projections: [{ id: 'q', name: 'q', pre: 'p', post: 'p', spec: normalizeSynapse({ rule: 'out-degree', degree: 50, weight: 1, delayKind: 'uniform', delayMin: 1, delayMax: 20, ...plasticity }) }],
        spikeMonitors: [],
        stateMonitors: [],
      };
      const estimated = estimateMemory(description, normalizeClock({ dt: 1, duration: 10 })).items.find((i) => i.what === 'synapses')!.bytes;
      expect(estimated, JSON.stringify(plasticity)).toBeGreaterThanOrEqual(new Network(description).projections.get('q')!.bytes);
    }
  });

  it('formats sizes for messages', () => {
    expect(formatMB(412 * 1024 * 1024)).toBe('412');
    expect(formatMB(3.5 * 1024 * 1024)).toBe('3.5');
    expect(formatMB(10)).toBe('0.01');
    expect(formatMB(Infinity)).toBe('unbounded');
  });
});

describe('refusals before a run starts', () => {
  it('refuses a state monitor whose maxValues cannot hold a run of known length, naming it and what to change', () => {
    const e = refusal(() => compileNetwork(flow({ dt: 0.1, duration: 1000 }, {}, [state({ maxValues: 1000 })]), 'c'));
    expect(e.message).toBe(
      'state monitor "trace": maxValues is too small: a run of 1000 ms records 20,002 values (10,001 samples × 2 series); ' +
        'record fewer neurons or variables, record every k-th step (every), or shorten the duration or the window, or raise maxValues (got 1000)',
    );
    // every 10th step fits
    expect(() => compileNetwork(flow({ dt: 0.1, duration: 1000 }, {}, [state({ maxValues: 1000, every: 21 })]), 'c')).not.toThrow();
    // the window of an open-ended run counts too
    const w = refusal(() => compileNetwork(flow({ mode: 'realtime', duration: '' }, {}, [state({ maxValues: 1000, window: 1000 })]), 'c'));
    expect(w.message).toMatch(/^state monitor "trace": maxValues is too small: its window of 1000 ms records 16,002 values/);
  });

  it('refuses a network over the budget, naming the node that needs the most', () => {
    const e = refusal(() => compileNetwork(flow({}, { size: 10_000_000 }, []), 'c'));
    expect(e.nodeLabel).toBe('neuron "cells"');
    expect(e.field).toBe('memory');
    expect(e.message).toMatch(/^neuron "cells": memory needs about 267 MB for this network, more than the budget of 256 MB; the largest part is this node's neurons, 267 MB \(10,000,000 neurons × 28 bytes\): use fewer neurons, or raise the budget \(Node-RED setting izhClockMemoryBudget in MB/);
    expect(() => compileNetwork(flow({}, { size: 10_000_000 }, []), 'c', undefined, { memoryBudgetMB: 300 })).not.toThrow();

    const monitor = refusal(() => compileNetwork(flow({ dt: 0.1, duration: 10_000 }, { size: 100 }, [state({ indices: 'all', maxValues: 1e12 })]), 'c'));
    expect(monitor.message).toMatch(/^state monitor "trace": memory needs about [\d,]+ MB .* this node's state recording, .* record fewer neurons or variables, record every k-th step \(every\)/);
    const raster = refusal(() => compileNetwork(flow({ dt: 1, duration: 1e6 }, { size: 10_000 }, [spikes({ maxSpikes: 1e9 })]), 'c'));
    expect(raster.message).toMatch(/^spike monitor "raster": memory .* lower maxSpikes, or raise the budget/);
  });

  it('keeps checkMemory usable on its own', () => {
    const description: NetworkDescription = {
      dt: 1,
      populations: [{ id: 'p', name: 'p', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, size: 1000 }) }],
      sources: [],
      spikeMonitors: [],
      stateMonitors: [{ id: 'm', name: 'm', population: 'p', spec: normalizeStateMonitor({ indices: 'all' }) }],
    };
    expect(() => checkMemory(description, normalizeClock({ dt: 1, duration: 100 }))).not.toThrow();
    expect(() => checkMemory(description, normalizeClock({ dt: 1, duration: 100_000 }))).toThrow(/maxValues is too small/);
  });
});

describe('windows and caps while recording', () => {
  /** A population of 5 driven hard (fires every few ms), with a windowed and a full copy of each monitor. */
  function windowed(window: number, maxSpikes?: number) {
    const spec = normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, size: 5 });
    const network = new Network({
      dt: 0.5,
      populations: [{ id: 'p', name: 'p', spec }],
      sources: [{ id: 's', name: 's', spec: normalizeSource({ kind: 'noise', mean: 20, std: 5 }), targets: ['p'] }],
      spikeMonitors: [
        { id: 'full', name: 'full', population: 'p' },
        { id: 'win', name: 'win', population: 'p', spec: { window, maxSpikes } },
      ],
      stateMonitors: [
        { id: 'fullTrace', name: 'fullTrace', population: 'p', spec: normalizeStateMonitor({ variables: 'v,u', indices: '0,3', every: 2 }) },
        { id: 'winTrace', name: 'winTrace', population: 'p', spec: { ...normalizeStateMonitor({ variables: 'v,u', indices: '0,3', every: 2 }), window } },
      ],
    });
    return network;
  }

  it('allocates little at the first sample of a state monitor of many neurons (a step of it blocked Node-RED for seconds)', () => {
    const size = 20_000;
    const network = new Network({
      dt: 1,
      populations: [{ id: 'p', name: 'p', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, size }) }],
      sources: [],
      spikeMonitors: [],
      stateMonitors: [{ id: 'all', name: 'all', population: 'p', spec: normalizeStateMonitor({ variables: 'v', indices: 'all', maxValues: 10 * size }) }],
    });
    const before = process.memoryUsage().arrayBuffers;
    network.run(1);
    // 20,000 values: 160 kB; blocks of 4096 values per neuron were 640 MB
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
    network.run(9);
    expect(network.stateMonitors.get('all')!.result().v[size - 1]).toHaveLength(10);
  });

  it('keeps exactly the last window of spikes and samples, bounded memory, whole-run totals', () => {
    const network = windowed(50);
    let most = 0;
    for (let i = 0; i < 400; i++) {
      network.run(25);
      most = Math.max(most, network.stateMonitors.get('winTrace')!.sampleCount);
    }
    // two windows of samples at most (every 2nd step of 0.5 ms: 50 samples per window)
    expect(most).toBeLessThanOrEqual(101);
    const full = network.spikeMonitors.get('full')!.result();
    const win = network.spikeMonitors.get('win')!.result();
    const cut = full.t1 - 50;
    const tail = full.times.map((t, i) => [t, full.indices[i]] as const).filter(([t]) => t > cut);
    expect(win.times).toEqual(tail.map(([t]) => t));
    expect(win.indices).toEqual(tail.map(([, i]) => i));
    expect(win.times.length).toBeGreaterThan(5);
    expect(win.window).toBe(50);
    expect(win.total).toBe(full.total);
    expect(win.counts).toEqual(full.counts);
    expect(win.meanRate).toBe(full.meanRate);

    const fullTrace = network.stateMonitors.get('fullTrace')!.result();
    const winTrace = network.stateMonitors.get('winTrace')!.result();
    const from = fullTrace.t.findIndex((t) => t > fullTrace.t.at(-1)! - 50);
    expect(winTrace.t).toEqual(fullTrace.t.slice(from));
    expect(winTrace.v).toEqual(fullTrace.v!.map((s) => s.slice(from)));
    expect(winTrace.u).toEqual(fullTrace.u!.map((s) => s.slice(from)));
    expect(winTrace.truncated).toBe(false);
  });

  it('hands out every sample and spike as live chunks despite the window', () => {
    const network = windowed(20);
    const spikes: number[] = [];
    const samples: number[] = [];
    for (let i = 0; i < 300; i++) {
      network.run(7);
      spikes.push(...network.spikeMonitors.get('win')!.takeChunk().times);
      samples.push(...network.stateMonitors.get('winTrace')!.takeChunk().t);
    }
    expect(spikes).toEqual(network.spikeMonitors.get('full')!.result().times);
    expect(samples).toEqual(network.stateMonitors.get('fullTrace')!.result().t);
  });

  it('stops storing spikes at maxSpikes but keeps counting, and says so', () => {
    const network = windowed(1e9, 25);
    network.run(2000);
    const win = network.spikeMonitors.get('win')!.result();
    const full = network.spikeMonitors.get('full')!.result();
    expect(win.times).toEqual(full.times.slice(0, 25));
    expect(win.truncated).toBe(true);
    expect(win.total).toBe(full.total);
    expect(full.truncated).toBeUndefined();
    network.reset();
    expect(network.spikeMonitors.get('win')!.result()).toMatchObject({ times: [], total: 0 });
    expect(network.spikeMonitors.get('win')!.result().truncated).toBeUndefined();
  });

  it('validates window and maxSpikes', () => {
    expect(normalizeSpikeMonitor({})).toEqual({ window: null, maxSpikes: DEFAULT_MAX_SPIKES });
    expect(normalizeSpikeMonitor({ window: '250', maxSpikes: '10' })).toEqual({ window: 250, maxSpikes: 10 });
    expect(() => normalizeSpikeMonitor({ window: 0 })).toThrow('window must be greater than 0 (got 0)');
    expect(() => normalizeSpikeMonitor({ window: '<b>' })).toThrow('window must be a number (got "<b>")');
    expect(() => normalizeSpikeMonitor({ maxSpikes: 1.5 })).toThrow('maxSpikes must be a whole number (got 1.5)');
    expect(() => normalizeStateMonitor({ window: -1 })).toThrow('window must be greater than 0 (got -1)');
    expect(() => normalizeStateMonitor({ variables: Object.create(null) })).toThrow(ConfigError);
  });
});

describe('commands that would block or never end', () => {
  const network = (size: number, dt = 0.25) =>
    new Network({
      dt,
      populations: [{ id: 'p', name: 'p', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, size }) }],
      sources: [],
      spikeMonitors: [],
      stateMonitors: [],
    });

  it('refuses a step command for more steps than a clock allows (long ones run in slices: test/trust-engine.test.ts)', () => {
    const small = new Simulation(network(1), normalizeClock({ dt: 0.25, duration: 100 }));
    expect(() => small.step(1e10)).toThrow('steps must be at most 1000000000 (got 10000000000)');
    expect(() => small.step(2.5)).toThrow('steps must be a whole number (got 2.5)');
    small.step(3);
    expect(small.network.nextStep).toBe(3);
  });

  it('refuses a run for more steps than a clock allows', () => {
    const sim = new Simulation(network(1), normalizeClock({ dt: 0.25, duration: 100 }));
    expect(() => sim.runFor(1e300)).toThrow(/^ms needs 4e\+300 steps at dt = 0.25 ms; at most 1000000000 are allowed/);
    expect(sim.state).toBe('idle');
  });

  it('lets a real-time run that falls behind slip instead of piling up a backlog', () => {
    // the process is suspended for 300 ms: at dt = 0.01 ms, 30,000 steps are overdue when it wakes
    const events: RunEvent[] = [];
    const chunks: number[] = [];
    const timers = new FakeTimers();
    const sim = new Simulation(network(1000, 0.01), normalizeClock({ dt: 0.01, mode: 'realtime', duration: '', interval: 10 }), {
      onEvent: (e) => events.push(e),
      onChunk: () => chunks.push(sim.network.nextStep),
    }, timers);
    sim.start();
    timers.advance(10);
    timers.time += 300;
    timers.advance(30);
    sim.stop();
    const computed = chunks.map((n, i) => n - (chunks[i - 1] ?? 0));
    // on time: 10 ms of wall time, 1000 steps (and step 0)
    expect(computed[0]).toBe(1001);
    // after the suspension: a bounded amount of work (six slices), not the 31,000 steps due
    const slice = computed[1] / 6;
    expect(Number.isInteger(slice) && slice >= 1).toBe(true);
    expect(computed[1]).toBeLessThan(30_000);
    // then simulated time follows the wall clock again from where it slipped: 1000 steps per 10 ms
    expect(computed.slice(2)).toEqual([1000, 1000, 1000]);
    expect(events.map((e) => e.event)).toEqual(['started', 'stopped']);
    expect(timers.scheduled).toBe(0);
  });
});

describe('in Node-RED', () => {
  beforeAll(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    helper.settings({ izhClockMemoryBudget: undefined });
  });
  afterAll(() => helper.stopServer());

  it('registers the budget setting for the editor, with its default', () => {
    const options: unknown[] = [];
    clockNode({
      nodes: { registerType: (_t: string, _c: unknown, o?: object) => options.push(o), createNode() {}, getNode: () => null, eachNode() {} },
      events: { on() {}, removeListener() {} },
      httpAdmin: { get() {}, post() {} },
      auth: { needsPermission: () => undefined },
      log: { warn() {}, info() {} },
    });
    expect(options).toEqual([{ settings: { izhClockMemoryBudget: { value: 256, exportable: true } } }]);
  });

  it('refuses to start a run over the budget from settings.js, and runs once it is raised', async () => {
    helper.settings({ izhClockMemoryBudget: 0.001 });
    await helper.load(NODES, patternA());
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toMatch(/^state monitor "trace": memory needs about 0\.0\d MB for this network, more than the budget of 0\.001 MB; the largest part is this node's state recording.*raise the budget \(Node-RED setting izhClockMemoryBudget in MB/);
    expect(lastStatus('clock')).toMatchObject({ fill: 'red', shape: 'ring', text: expect.stringMatching(/^memory needs about/) });
    await helper.unload();

    helper.settings({ izhClockMemoryBudget: '1' });
    await helper.load(NODES, patternA());
    const spikes = next('spikeOut');
    helper.getNode('clock').receive({ payload: 'start' });
    expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
  });

  it('names a bad budget setting', async () => {
    helper.settings({ izhClockMemoryBudget: '<script>' });
    await helper.load(NODES, patternA());
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toBe('clock "clock": izhClockMemoryBudget must be a number (got "<script>")');
  });

  it('refuses a state monitor that cannot hold the run, before it starts', async () => {
    await helper.load(NODES, patternA({ state: { maxValues: 100 } }));
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toMatch(/^state monitor "trace": maxValues is too small: a run of 100 ms records 802 values \(401 samples × 2 series\);/);
    // the clock announced nothing before a reset sent afterwards: the run never started
    expect(await eventsBeforeReset()).toEqual([]);
    expect(errorsOf('trace')).toEqual([]);
  });

  it('keeps only the window of an open-ended live run, and sends every chunk', async () => {
    // chunks of about 100 ms of simulated time, well inside the 500 ms window; on a machine so
    // busy that a chunk comes later than 50 ms, the window loses samples before the chunk takes
    // them, and the chunk says how many: what arrives is accounted for either way
    await helper.load(NODES, patternA({
      clock: { mode: 'realtime', duration: '', speed: 10, interval: 10 },
      spikes: { live: true, window: 500 },
      state: { live: true, window: 500 },
    }));
    const traces = collect('traceOut');
    const spikeMessages = collect('spikeOut');
    helper.getNode('clock').receive({ payload: 'start' });
    // at least 1500 ms of simulated time, three windows
    await until('traceOut', () => (traces.at(-1)?.t ?? 0) >= 1500);
    const stopped = next('traceOut', (m) => m.event === 'stopped');
    const spikesStopped = next('spikeOut', (m) => m.event === 'stopped');
    helper.getNode('clock').receive({ payload: 'stop' });
    const last = (await stopped).payload;
    const lastSpikes = (await spikesStopped).payload;
    const chunks = traces.filter((m) => m.event === 'chunk').map((m) => m.payload);
    const spikeChunks = spikeMessages.filter((m) => m.event === 'chunk').map((m) => m.payload);
    expect(chunks.length).toBeGreaterThan(0);

    // the chunks follow each other on the grid: each starts where the last ended, after what the window dropped
    let step = 0;
    for (const chunk of chunks) {
      step += chunk.dropped ?? 0;
      expect(chunk.t).toEqual(chunk.t.map((_: number, i: number) => (step + i) * 0.25));
      step += chunk.t.length;
    }
    // and they hold the published trace (pattern A's step input goes on for ever)
    const reference = simulateReference({ ...REFERENCE.A, T: (step - 1) * 0.25 });
    step = 0;
    for (const chunk of chunks) {
      step += chunk.dropped ?? 0;
      expect(chunk.v[0]).toEqual(reference.v.slice(step, step + chunk.t.length));
      step += chunk.t.length;
    }
    // the end of the run keeps exactly the last window: the last 2000 samples, up to the last chunk's
    expect(last.t).toEqual(Array.from({ length: 2000 }, (_, i) => (step - 2000 + i) * 0.25));
    expect(last.v[0]).toEqual(reference.v.slice(step - 2000));

    // every spike was sent in a chunk or counted as dropped; the end keeps those of the last window
    const streamed = spikeChunks.flatMap((c) => c.times);
    const dropped = spikeChunks.reduce((sum, c) => sum + (c.dropped ?? 0), 0);
    expect(lastSpikes.total).toBe(reference.spikes.length);
    expect(streamed.length + dropped).toBe(lastSpikes.total);
    expect(streamed).toEqual(reference.spikes.filter((t) => streamed.includes(t)));
    expect(lastSpikes.times).toEqual(reference.spikes.filter((t) => t > lastSpikes.t1 - 500));
    expect(lastSpikes.t1).toBe((step - 1) * 0.25);
    expect(lastSpikes.window).toBe(500);
  });
});

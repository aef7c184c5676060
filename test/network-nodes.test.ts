/**
 * The network nodes inside a real Node-RED runtime (node-red-node-test-helper): the synapse,
 * the spike generator, the rate and weight monitors, and what networks add to the neuron, the
 * source and the clock. Each loads with a status saying what it is, refuses a bad setting with
 * a red status and an error naming the node, the field and the value, and runs in a flow; the
 * synapse saves its weights and loads them back; the monitors send arrays and chart messages.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { delayChainFlow, network2003Flow, polychronizationFlow, stdpPairFlow } from '../lib/flow/network-examples';
import { callsOf, errorsOf, finished, lastStatus, next, nextCall, NODES, withPositions, type Msg } from './flow-helpers';
import { example, smallNetwork, type NetworkOverrides } from './network-helpers';

helper.init(require.resolve('node-red'));

beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

/** Starts the clock and waits for the end of the run (and the spike monitor's result). */
async function runToEnd(clock = 'clock', spikes = 'spikeOut', command: Msg = { payload: 'start' }): Promise<Msg> {
  const result = next(spikes, (m) => m.event === 'finished');
  const done = next('events', finished);
  helper.getNode(clock).receive(command);
  await done;
  return result;
}

describe('the four network nodes load and say what they are', () => {
  it('shows the rule of a synapse, the spikes of a generator and the settings of the monitors', async () => {
    await helper.load(NODES, smallNetwork());
    expect(lastStatus('syn')).toMatchObject({ fill: 'grey', text: 'out-degree 10, w 2..6, 0.5..3 ms, τ 3 ms' });
    expect(lastStatus('gen')).toMatchObject({ fill: 'grey', text: '40 × 30 Hz' });
    expect(lastStatus('rate')).toMatchObject({ fill: 'grey', text: 'bins of 5 ms, smoothed 20 ms' });
    expect(lastStatus('weights')).toMatchObject({ fill: 'grey', text: 'every 10 ms, 8 bins' });
    // per-neuron parameters show their expressions, not NaN
    expect(lastStatus('cells')).toMatchObject({ fill: 'grey', text: '30 × a 0.02 b 0.2 c -65 + 15 * r^2 d 8 - 6 * r^2' });
  });

  it('describes the examples: 2003, 2006 and a times generator', async () => {
    await helper.load(NODES, example(network2003Flow()));
    expect(lastStatus('izh-net2003-EE').text).toBe('all-to-all, w 0..0.5, 1 ms');
    expect(lastStatus('izh-net2003-IE').text).toBe('all-to-all, w -1..0, 1 ms');
    expect(lastStatus('izh-net2003-E').text).not.toMatch(/NaN/);
    expect(lastStatus('izh-net2003-I').text).toBe('200 × a 0.02 + 0.08 *… b 0.25 - 0.05 *… c -65 d 2');
    await helper.unload();
    await helper.load(NODES, example(polychronizationFlow(100)));
    expect(lastStatus('izh-spnet-excitatory').text).toBe('out-degree 100, w 6, 1..20 ms, learning 2006');
    expect(lastStatus('izh-spnet-cells').text).toBe('1,000 × a i < 800 ? 0.0… b 0.2 c -65 d i < 800 ? 8 :…');
    expect(lastStatus('izh-spnet-thalamus').text).toBe('20 to a random neuron');
    await helper.unload();
    await helper.load(NODES, example(delayChainFlow()));
    expect(lastStatus('izh-delay-chain-kick').text).toBe('1 spike at 10 ms');
    expect(lastStatus('izh-delay-chain-links').text).toBe('list of 4, 1 ms, τ 2 ms');
  });
});

describe('bad settings: a red status, an error naming the node, the field and the value, and no run', () => {
  it.each([
    ['syn', { synapse: { rule: 'sideways' } }, 'synapse "S": rule must be one of all-to-all, one-to-one, probability, out-degree, in-degree, list (got "sideways")'],
    ['syn', { synapse: { degree: -3 } }, 'synapse "S": degree must be at least 0 (got -3)'],
    ['syn', { synapse: { weightHigh: 1 } }, 'synapse "S": weightHigh must be greater than weightLow (2) (got 1)'],
    ['syn', { synapse: { preNeurons: '5-2' } }, 'synapse "S": preNeurons must not end before it starts (got "5-2")'],
    ['syn', { synapse: { plasticity: 'stdp', weightLow: -1 } }, 'synapse "S": plasticity applies to excitatory synapses only, but the weights may be negative (as low as -1); use plasticity none for inhibitory synapses (got "stdp")'],
    ['syn', { synapse: { seed: 'abc' } }, 'synapse "S": seed must be a number (got "abc")'],
    ['gen', { generator: { rate: -5 } }, 'spike generator "input": rate must be at least 0 (got -5)'],
    ['gen', { generator: { kind: 'times', times: '[[10, 99]]' } }, 'spike generator "input": times[0].channel must be at most 39 (got 99)'],
    ['gen', { generator: { kind: 'times', times: '10', seed: -1 } }, 'spike generator "input": seed must be at least 0 (got -1)'],
    ['rate', { rate: { bin: 0 } }, 'rate monitor "rate": bin must be greater than 0 (got 0)'],
    ['rate', { rate: { smoothing: 'lots' } }, 'rate monitor "rate": smoothing must be a number (got "lots")'],
    ['weights', { weights: { bins: 0 } }, 'weight monitor "weights": bins must be at least 1 (got 0)'],
    ['weights', { weights: { low: 5, high: 1 } }, 'weight monitor "weights": high must be greater than low (5) (got 1)'],
    ['cells', { neuron: { seed: 1.5 } }, 'neuron "cells": seed must be a whole number (got 1.5)'],
    ['clock', { clock: { seed: -2 } }, 'clock "clock": seed must be at least 0 (got -2)'],
  ] as const)('%s %j', async (id, overrides, message) => {
    await helper.load(NODES, smallNetwork(overrides as NetworkOverrides));
    expect(errorsOf(id)).toEqual([message]);
    expect(lastStatus(id)).toMatchObject({ fill: 'red', shape: 'ring' });
    if (id === 'clock') return;
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toBe(message);
    expect(lastStatus('clock')).toMatchObject({ fill: 'red' });
  });

  it.each([
    ['a degree beyond the targets without duplicates', { synapse: { degree: 31 } }, 'synapse "S": degree is more than the 30 distinct targets available; allow duplicates or lower it (got 31)'],
    ['a delay that is no whole number of steps', { synapse: { delayKind: 'constant', delay: 0.75 } }, 'synapse "S": delay is not a whole number of steps at dt = 0.5 ms; the nearest valid delays are 0.5 and 1 ms (got 0.75)'],
    ['neurons beyond the population', { synapse: { postNeurons: '10-30' } }, 'synapse "S": postNeurons must lie within the population (neurons 0-29) (got "10-30")'],
    ['one-to-one between different sizes', { synapse: { rule: 'one-to-one' } }, 'synapse "S": rule needs populations of the same size (40 and 30 neurons) (got "one-to-one")'],
    ['a list beyond the target', { synapse: { rule: 'list', connections: '[[0, 30, 1, 1]]' } }, 'synapse "S": connections[0].post must be one of the target neurons (0-29) (got 30)'],
    ['a bin that is no whole number of steps', { rate: { bin: 1.25 } }, 'rate monitor "rate": bin must be a whole number of steps at dt = 0.5 ms (e.g. 1.5 ms) (got 1.25)'],
  ] as const)('the clock refuses %s, naming the node', async (_what, overrides, message) => {
    await helper.load(NODES, smallNetwork(overrides as NetworkOverrides));
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toBe(message);
    expect(lastStatus('clock')).toMatchObject({ fill: 'red' });
  });

  it.each([
    ['a per-neuron parameter that fails for one neuron', { neuron: { params: { a: 0.02, b: 0.2, c: 'i < 29 ? -65 : 35', d: 8 } } },
      /^neuron "cells": c must be below the spike peak vpeak = 30 mV \(neuron 29\), or the neuron would spike forever \(got 35\)$/],
    ['a weight expression that is not a finite number', { synapse: { weightKind: 'expression', weight: 'log(r - 2)' } },
      /^synapse "S": weight must give a finite number, but gives .* at i = 0, j = \d+, Npre = 40, Npost = 30, r = [\d.]+ \(got "log\(r - 2\)"\)$/],
    ['a negative weight with learning', { synapse: { weightKind: 'expression', weight: 'r - 0.5', plasticity: 'stdp' } },
      /^synapse "S": plasticity applies to excitatory synapses only, but synapse \d+ has the negative weight -[\d.]+ \(got "stdp"\)$/],
  ] as const)('the clock refuses %s when it builds the network, naming the node', async (_what, overrides, message) => {
    await helper.load(NODES, smallNetwork(overrides as NetworkOverrides));
    expect(errorsOf('cells')).toEqual([]);
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toMatch(message);
    expect(lastStatus('clock')).toMatchObject({ fill: 'red' });
  });

  it('refuses a neuron wired straight to a neuron: a synapse node goes between them', async () => {
    await helper.load(NODES, withPositions([
      { id: 'tab', type: 'tab', label: 'wrong' },
      { id: 'clock', z: 'tab', type: 'izh-clock', name: 'clock', dt: 1, duration: 10, wires: [['a'], []] },
      { id: 'a', z: 'tab', type: 'izh-neuron', name: 'A', params: { a: 0.02, b: 0.2, c: -65, d: 8 }, wires: [['b'], []] },
      { id: 'b', z: 'tab', type: 'izh-neuron', name: 'B', params: { a: 0.02, b: 0.2, c: -65, d: 8 }, wires: [[], []] },
    ]));
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toBe('neuron "A": wires cannot lead from a neuron to a neuron: put a synapse node between them (neuron -> synapse -> neuron) (got "neuron \\"B\\"")');
  });

  it('refuses a synapse without a target, or with two', async () => {
    const flow = smallNetwork().map((n) => (n.id === 'syn' ? { ...n, wires: [['weights'], ['saved']] } : n));
    await helper.load(NODES, flow);
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toBe('synapse "S": wires must lead to exactly one neuron (its target); use one synapse node per target (got 0)');
  });
});

describe('a network runs', () => {
  it('the delay chain: a generator kicks neuron 0, and the spike travels down the chain', async () => {
    await helper.load(NODES, example(delayChainFlow()));
    const spikes = await runToEnd('izh-delay-chain-clock', 'izh-delay-chain-spikes-debug');
    expect(spikes.payload.times).toEqual([12.5, 19, 25.5, 32, 38.5]);
    expect(spikes.payload.indices).toEqual([0, 1, 2, 3, 4]);
    expect(lastStatus('izh-delay-chain-kick')).toMatchObject({ fill: 'green', text: '1 spike, 16.6 Hz' });
  });

  it('shows the number of synapses and their memory once a run has drawn them', async () => {
    await helper.load(NODES, example(polychronizationFlow(50)));
    const excitatory = nextCall('izh-spnet-excitatory', 'status', (s) => /synapses/.test(s.text));
    const inhibitory = nextCall('izh-spnet-inhibitory', 'status', (s) => /synapses/.test(s.text));
    helper.getNode('izh-spnet-clock').receive({ payload: 'start' });
    expect(await excitatory).toMatchObject({ fill: 'green', text: expect.stringMatching(/^80,000 synapses, \d+(\.\d)? MB$/) });
    // 8 + 4 + 2 bytes per static synapse (weight, target, delay), the initial weights kept for a reset, the rows
    expect(await inhibitory).toMatchObject({ fill: 'green', text: `20,000 synapses, ${Math.round((20_000 * (8 + 8 + 4 + 2) + 201 * 4) / 102.4) / 10} kB` });
    const megabytes = Number(/, ([\d.]+) MB$/.exec(lastStatus('izh-spnet-excitatory').text)![1]);
    expect(megabytes).toBeGreaterThan((80_000 * 22) / 2 ** 20); // and the learning rule's state
  });

  it('the same seeds give the same run; another run seed (msg.seed) another one', async () => {
    await helper.load(NODES, smallNetwork());
    const first = (await runToEnd()).payload;
    expect(first.total).toBeGreaterThan(0);
    expect((await runToEnd()).payload.times).toEqual(first.times);
    const other = (await runToEnd('clock', 'spikeOut', { payload: 'start', seed: 2 })).payload;
    expect(other.times).not.toEqual(first.times);
    // the seed stays for later starts, until it is changed again
    expect((await runToEnd()).payload.times).toEqual(other.times);
    expect((await runToEnd('clock', 'spikeOut', { payload: 'start', seed: 1 })).payload.times).toEqual(first.times);
  });
});

describe('the synapse saves its weights and loads them back', () => {
  it('"save" sends {pre, post, weight, delay} on output 2, before any run an error', async () => {
    await helper.load(NODES, smallNetwork());
    let error = nextCall('syn', 'error');
    helper.getNode('syn').receive({ payload: 'save' });
    expect(await error).toBe('synapse "S": msg.payload finds no weights yet: the connections are drawn when the clock builds its network; start (or step) the clock first (got "save")');
    await runToEnd();
    const saved = next('saved');
    helper.getNode('syn').receive({ payload: { save: true } });
    const msg = await saved;
    expect(msg).toMatchObject({ topic: 'S', t: 200, synapses: 400 });
    const { pre, post, weight, delay } = msg.payload;
    for (const column of [pre, post, weight, delay]) {
      expect(Array.isArray(column)).toBe(true);
      expect(column).toHaveLength(400);
    }
    // out-degree 10 from each of the 40 channels, ascending targets in a row, weights and delays in range
    expect(pre).toEqual(Array.from({ length: 400 }, (_, k) => Math.floor(k / 10)));
    for (let j = 0; j < 40; j++) {
      const row = post.slice(10 * j, 10 * j + 10);
      expect(new Set(row).size).toBe(10);
      expect(row).toEqual([...row].sort((x: number, y: number) => x - y));
    }
    for (const w of weight) expect(w >= 2 && w < 6).toBe(true);
    for (const d of delay) expect([0.5, 1, 1.5, 2, 2.5, 3]).toContain(d);
    error = nextCall('syn', 'error');
    helper.getNode('syn').receive({ payload: { save: false } });
    expect(await error).toBe('synapse "S": msg.payload.save must be true to send the weights (got false)');
  });

  it('saved weights loaded into a list synapse give the same network and the same spikes', async () => {
    await helper.load(NODES, smallNetwork());
    const original = (await runToEnd()).payload;
    const saved = next('saved');
    helper.getNode('syn').receive({ payload: 'save' });
    const weights = (await saved).payload;
    // loaded by a message: it applies at the next start
    helper.getNode('syn').receive({ payload: { rule: 'list', connections: weights } });
    expect(lastStatus('syn')).toMatchObject({ fill: 'yellow', text: 'list of 400, w 2..6, 0.5..3 ms, τ 3 ms from the next start' });
    const again = (await runToEnd()).payload;
    expect(again.times).toEqual(original.times);
    expect(again.indices).toEqual(original.indices);
    expect(lastStatus('syn').text).toMatch(/^400 synapses, /);
    const resaved = next('saved');
    helper.getNode('syn').receive({ payload: 'save' });
    expect((await resaved).payload).toEqual(weights);
    await helper.unload();
    // and from the config of a fresh list synapse, as JSON text
    await helper.load(NODES, smallNetwork({ synapse: { rule: 'list', connections: JSON.stringify(weights), weightKind: 'constant', weight: '', delayKind: 'constant', delay: '' } }));
    expect(lastStatus('syn').text).toBe('list of 400, τ 3 ms');
    expect((await runToEnd()).payload.times).toEqual(original.times);
  });

  it('a change during a run waits for the next start; the running network keeps its synapses', async () => {
    await helper.load(NODES, smallNetwork());
    const original = (await runToEnd()).payload;
    const clock = helper.getNode('clock');
    clock.receive({ payload: 'reset' });
    clock.receive({ payload: 'step', steps: 100 });
    helper.getNode('syn').receive({ payload: { weightKind: 'constant', weight: 0 } });
    expect(lastStatus('syn')).toMatchObject({ fill: 'yellow', text: 'out-degree 10, w 0, 0.5..3 ms, τ 3 ms from the next start' });
    const rest = next('spikeOut', (m) => m.event === 'finished');
    clock.receive({ payload: 'resume' });
    expect((await rest).payload.times).toEqual(original.times);
    // the next start builds the synapses anew, with weight 0: the input reaches no neuron
    expect((await runToEnd()).payload.total).toBe(0);
  });

  it('refuses bad messages, naming the field and the value, and keeps its settings', async () => {
    await helper.load(NODES, smallNetwork());
    const original = (await runToEnd()).payload;
    const cases: Array<[unknown, string]> = [
      [{ weight: 'heavy', weightKind: 'constant' }, 'synapse "S": weight must be a number (got "heavy")'],
      [{ colour: 'red' }, 'synapse "S": msg.payload.colour is not a field of a synapse'],
      [{ connections: '[[0, 1]]' }, 'synapse "S": msg.payload.connections are used by the rule list only, and this synapse\'s rule is out-degree'],
      [{ rule: 'list', connections: { pre: [0, 1], post: [0] } }, 'synapse "S": connections saved weights need arrays pre and post of the same length'],
      [{ degree: 31 }, 'synapse "S": degree is more than the 30 distinct targets available; allow duplicates or lower it (got 31)'],
      [42, 'synapse "S": msg.payload must be "save", {"save": true}, or an object of fields'],
      ['explode', 'synapse "S": msg.payload must be "save"'],
      [{ save: true, weight: 3 }, 'synapse "S": msg.payload asks to save the weights and to change fields at once'],
    ];
    for (const [payload, message] of cases) {
      const error = nextCall('syn', 'error');
      helper.getNode('syn').receive({ payload });
      expect(await error).toContain(message);
      expect(lastStatus('syn')).toMatchObject({ fill: 'red', shape: 'ring' });
    }
    expect((await runToEnd()).payload.times).toEqual(original.times);
  });
});

describe('the spike generator', () => {
  it('takes a new rate or fields for the next start, and refuses what it cannot use', async () => {
    await helper.load(NODES, smallNetwork());
    const before = (await runToEnd()).payload.total;
    helper.getNode('gen').receive({ payload: 0 });
    expect(lastStatus('gen')).toMatchObject({ fill: 'yellow', text: '40 × 0 Hz from the next start' });
    expect((await runToEnd()).payload.total).toBe(0);
    expect(lastStatus('gen')).toMatchObject({ fill: 'green', text: '0 spikes, 0 Hz' });
    helper.getNode('gen').receive({ payload: { rate: 30 } });
    expect((await runToEnd()).payload.total).toBe(before);
    helper.getNode('gen').receive({ payload: { kind: 'times', times: '20, 60' } });
    expect(lastStatus('gen').text).toBe('80 spikes at 20, 60 ms from the next start');
    const rate = next('genRateOut', (m) => m.event === 'finished');
    await runToEnd();
    const input = (await rate).payload;
    // 40 channels fire at 20 and at 60 ms: two bins of 10 ms hold 40 spikes each
    expect(input.rate.filter((r: number) => r > 0)).toEqual([100, 100]);
    expect(input.t.filter((_: number, k: number) => input.rate[k] > 0)).toEqual([20, 60]);
    const cases: Array<[unknown, string]> = [
      [5, 'spike generator "input": msg.payload sets the rate of a poisson generator; send {"times": ...} to change a times generator (got 5)'],
      [{ size: 0 }, 'spike generator "input": size must be at least 1 (got 0)'],
      [{ volume: 3 }, 'spike generator "input": msg.payload.volume is not a field of a spike generator (fields: kind, size, rate, seed, times) (got 3)'],
      ['fast', 'spike generator "input": msg.payload must be a number (the rate, Hz) or an object of fields, e.g. {"rate": 40} or {"times": "10, 20"} (got "fast")'],
    ];
    for (const [payload, message] of cases) {
      const error = nextCall('gen', 'error');
      helper.getNode('gen').receive({ payload });
      expect(await error).toBe(message);
    }
  });
});

describe('the rate monitor', () => {
  it('sends the population rate in bins, smoothed, at the end of a run', async () => {
    await helper.load(NODES, smallNetwork());
    const rate = next('rateOut', (m) => m.event === 'finished');
    const spikes = (await runToEnd()).payload;
    const msg = await rate;
    expect(msg).toMatchObject({ topic: 'rate', event: 'finished', t: 200 });
    const r = msg.payload;
    expect(r).toMatchObject({ population: 'cells', size: 30, bin: 5, smoothing: 20 });
    // 401 steps of 0.5 ms: 40 complete bins of 5 ms (10 steps)
    expect(r.t).toEqual(Array.from({ length: 40 }, (_, k) => 5 * k));
    expect(r.rate).toHaveLength(40);
    expect(r.smoothed).toHaveLength(40);
    const counted = r.rate.reduce((a: number, x: number) => a + (x * 30 * 5) / 1000, 0);
    expect(Math.round(counted)).toBe(spikes.times.filter((t: number) => t < 200).length);
    // the running mean over 4 bins
    expect(r.smoothed[3]).toBeCloseTo((r.rate[0] + r.rate[1] + r.rate[2] + r.rate[3]) / 4, 12);
    expect(r.smoothed[10]).toBeCloseTo((r.rate[7] + r.rate[8] + r.rate[9] + r.rate[10]) / 4, 12);
    expect(lastStatus('rate')).toMatchObject({ fill: 'blue', text: expect.stringMatching(/^40 bins, mean [\d.]+ Hz$/) });
  });

  it('sends live chunks that add up to the whole run', async () => {
    await helper.load(NODES, smallNetwork({ rate: { live: true }, clock: { duration: 2000 } }));
    const chunks: Msg[] = [];
    helper.getNode('rateOut').on('input', (m: Msg) => chunks.push(m));
    const end = next('rateOut', (m) => m.event === 'finished');
    await runToEnd();
    const whole = (await end).payload;
    const live = chunks.filter((m) => m.event === 'chunk');
    expect(live.length).toBeGreaterThan(0);
    expect(live.flatMap((m) => m.payload.t)).toEqual(whole.t);
    expect(live.flatMap((m) => m.payload.rate)).toEqual(whole.rate);
  });

  it('sends Dashboard 2 line chart messages: {t, rate}, a smoothed series, a clear at the start', async () => {
    await helper.load(NODES, smallNetwork({ rate: { format: 'chart', chartPoints: 20 } }));
    const messages: Msg[] = [];
    helper.getNode('rateOut').on('input', (m: Msg) => messages.push(m));
    const last = next('rateOut', (m) => m.topic === 'rate smoothed');
    await runToEnd();
    await last;
    expect(messages[0]).toMatchObject({ topic: 'rate', event: 'clear', payload: [] });
    const line = messages.find((m) => m.topic === 'rate' && m.event === 'finished')!;
    expect(line.payload.length).toBeLessThanOrEqual(20);
    expect(Object.keys(line.payload[0]).sort()).toEqual(['rate', 't']);
    expect(line.payload[0].t).toBe(0);
    expect(line.payload.at(-1).t).toBe(195);
    const smoothed = messages.find((m) => m.topic === 'rate smoothed')!;
    expect(Object.keys(smoothed.payload[0]).sort()).toEqual(['rate', 't']);
  });
});

describe('the weight monitor', () => {
  it('sends the mean and histograms of a plastic synapse node', async () => {
    await helper.load(NODES, example(stdpPairFlow()));
    const weights = next('izh-stdp-pair-weight-debug', (m) => m.event === 'finished');
    helper.getNode('izh-stdp-pair-clock').receive({ payload: 'start' });
    const w = (await weights).payload;
    expect(w.synapses).toBe(1);
    expect(w.edges).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(w.t).toHaveLength(1001);
    expect(w.histogram).toHaveLength(1001);
    for (const h of w.histogram) expect(h.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    expect(w.histogram[0][5]).toBe(1);
    expect(w.mean[0]).toBe(5);
    expect(w.min).toBe(w.max);
    expect(w.max).toBe(w.mean.at(-1));
    expect(lastStatus('izh-stdp-pair-weight')).toMatchObject({ fill: 'blue', text: `1 synapse, mean ${Math.round(w.max * 100) / 100}` });
  });

  it('sends the mean as a line (output 1) and the latest histogram as bars (output 2)', async () => {
    await helper.load(NODES, smallNetwork({ weights: { format: 'chart', low: 0, high: 8 } }));
    const lines: Msg[] = [];
    const bars: Msg[] = [];
    helper.getNode('weightOut').on('input', (m: Msg) => lines.push(m));
    helper.getNode('histogramOut').on('input', (m: Msg) => bars.push(m));
    const histogram = next('histogramOut', (m) => m.event === 'finished');
    await runToEnd();
    await histogram;
    expect(lines[0]).toMatchObject({ topic: 'weights', event: 'clear', payload: [] });
    expect(bars[0]).toMatchObject({ topic: 'weights', event: 'clear', payload: [] });
    const mean = lines.find((m) => m.event === 'finished')!;
    expect(mean.topic).toBe('weights mean');
    expect(mean.payload).toHaveLength(21);
    expect(mean.payload[0]).toEqual({ t: 0, mean: expect.any(Number) });
    expect(mean.payload.every((p: { mean: number }) => p.mean === mean.payload[0].mean)).toBe(true); // static weights
    const bar = bars.find((m) => m.event === 'finished')!;
    expect(bar).toMatchObject({ topic: 'weights histogram', action: 'replace' });
    expect(bar.payload.map((p: { weight: number }) => p.weight)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]);
    expect(bar.payload.reduce((a: number, p: { count: number }) => a + p.count, 0)).toBe(400);
    expect(bar.payload[0].count + bar.payload[1].count + bar.payload[6].count + bar.payload[7].count).toBe(0); // weights in [2, 6)
    expect(callsOf('weights', 'error')).toEqual([]);
  });
});

describe('the source and the neuron in networks', () => {
  it('a random-neuron source gives its amplitude to one neuron per step', async () => {
    await helper.load(NODES, withPositions([
      { id: 'tab', type: 'tab', label: 'random neuron' },
      { id: 'clock', z: 'tab', type: 'izh-clock', name: 'clock', dt: 1, duration: 9, wires: [['src'], ['events']] },
      { id: 'src', z: 'tab', type: 'izh-source', name: 'thalamus', kind: 'random-neuron', amplitude: 20, seed: 4, wires: [['cells']] },
      { id: 'cells', z: 'tab', type: 'izh-neuron', name: 'cells', size: 5, scheme: 'izhikevich-net', params: { a: 0.02, b: 0.2, c: -65, d: 8 }, wires: [['trace'], []] },
      { id: 'trace', z: 'tab', type: 'izh-state-monitor', name: 'trace', variables: 'I', indices: 'all', wires: [['traceOut']] },
      { id: 'events', z: 'tab', type: 'helper' },
      { id: 'traceOut', z: 'tab', type: 'helper' },
    ]));
    expect(lastStatus('src').text).toBe('20 to a random neuron');
    const trace = next('traceOut');
    helper.getNode('clock').receive({ payload: 'start' });
    const I: number[][] = (await trace).payload.I;
    for (let k = 0; k < 10; k++) {
      const column = I.map((series) => series[k]);
      expect(column.filter((x) => x === 20)).toHaveLength(1);
      expect(column.filter((x) => x === 0)).toHaveLength(4);
    }
  });

  it('a neuron seed fixes its per-neuron draws: same seed, same neurons, wherever the node is', async () => {
    const run = async (id: string, seed: unknown) => {
      const flow = smallNetwork({ neuron: { seed } }).map((n) => (n.id === 'cells' ? { ...n, id } : n)).map((n) => ({
        ...n, wires: (n.wires as string[][] | undefined)?.map((out) => out.map((to) => (to === 'cells' ? id : to))),
      }));
      await helper.load(NODES, flow);
      const spikes = (await runToEnd()).payload.times;
      await helper.unload();
      return spikes;
    };
    const seeded = await run('cells', 7);
    expect(await run('copy', 7)).toEqual(seeded);
    expect(await run('copy', '')).not.toEqual(await run('cells', ''));
  });
});

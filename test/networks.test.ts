/**
 * The network engine (lib/) against the specification (docs/networks.md, docs/random-numbers.md):
 *  - exactly against the independent implementation in test/network-reference.ts: the random
 *    streams, Izhikevich's 2003 network (spike for spike) and his 2006 network (spikes, synapses
 *    and learned weights, bit for bit);
 *  - the definition of a delay in both schemes, the connection rules, the refusals;
 *  - the published statistics of both networks;
 *  - both learning rules on two neurons, against the docs' formulas computed here by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  compileNetwork, hashString as engineHash, lowbias32 as engineLowbias, Network, NODE_TYPES, network2003Flow,
  polychronizationFlow, Stream as EngineStream, streamKey, SYNAPSE_DEFAULTS, type FlowNode,
} from '../lib';
import {
  halfStepPopulation, hashString, inDegreeRows, lowbias32, network2003, nodeKey, outDegreeRows, probabilityRows, spnet, Stream, type Spikes,
} from './network-reference';

// ---------------------------------------------------------------------------------------------
// flows built by hand
// ---------------------------------------------------------------------------------------------

const CLOCK = 'clk';
const TONIC = { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 };

function clock(dt: number, targets: string[], seed = 1, duration = 1000): FlowNode {
  return { id: CLOCK, type: NODE_TYPES.clock, name: 'clock', dt, duration, mode: 'batch', seed, wires: [targets, []] };
}
function neuron(id: string, size: number, scheme: string, outputs: string[], params: Record<string, unknown> = TONIC): FlowNode {
  return { id, type: NODE_TYPES.neuron, name: id, form: '2003', size, scheme, spikeEvents: 'off', seed: '', params, wires: [outputs, []] };
}
function synapse(id: string, fields: Record<string, unknown>, targets: string[]): FlowNode {
  return { id, type: NODE_TYPES.synapse, name: id, ...SYNAPSE_DEFAULTS, ...fields, wires: [targets, []] };
}
function generator(id: string, times: string, outputs: string[]): FlowNode {
  return { id, type: NODE_TYPES.generator, name: id, kind: 'times', size: 1, times, rate: '', seed: '', wires: [outputs] };
}
function constant(id: string, amplitude: number, target: string): FlowNode {
  return { id, type: NODE_TYPES.source, name: id, kind: 'constant', amplitude, wires: [[target]] };
}
function spikeMonitor(id: string): FlowNode {
  return { id, type: NODE_TYPES.spikeMonitor, name: id, live: false, format: 'arrays', wires: [[]] };
}
function inputMonitor(id: string): FlowNode {
  return { id, type: NODE_TYPES.stateMonitor, name: id, variables: 'I', indices: 'all', live: false, format: 'arrays', wires: [[]] };
}

function build(nodes: FlowNode[]): Network {
  return new Network(compileNetwork(nodes, CLOCK).description);
}

/** Recorded spike steps of a spike monitor (times / dt). */
function spikeSteps(network: Network, monitor: string): number[] {
  return network.spikeMonitors.get(monitor)!.result().times.map((t) => Math.round(t / network.dt));
}

/** The steps at which neuron 0's recorded input I is not 0, and the values there. */
function inputSteps(network: Network, monitor: string): Array<[number, number]> {
  const trace = network.stateMonitors.get(monitor)!.result().I![0];
  const out: Array<[number, number]> = [];
  trace.forEach((x, k) => {
    if (x !== 0) out.push([k, x]);
  });
  return out;
}

/** CSR rows (pre -> targets) of a synapse node, population indices. */
function rowsOf(network: Network, id: string): Map<number, number[]> {
  const saved = network.projections.get(id)!.saved(network.dt);
  const rows = new Map<number, number[]>();
  saved.pre.forEach((j, s) => rows.set(j, [...(rows.get(j) ?? []), saved.post[s]]));
  return rows;
}

function firstDifference(a: Spikes, b: Spikes): string {
  for (let n = 0; n < Math.max(a.times.length, b.times.length); n++) {
    if (a.times[n] !== b.times[n] || a.indices[n] !== b.indices[n]) return `spike ${n}: engine (${a.times[n]}, ${a.indices[n]}), reference (${b.times[n]}, ${b.indices[n]})`;
  }
  return 'none';
}

// ---------------------------------------------------------------------------------------------
// the two published networks, run once and shared by the tests that look at them
// ---------------------------------------------------------------------------------------------

/** net 2003 for 1000 steps (steps 0..999, a run of 999 ms: net.m's 1000 iterations) */
const STEPS_2003 = 1000;
/** spnet: 3 s compared exactly (three weight updates, at steps 999, 1999, 2999), 5 s of statistics */
const STEPS_SPNET_EXACT = 3000;
const STEPS_SPNET_RATE = 5000;

function net2003Keys(seed: number) {
  const k = (part: string) => nodeKey(`izh-net2003-${part}`);
  return { seed, E: k('E'), I: k('I'), noiseE: k('noiseE'), noiseI: k('noiseI'), EE: k('EE'), EI: k('EI'), IE: k('IE'), II: k('II') };
}

/** Counts the (step, neuron) inputs in which engine and reference differ, and names the first. */
class InputCheck {
  mismatches = 0;
  first = 'none';
  compare(k: number, neuron: number, engine: number, reference: number): void {
    if (Object.is(engine, reference)) return;
    if (this.mismatches++ === 0) this.first = `step ${k}, neuron ${neuron}: engine ${engine}, reference ${reference}`;
  }
}

interface Run2003 { engine: { E: Spikes; I: Spikes }; reference: { E: Spikes; I: Spikes }; inputs: InputCheck }

/** Engine and reference side by side, step by step, comparing every neuron's input I. */
function runNet2003(seed: number): Run2003 {
  const nodes = network2003Flow().map((n) => (n.type === NODE_TYPES.clock ? { ...n, seed } : n));
  const network = new Network(compileNetwork(nodes, 'izh-net2003-clock').description);
  const E = network.populations.get('izh-net2003-E')!;
  const I = network.populations.get('izh-net2003-I')!;
  const inputs = new InputCheck();
  const reference = network2003(net2003Keys(seed), STEPS_2003, (k, input) => {
    network.run(1);
    for (let i = 0; i < 800; i++) inputs.compare(k, i, E.inputOf(i), input[i]);
    for (let i = 0; i < 200; i++) inputs.compare(k, 800 + i, I.inputOf(i), input[800 + i]);
  });
  expect(network.nextStep).toBe(STEPS_2003);
  const spikes = (monitor: string): Spikes => {
    const r = network.spikeMonitors.get(monitor)!.result();
    return { times: r.times, indices: r.indices };
  };
  return { engine: { E: spikes('izh-net2003-spikesE'), I: spikes('izh-net2003-spikesI') }, reference, inputs };
}

let net2003Run: Run2003 | undefined;
function net2003Seed1(): Run2003 {
  net2003Run ??= runNet2003(1);
  return net2003Run;
}

interface RunSpnet {
  engine: { spikes: Spikes; excitatory: SavedWeights; inhibitory: SavedWeights; total: number };
  reference: ReturnType<typeof spnet>;
  inputs: InputCheck;
}
type SavedWeights = { pre: number[]; post: number[]; weight: number[]; delay: number[] };

let spnetRun: RunSpnet | undefined;
function spnetSeed1(): RunSpnet {
  if (spnetRun) return spnetRun;
  // the example's raster keeps a window of 2 s: keep every spike here
  const nodes = polychronizationFlow(STEPS_SPNET_RATE).map((n) => (n.id === 'izh-spnet-spikes' ? { ...n, window: '' } : n));
  const network = new Network(compileNetwork(nodes, 'izh-spnet-clock').description);
  const cells = network.populations.get('izh-spnet-cells')!;
  const inputs = new InputCheck();
  const k = (part: string) => nodeKey(`izh-spnet-${part}`);
  const keys = { seed: 1, cells: k('cells'), thalamus: k('thalamus'), excitatory: k('excitatory'), inhibitory: k('inhibitory') };
  const reference = spnet(keys, STEPS_SPNET_EXACT, (step, input) => {
    network.run(1);
    for (let i = 0; i < 1000; i++) inputs.compare(step, i, cells.inputOf(i), input[i]);
  });
  expect(network.nextStep).toBe(STEPS_SPNET_EXACT);
  const atExact = network.spikeMonitors.get('izh-spnet-spikes')!.result();
  const excitatory = network.projections.get('izh-spnet-excitatory')!.saved(network.dt);
  const inhibitory = network.projections.get('izh-spnet-inhibitory')!.saved(network.dt);
  network.run(STEPS_SPNET_RATE - STEPS_SPNET_EXACT);
  const total = network.spikeMonitors.get('izh-spnet-spikes')!.result().times.length;
  spnetRun = { engine: { spikes: { times: atExact.times, indices: atExact.indices }, excitatory, inhibitory, total }, reference, inputs };
  return spnetRun;
}

// ---------------------------------------------------------------------------------------------

describe('random numbers (docs/random-numbers.md)', () => {
  it('hashes and node keys as specified', () => {
    for (const s of ['', 'a', 'izh-net2003-E', 'ünïcödé ✓', 'izh-spnet-excitatory']) {
      expect(engineHash(s)).toBe(hashString(s));
      expect(streamKey(s)).toBe(nodeKey(s));
    }
    for (const x of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 123456789]) {
      expect(engineLowbias(x)).toBe(lowbias32(x));
      // a seed field gives the same key whatever the node's id
      expect(streamKey('one id', x)).toBe(nodeKey('another id', x));
    }
    // FNV-1a of "" is the offset basis: the hash is lowbias32 of it
    expect(hashString('')).toBe(lowbias32(0x811c9dc5));
  });

  it('streams give the same 32-bit outputs, uniforms, integers and Gaussians', () => {
    for (const address of [[1, 2, 3], [0, 0, 0, 0], [0xffffffff, hashString('x'), 1, hashString('y'), 999], [7]]) {
      const ours = new Stream(address);
      const theirs = new EngineStream(address);
      for (let n = 0; n < 1000; n++) expect(theirs.nextUint32()).toBe(ours.next());
      for (let n = 0; n < 1000; n++) expect(theirs.uniform()).toBe(ours.uniform());
      for (let n = 0; n < 1000; n++) expect(theirs.below(37)).toBe(ours.below(37));
    }
    // enough Gaussians to go through the wedges and the tail many times
    const ours = new Stream([1, hashString('gaussians'), 1, 2, 3]);
    const theirs = new EngineStream([1, hashString('gaussians'), 1, 2, 3]);
    const n = 300_000;
    let sum = 0;
    let squares = 0;
    let tail = 0;
    let mismatches = 0;
    for (let m = 0; m < n; m++) {
      const g = ours.gaussian();
      if (theirs.gaussian() !== g) mismatches++;
      sum += g;
      squares += g * g;
      if (Math.abs(g) > 3.442619855899) tail++;
    }
    expect(mismatches).toBe(0);
    // the reference itself draws standard normals
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(squares / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // P(|g| > R) = 5.76e-4: about 173 tail draws
    expect(tail).toBeGreaterThan(100);
    expect(tail).toBeLessThan(260);
  });
});

describe('exactly as the reference', () => {
  it('net 2003: 1000 steps (a run of 999 ms), the same input to every neuron in every step, the same spikes', () => {
    const { engine, reference, inputs } = net2003Seed1();
    expect(inputs.first).toBe('none');
    expect(inputs.mismatches).toBe(0);
    expect(reference.E.times.length).toBeGreaterThan(4000);
    expect(reference.I.times.length).toBeGreaterThan(500);
    expect(firstDifference(engine.E, reference.E)).toBe('none');
    expect(firstDifference(engine.I, reference.I)).toBe('none');
    expect(engine.E).toEqual(reference.E);
    expect(engine.I).toEqual(reference.I);
  });

  it('net 2003 with another run seed: the same spikes again, and different ones', () => {
    const { engine, reference, inputs } = runNet2003(7);
    expect(inputs.first).toBe('none');
    expect(firstDifference(engine.E, reference.E)).toBe('none');
    expect(engine.I).toEqual(reference.I);
    expect(engine.E.times).not.toEqual(net2003Seed1().engine.E.times);
  });

  it('spnet: the same synapses (CSR order, targets, delays), 3 s of inputs and spikes, the learned weights bit for bit', () => {
    const { engine, reference, inputs } = spnetSeed1();
    // connectivity
    expect(engine.excitatory.pre).toEqual(reference.excitatory.pre);
    expect(engine.excitatory.post).toEqual(reference.excitatory.post);
    expect(engine.excitatory.delay).toEqual(reference.excitatory.delay);
    expect(engine.inhibitory.pre).toEqual(reference.inhibitory.pre);
    expect(engine.inhibitory.post).toEqual(reference.inhibitory.post);
    expect(engine.inhibitory.delay).toEqual(reference.inhibitory.delay);
    expect(engine.inhibitory.weight).toEqual(reference.inhibitory.weight);
    // inputs (their sums in the documented order) and spikes
    expect(inputs.first).toBe('none');
    expect(inputs.mismatches).toBe(0);
    expect(reference.times.length).toBeGreaterThan(10_000);
    expect(firstDifference(engine.spikes, reference)).toBe('none');
    expect(engine.spikes.times).toEqual(reference.times);
    expect(engine.spikes.indices).toEqual(reference.indices);
    // weights after three updates: the same doubles, and they have moved
    let differing = 0;
    for (let s = 0; s < reference.excitatory.weight.length; s++) if (!Object.is(engine.excitatory.weight[s], reference.excitatory.weight[s])) differing++;
    expect(differing).toBe(0);
    const moved = reference.excitatory.weight.filter((w) => w !== 6).length;
    expect(moved).toBeGreaterThan(0.99 * reference.excitatory.weight.length);
    expect(Math.max(...reference.excitatory.weight)).toBeGreaterThan(6.03);
    expect(Math.min(...reference.excitatory.weight)).toBeLessThan(6);
  });

  for (const [label, params] of [
    ['uniform parameters', { a: 0.02, b: 0.2, c: -65, d: 8, v0: -65 }],
    ['per-neuron parameters', { a: '0.02 + 0.01 * r', b: '0.2 + 0.05 * r2', c: '-65 + 15 * r^2', d: '8 - 6 * r2', v0: -65 }],
  ] as const) {
    it(`the half-step scheme at dt 0.5 with ${label}: the same u in every step and the same spikes`, () => {
      const dt = 0.5;
      const steps = 2000;
      const nodes: FlowNode[] = [
        clock(dt, ['drive', 'noise', 'P']),
        constant('drive', 4, 'P'),
        { id: 'noise', type: NODE_TYPES.source, name: 'noise', kind: 'noise', mean: 1, std: 3, seed: '', wires: [['P']] },
        neuron('P', 5, 'izhikevich-net', ['spikesP', 'uP'], params),
        spikeMonitor('spikesP'),
        { id: 'uP', type: NODE_TYPES.stateMonitor, name: 'uP', variables: 'u', indices: 'all', live: false, format: 'arrays', wires: [[]] },
      ];
      const network = build(nodes);
      network.run(steps);
      const key = nodeKey('P');
      // the per-neuron draws r, r2 from [S, key, 2, i], in that order
      const draws = Array.from({ length: 5 }, (_, i) => {
        const stream = new Stream([1, key, 2, i]);
        const r = stream.uniform();
        return { r, r2: stream.uniform() };
      });
      const perNeuron = typeof params.a === 'string';
      const reference = halfStepPopulation({
        a: draws.map(({ r }) => (perNeuron ? 0.02 + 0.01 * r : 0.02)),
        b: draws.map(({ r2 }) => (perNeuron ? 0.2 + 0.05 * r2 : 0.2)),
        c: draws.map(({ r }) => (perNeuron ? -65 + 15 * Math.pow(r, 2) : -65)),
        d: draws.map(({ r2 }) => (perNeuron ? 8 - 6 * r2 : 8)),
        v0: -65, dt, constant: 4, mean: 1, std: 3,
        noise: (i) => new Stream([1, nodeKey('noise'), 1, key, i]),
      }, steps);
      const spikes = network.spikeMonitors.get('spikesP')!.result();
      expect(reference.times.length).toBeGreaterThan(50);
      expect(spikes.times).toEqual(reference.times);
      expect(spikes.indices).toEqual(reference.indices);
      expect(network.stateMonitors.get('uP')!.result().u).toEqual(reference.u);
    });
  }

  it('spnet: the synapses follow the doc: 100 distinct targets per row, no autapses, 5 synapses per delay of 1..20 ms', () => {
    const { reference } = spnetSeed1();
    const exc = reference.excitatory;
    for (let j = 0; j < 800; j++) {
      const targets = exc.post.slice(100 * j, 100 * j + 100);
      expect(new Set(targets).size).toBe(100);
      expect(targets).not.toContain(j);
      const perDelay = new Array<number>(21).fill(0);
      for (const d of exc.delay.slice(100 * j, 100 * j + 100)) perDelay[d]++;
      expect(perDelay.slice(1)).toEqual(new Array<number>(20).fill(5));
    }
    expect(reference.inhibitory.post.every((i) => i < 800)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('delays: a spike recorded at step e reaches its targets at step e - lag + d', () => {
  for (const targetScheme of ['izhikevich-net', 'izhikevich']) {
    for (const [dt, delay] of [[1, 1], [1, 4], [0.5, 0.5], [0.5, 3]] as const) {
      it(`generator (lag 0) -> ${targetScheme} target, dt ${dt}, delay ${delay} ms`, () => {
        const d = Math.round(delay / dt);
        const nodes = [
          clock(dt, ['gen', 'B']),
          generator('gen', '5, 12.5', ['syn']),
          synapse('syn', { weight: 3, delay }, ['B']),
          neuron('B', 1, targetScheme, ['inB']),
          inputMonitor('inB'),
        ];
        const network = build(nodes);
        network.run(Math.round(40 / dt));
        // times are emitted in the step nearest to them
        const sent = [Math.round(5 / dt), Math.round(12.5 / dt)];
        expect(inputSteps(network, 'inB')).toEqual(sent.map((e) => [e + d, 3]));
      });
    }
    for (const [preScheme, lag] of [['izhikevich-net', 1], ['izhikevich', 0], ['euler', 0], ['rk4', 0]] as const) {
      for (const [dt, delay] of [[1, 1], [1, 6], [0.25, 0.25], [0.25, 2]] as const) {
        it(`${preScheme} neuron (lag ${lag}) -> ${targetScheme} target, dt ${dt}, delay ${delay} ms`, () => {
          const d = Math.round(delay / dt);
          const nodes = [
            clock(dt, ['drive', 'B']),
            constant('drive', 10, 'A'),
            neuron('A', 1, preScheme, ['syn', 'spikesA']),
            spikeMonitor('spikesA'),
            synapse('syn', { weight: 2, delay }, ['B']),
            neuron('B', 1, targetScheme, ['inB']),
            inputMonitor('inB'),
          ];
          const network = build(nodes);
          const steps = Math.round(150 / dt);
          network.run(steps);
          const recorded = spikeSteps(network, 'spikesA');
          expect(recorded.length).toBeGreaterThan(1);
          const expected = recorded.map((e) => e - lag + d).filter((k) => k < steps);
          expect(inputSteps(network, 'inB')).toEqual(expected.map((k) => [k, 2]));
          if (lag === 1 && d === 1) expect(inputSteps(network, 'inB')[0][0]).toBe(recorded[0]);
        });
      }
    }
  }

  it('a generator emits each time in the step nearest to it, at most once per channel and step, channels ascending', () => {
    const nodes = [
      clock(1, ['gen', 'B']),
      { ...generator('gen', '[[1.0, 1], [1.1, 0], [1.2, 1], [2.5, 0], [3.49, 1], [3.5, 0]]', ['syn', 'spikesGen']), size: 2 },
      spikeMonitor('spikesGen'),
      synapse('syn', { weight: 1, delay: 2 }, ['B']),
      neuron('B', 1, 'izhikevich', ['inB']),
      inputMonitor('inB'),
    ];
    const network = build(nodes);
    network.run(10);
    const spikes = network.spikeMonitors.get('spikesGen')!.result();
    // 1.0, 1.1 and 1.2 ms are all step 1; 2.5 rounds up to 3, 3.49 down to 3, 3.5 up to 4
    expect(spikes.times).toEqual([1, 1, 3, 3, 4]);
    expect(spikes.indices).toEqual([0, 1, 0, 1, 0]);
    // each channel reaches B once per step: two at step 3, two at step 5, one at step 6
    expect(inputSteps(network, 'inB')).toEqual([[3, 2], [5, 2], [6, 1]]);
  });

  it('an exponential synapse adds the weight to g in the step of arrival, then g decays by exp(-dt/tau)', () => {
    const dt = 0.5;
    const tau = 3;
    const nodes = [
      clock(dt, ['gen', 'B']),
      generator('gen', '2', ['syn']),
      synapse('syn', { weight: 4, delay: 1.5, kind: 'exponential', tau }, ['B']),
      neuron('B', 1, 'izhikevich', ['inB']),
      inputMonitor('inB'),
    ];
    const network = build(nodes);
    network.run(20);
    const trace = network.stateMonitors.get('inB')!.result().I![0];
    const arrival = 4 + 3;
    expect(trace.slice(0, arrival).every((x) => x === 0)).toBe(true);
    let g = 0;
    for (let k = arrival; k < 20; k++) {
      g = g * Math.exp(-dt / tau) + (k === arrival ? 4 : 0);
      expect(trace[k]).toBeCloseTo(g, 12);
    }
  });

  it('refuses a delay that is not a whole number of steps, naming the nearest valid delays', () => {
    const nodes = (delay: number, dt: number) => [clock(dt, ['gen', 'B']), generator('gen', '5', ['late']), synapse('late', { weight: 1, delay }, ['B']), neuron('B', 1, 'izhikevich', [])];
    expect(() => compileNetwork(nodes(0.3, 0.25), CLOCK)).toThrow('synapse "late": delay is not a whole number of steps at dt = 0.25 ms; the nearest valid delays are 0.25 and 0.5 ms (got 0.3)');
    expect(() => compileNetwork(nodes(1.7, 0.5), CLOCK)).toThrow(/the nearest valid delays are 1.5 and 2 ms/);
    expect(() => compileNetwork(nodes(0.1, 0.25), CLOCK)).toThrow('synapse "late": delay is not a whole number of steps at dt = 0.25 ms; the nearest valid delay is 0.25 ms (got 0.1)');
    expect(() => compileNetwork(nodes(Math.SQRT2, 1), CLOCK)).toThrow(/the nearest valid delays are 1 and 2 ms/);
    // a whole number of steps up to rounding is accepted: 0.3 ms at dt 0.1 is 3 steps
    expect(() => compileNetwork(nodes(0.3, 0.1), CLOCK)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------

describe('connection rules', () => {
  /** a population P (and Q) with one synapse node `syn` of the given fields */
  function connect(fields: Record<string, unknown>, sizes: { P: number; Q?: number }, seed = 1): Network {
    const target = sizes.Q === undefined ? 'P' : 'Q';
    const nodes = [clock(1, ['P', ...(sizes.Q === undefined ? [] : ['Q'])], seed), neuron('P', sizes.P, 'izhikevich', ['syn']), synapse('syn', fields, [target])];
    if (sizes.Q !== undefined) nodes.push(neuron('Q', sizes.Q, 'izhikevich', []));
    return build(nodes);
  }
  const saved = (network: Network) => network.projections.get('syn')!.saved(network.dt);

  it('all-to-all: N·M synapses, N² − N without autapses, every row ascending', () => {
    const between = rowsOf(connect({ weight: 1 }, { P: 30, Q: 40 }), 'syn');
    expect(between.size).toBe(30);
    for (const row of between.values()) expect(row).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const withSelf = rowsOf(connect({ weight: 1, autapses: true }, { P: 50 }), 'syn');
    expect([...withSelf.values()].reduce((n, row) => n + row.length, 0)).toBe(2500);
    const without = rowsOf(connect({ weight: 1 }, { P: 50 }), 'syn');
    expect([...without.values()].reduce((n, row) => n + row.length, 0)).toBe(2450);
    for (const [j, row] of without) expect(row).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== j));
  });

  it('one-to-one: j -> j, refused between populations of different sizes', () => {
    const s = saved(connect({ rule: 'one-to-one', weight: 1 }, { P: 40, Q: 40 }));
    expect(s.pre).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(s.post).toEqual(s.pre);
    const ranged = saved(connect({ rule: 'one-to-one', weight: 1, preNeurons: '0-9', postNeurons: '20-29' }, { P: 40 }));
    expect(ranged.pre).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(ranged.post).toEqual(Array.from({ length: 10 }, (_, i) => i + 20));
    expect(() => connect({ rule: 'one-to-one', weight: 1 }, { P: 40, Q: 30 })).toThrow('synapse "syn": rule needs populations of the same size (40 and 30 neurons)');
    // one-to-one and list connect what they name: onto the same neurons they are autapses
    const self = saved(connect({ rule: 'one-to-one', weight: 1 }, { P: 12 }));
    expect(self.post).toEqual(self.pre);
    expect(self.pre).toHaveLength(12);
    expect(saved(connect({ rule: 'list', connections: '[[3, 3], [3, 4]]', weight: 1 }, { P: 12 })).post).toEqual([3, 4]);
  });

  it('out-degree: exactly K distinct targets per row, no autapses; with duplicates K draws; the doc\'s Floyd draws', () => {
    const rows = rowsOf(connect({ rule: 'out-degree', degree: 10, weight: 1 }, { P: 50 }), 'syn');
    expect(rows.size).toBe(50);
    for (const [j, row] of rows) {
      expect(row).toHaveLength(10);
      expect(new Set(row).size).toBe(10);
      expect(row).not.toContain(j);
      expect(row).toEqual([...row].sort((a, b) => a - b));
    }
    const reference = outDegreeRows(1, nodeKey('syn'), 50, 50, 10, false, (j) => j);
    expect([...rows.values()]).toEqual(reference);
    // with duplicates: 40 draws out of 10 candidates must repeat some
    const dup = rowsOf(connect({ rule: 'out-degree', degree: 40, duplicates: true, weight: 1 }, { P: 20, Q: 10 }), 'syn');
    for (const row of dup.values()) {
      expect(row).toHaveLength(40);
      expect(new Set(row).size).toBeLessThan(40);
    }
    expect([...dup.values()]).toEqual(outDegreeRows(1, nodeKey('syn'), 20, 10, 40, true, () => -1));
  });

  it('in-degree: exactly K distinct sources per target, no autapses, the doc\'s draws', () => {
    const s = saved(connect({ rule: 'in-degree', degree: 7, weight: 1 }, { P: 30 }));
    const sources = new Map<number, number[]>();
    s.post.forEach((i, n) => sources.set(i, [...(sources.get(i) ?? []), s.pre[n]]));
    expect(sources.size).toBe(30);
    for (const [i, from] of sources) {
      expect(from).toHaveLength(7);
      expect(new Set(from).size).toBe(7);
      expect(from).not.toContain(i);
    }
    const rows = rowsOf(connect({ rule: 'in-degree', degree: 7, weight: 1 }, { P: 30 }), 'syn');
    const reference = inDegreeRows(1, nodeKey('syn'), 30, 30, 7, false, (i) => i);
    expect(Array.from({ length: 30 }, (_, j) => rows.get(j) ?? [])).toEqual(reference);
  });

  it('probability: within 5 standard deviations of N·M·p, no autapses, the doc\'s geometric gaps', () => {
    const p = 0.1;
    const between = saved(connect({ rule: 'probability', probability: p, weight: 1 }, { P: 200, Q: 300 }));
    const mean = 200 * 300 * p;
    expect(Math.abs(between.pre.length - mean)).toBeLessThan(5 * Math.sqrt(mean * (1 - p)));
    const rows = rowsOf(connect({ rule: 'probability', probability: p, weight: 1 }, { P: 200, Q: 300 }), 'syn');
    const reference = probabilityRows(1, nodeKey('syn'), 200, 300, p, () => -1);
    expect(Array.from({ length: 200 }, (_, j) => rows.get(j) ?? [])).toEqual(reference);
    // one population: no autapses, N(N - 1)p expected
    const self = rowsOf(connect({ rule: 'probability', probability: 0.3, weight: 1 }, { P: 150 }), 'syn');
    let count = 0;
    for (const [j, row] of self) {
      expect(row).not.toContain(j);
      expect(new Set(row).size).toBe(row.length);
      count += row.length;
    }
    const expected = 150 * 149 * 0.3;
    expect(Math.abs(count - expected)).toBeLessThan(5 * Math.sqrt(expected * 0.7));
    expect(Array.from({ length: 150 }, (_, j) => self.get(j) ?? [])).toEqual(probabilityRows(1, nodeKey('syn'), 150, 150, 0.3, (j) => j));
    // p = 1 takes every target, p = 0 none
    expect(saved(connect({ rule: 'probability', probability: 1, weight: 1 }, { P: 20, Q: 30 })).pre).toHaveLength(600);
    expect(saved(connect({ rule: 'probability', probability: 0, weight: 1 }, { P: 20, Q: 30 })).pre).toHaveLength(0);
  });

  it('list: exactly the listed synapses, with their own weights and delays', () => {
    const connections = [[3, 1, 2.5, 4], [0, 2], [3, 0, -1, 2], [1, 1]];
    const s = saved(connect({ rule: 'list', connections: JSON.stringify(connections), weight: 7, delay: 1 }, { P: 5, Q: 3 }));
    expect(s.pre).toEqual([0, 1, 3, 3]);
    expect(s.post).toEqual([2, 1, 0, 1]);
    expect(s.weight).toEqual([7, 7, -1, 2.5]);
    expect(s.delay).toEqual([1, 1, 2, 4]);
  });

  it('ranges: only preNeurons and postNeurons are connected, autapses left out where they overlap', () => {
    const rows = rowsOf(connect({ rule: 'all-to-all', weight: 1, preNeurons: '10-19', postNeurons: '5-24' }, { P: 40 }), 'syn');
    expect([...rows.keys()]).toEqual(Array.from({ length: 10 }, (_, j) => 10 + j));
    for (const [j, row] of rows) expect(row).toEqual(Array.from({ length: 20 }, (_, i) => 5 + i).filter((i) => i !== j));
    const degree = rowsOf(connect({ rule: 'out-degree', degree: 12, preNeurons: '10-19', postNeurons: '5-24', weight: 1 }, { P: 40 }), 'syn');
    for (const [j, row] of degree) {
      expect(row).toHaveLength(12);
      expect(new Set(row).size).toBe(12);
      expect(row.every((i) => i >= 5 && i <= 24 && i !== j)).toBe(true);
    }
    // the doc: j and i are indices within the ranges; the own index shifts the candidates
    const reference = outDegreeRows(1, nodeKey('syn'), 10, 20, 12, false, (j) => j + 10 - 5).map((row) => row.map((i) => i + 5));
    expect(Array.from({ length: 10 }, (_, j) => degree.get(10 + j))).toEqual(reference);
    // in-degree over ranges: sources within preNeurons, never the target itself
    const incoming = saved(connect({ rule: 'in-degree', degree: 5, preNeurons: '0-9', postNeurons: '5-14', weight: 1 }, { P: 40 }));
    expect(incoming.pre.every((j) => j >= 0 && j <= 9)).toBe(true);
    expect(incoming.post.every((i) => i >= 5 && i <= 14)).toBe(true);
    expect(incoming.pre.some((j, n) => j === incoming.post[n])).toBe(false);
    const inRows = inDegreeRows(1, nodeKey('syn'), 10, 10, 5, false, (i) => (i + 5 < 10 ? i + 5 : -1));
    expect(incoming.post).toEqual(inRows.flatMap((row) => row.map((i) => i + 5)));
    expect(incoming.pre).toEqual(inRows.flatMap((row, j) => row.map(() => j)));
    // disjoint ranges of one population: every target is a candidate
    const disjoint = rowsOf(connect({ rule: 'out-degree', degree: 20, preNeurons: '30-39', postNeurons: '0-19', weight: 1 }, { P: 40 }), 'syn');
    for (const row of disjoint.values()) expect(row).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(() => connect({ rule: 'all-to-all', weight: 1, postNeurons: '5-40' }, { P: 40 })).toThrow(/postNeurons must lie within the population \(neurons 0-39\)/);
  });

  it('the same seed gives the same network, another seed another one; a synapse seed does not depend on the node id', () => {
    const fields = { rule: 'probability', probability: 0.2, weightKind: 'uniform', weightLow: 0, weightHigh: 1, delayKind: 'uniform', delayMin: 1, delayMax: 5 };
    const a = saved(connect(fields, { P: 60, Q: 70 }, 3));
    const b = saved(connect(fields, { P: 60, Q: 70 }, 3));
    const c = saved(connect(fields, { P: 60, Q: 70 }, 4));
    expect(b).toEqual(a);
    expect(c.post).not.toEqual(a.post);
    expect(c.weight).not.toEqual(a.weight);
    expect(new Set(a.delay)).toEqual(new Set([1, 2, 3, 4, 5]));
    const seeded = (id: string) => {
      const nodes = [clock(1, ['P'], 3), neuron('P', 60, 'izhikevich', [id]), synapse(id, { ...fields, seed: 42 }, ['Q']), neuron('Q', 70, 'izhikevich', [])];
      return build(nodes).projections.get(id)!.saved(1);
    };
    expect(seeded('first')).toEqual(seeded('second'));
    expect(seeded('first').post).not.toEqual(a.post);
  });

  it('refuses a degree larger than the targets or sources available, naming the node', () => {
    expect(() => connect({ rule: 'out-degree', degree: 50, weight: 1 }, { P: 50 })).toThrow('synapse "syn": degree is more than the 49 distinct targets available (no autapses); allow duplicates or lower it (got 50)');
    expect(() => connect({ rule: 'out-degree', degree: 31, weight: 1 }, { P: 50, Q: 30 })).toThrow(/degree is more than the 30 distinct targets available; allow duplicates or lower it/);
    expect(() => connect({ rule: 'in-degree', degree: 21, weight: 1 }, { P: 20, Q: 30 })).toThrow(/degree is more than the 20 distinct sources available/);
    expect(() => connect({ rule: 'out-degree', degree: 50, autapses: true, weight: 1 }, { P: 50 })).not.toThrow();
    expect(() => connect({ rule: 'out-degree', degree: 80, duplicates: true, weight: 1 }, { P: 50 })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------

/** Power of the mean-subtracted signal at m cycles per record, m = 1 .. n/2 (a plain DFT). */
function spectrum(x: number[]): number[] {
  const n = x.length;
  const mean = x.reduce((s, y) => s + y, 0) / n;
  const power: number[] = [0];
  for (let m = 1; m <= n / 2; m++) {
    let re = 0;
    let im = 0;
    for (let k = 0; k < n; k++) {
      re += (x[k] - mean) * Math.cos((2 * Math.PI * m * k) / n);
      im -= (x[k] - mean) * Math.sin((2 * Math.PI * m * k) / n);
    }
    power.push(re * re + im * im);
  }
  return power;
}

describe('statistics of the published networks', () => {
  it('net 2003 (seed 1): 6-9 spikes per neuron in the first second, population rhythm in the alpha or gamma band', () => {
    const { engine } = net2003Seed1();
    const perNeuron = (engine.E.times.length + engine.I.times.length) / 1000;
    expect(perNeuron).toBeGreaterThanOrEqual(6);
    expect(perNeuron).toBeLessThanOrEqual(9);
    // population rate in 1 ms bins over both populations: the 1000 steps make 1 s, so bin m is m Hz
    const rate = new Array<number>(STEPS_2003).fill(0);
    for (const t of [...engine.E.times, ...engine.I.times]) rate[Math.round(t)]++;
    const power = spectrum(rate);
    const peak = power.indexOf(Math.max(...power));
    expect((peak >= 4 && peak <= 15) || (peak >= 30 && peak <= 50)).toBe(true);
  });

  it('spnet (seed 1): 4.5-8.5 spikes per neuron per second over the first 5 s', () => {
    const { engine } = spnetSeed1();
    const perSecond = engine.total / 1000 / (STEPS_SPNET_RATE / 1000);
    expect(perSecond).toBeGreaterThanOrEqual(4.5);
    expect(perSecond).toBeLessThanOrEqual(8.5);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * Two one-neuron populations `pre` and `post` joined by one plastic synapse, each made to fire by
 * its own spike generator through a strong kick (weight 400, one step) at the given times.
 */
function pair(options: {
  dt: number; preScheme: string; postScheme: string; preKick: string; postKick: string;
  plastic: Record<string, unknown>; steps?: number;
}): Network {
  const { dt } = options;
  const kick = { weight: 400, delay: dt };
  const nodes = [
    clock(dt, ['preDrive', 'postDrive']),
    generator('preDrive', options.preKick, ['kickPre']),
    generator('postDrive', options.postKick, ['kickPost']),
    synapse('kickPre', kick, ['pre']),
    synapse('kickPost', kick, ['post']),
    neuron('pre', 1, options.preScheme, ['plastic', 'spikesPre']),
    neuron('post', 1, options.postScheme, ['spikesPost', 'inPost']),
    synapse('plastic', options.plastic, ['post']),
    spikeMonitor('spikesPre'),
    spikeMonitor('spikesPost'),
    inputMonitor('inPost'),
  ];
  return build(nodes);
}
const weightOf = (network: Network) => network.projections.get('plastic')!.weight[0];
const lagOf = (scheme: string) => (scheme === 'izhikevich-net' ? 1 : 0);
/** x·λ, n times over (a trace decaying step by step) */
const decayed = (x: number, lambda: number, n: number) => {
  let y = x;
  for (let m = 0; m < n; m++) y = lambda * y;
  return y;
};
/** the step a neuron kicked by a generator spike at step g records its spike: crosses at g + 1 */
const firesAt = (g: number, scheme: string) => g + 1 + lagOf(scheme);

describe('izhikevich2006 on two neurons', () => {
  const rule = (fields: Record<string, unknown> = {}) => ({ weight: 2, delay: 3, plasticity: 'izhikevich2006', period: 50, ...fields });
  const aPlus = 0.1, aMinus = 0.12, bias = 0.01;

  for (const dt of [1, 0.5]) {
    it(`pre before post potentiates by aPlus·λ^(q − d − p), applied only at the end of step period/dt − 1 (dt ${dt})`, () => {
      const lambda = Math.pow(0.95, dt);
      const period = Math.round(50 / dt);
      const network = pair({ dt, preScheme: 'izhikevich-net', postScheme: 'izhikevich-net', preKick: String(10 * dt), postKick: String(20 * dt), plastic: rule() });
      network.run(period - 1);
      const p = firesAt(10, 'izhikevich-net');
      const q = firesAt(20, 'izhikevich-net');
      const d = Math.round(3 / dt);
      expect(spikeSteps(network, 'spikesPre')).toEqual([p]);
      expect(spikeSteps(network, 'spikesPost')).toEqual([q]);
      // the synapse delivered the weight in force (2) at p - 1 + d; nothing learned yet
      expect(inputSteps(network, 'inPost').filter(([k]) => k === p - 1 + d)).toEqual([[p - 1 + d, 2]]);
      expect(weightOf(network)).toBe(2);
      network.run(1);
      // post at q reads LTP(q − d) = aPlus decayed from p; the arrival at p − 1 + d met LTD = 0
      const sd = 0 + decayed(aPlus, lambda, q - d - p) - 0;
      expect(weightOf(network)).toBe(2 + bias + sd);
      // the next update: w + bias + 0.9 sd
      const w1 = weightOf(network);
      network.run(period - 1);
      expect(weightOf(network)).toBe(w1);
      network.run(1);
      expect(weightOf(network)).toBe(w1 + bias + 0.9 * sd);
    });
  }

  it('post before pre depresses by LTD at the arrival, aMinus·λ^(arrival − q)', () => {
    const network = pair({ dt: 1, preScheme: 'izhikevich-net', postScheme: 'izhikevich-net', preKick: '20', postKick: '10', plastic: rule() });
    network.run(50);
    const q = firesAt(10, 'izhikevich-net');
    const p = firesAt(20, 'izhikevich-net');
    expect(spikeSteps(network, 'spikesPost')).toEqual([q]);
    expect(spikeSteps(network, 'spikesPre')).toEqual([p]);
    const arrival = p - 1 + 3;
    const sd = 0 - decayed(aMinus, 0.95, arrival - q);
    expect(weightOf(network)).toBe(2 + bias + sd);
    expect(weightOf(network)).toBeLessThan(2);
  });

  // an arrival in the step the target spikes, for every pairing of schemes (lag 1 or 0 each side):
  // the post spike adds LTP_pre(k − d); the arrival subtracts LTD_post, already aMinus for a
  // half-step target (it spiked in the fire phase), still 0 for a single-step one
  for (const [preScheme, postScheme] of [['izhikevich-net', 'izhikevich-net'], ['izhikevich', 'izhikevich'], ['izhikevich-net', 'izhikevich'], ['izhikevich', 'izhikevich-net']]) {
    it(`same-step arrival: ${preScheme} pre, ${postScheme} post`, () => {
      const p = firesAt(10, preScheme);
      const arrival = p - lagOf(preScheme) + 3;
      // kick post so that it records its spike in the arrival step
      const g = arrival - 1 - lagOf(postScheme);
      const network = pair({ dt: 1, preScheme, postScheme, preKick: '10', postKick: String(g), plastic: rule() });
      network.run(50);
      expect(spikeSteps(network, 'spikesPre')).toEqual([p]);
      expect(spikeSteps(network, 'spikesPost')).toEqual([arrival]);
      // LTP_pre(arrival − d) = LTP_pre(p − lag): aPlus when the pre lag is 0, else 0 (pre had not spiked)
      const potentiation = lagOf(preScheme) === 0 ? aPlus : 0;
      const depression = lagOf(postScheme) === 1 ? aMinus : 0;
      expect(weightOf(network)).toBe(2 + bias + (0 + potentiation - depression));
    });
  }

  it('clips to wMax and wMin', () => {
    // p = 12, arrival 14, q = 16: sd = aPlus·λ (LTP read at q − d = 13)
    const up2 = pair({ dt: 1, preScheme: 'izhikevich-net', postScheme: 'izhikevich-net', preKick: '10', postKick: '14', plastic: rule({ weight: 9.95 }) });
    up2.run(50);
    expect(9.95 + bias + decayed(aPlus, 0.95, 1)).toBeGreaterThan(10);
    expect(weightOf(up2)).toBe(10);
    const down = pair({ dt: 1, preScheme: 'izhikevich-net', postScheme: 'izhikevich-net', preKick: '14', postKick: '10', plastic: rule({ weight: 0.05 }) });
    down.run(50);
    expect(0.05 + bias - decayed(aMinus, 0.95, 18 - 12)).toBeLessThan(0);
    expect(weightOf(down)).toBe(0);
    // other bounds
    const low = pair({ dt: 1, preScheme: 'izhikevich-net', postScheme: 'izhikevich-net', preKick: '14', postKick: '10', plastic: rule({ weight: 1.05, wMin: 1, wMax: 3 }) });
    low.run(50);
    expect(weightOf(low)).toBe(1);
  });

  it('refuses negative weights: only excitatory synapses learn', () => {
    expect(() => pair({ dt: 1, preScheme: 'izhikevich-net', postScheme: 'izhikevich-net', preKick: '10', postKick: '20', plastic: rule({ weight: -1 }) })).toThrow(/excitatory/);
  });
});

describe('stdp on two neurons', () => {
  const rule = (fields: Record<string, unknown> = {}) => ({ weight: 5, delay: 2, plasticity: 'stdp', ...fields });
  const aPlus = 0.1, aMinus = -0.12, tau = 20;

  it('pre before post potentiates by aPlus·exp(−Δ dt/τ+) at the post spike', () => {
    const dt = 0.5;
    const network = pair({ dt, preScheme: 'izhikevich', postScheme: 'izhikevich', preKick: '5', postKick: '12', plastic: rule({ delay: 1 }) });
    network.run(40);
    const p = firesAt(10, 'izhikevich');
    const q = firesAt(24, 'izhikevich');
    expect(spikeSteps(network, 'spikesPre')).toEqual([p]);
    expect(spikeSteps(network, 'spikesPost')).toEqual([q]);
    const arrival = p + 2;
    expect(weightOf(network)).toBe(5 + aPlus * Math.exp((-(q - arrival) * dt) / tau));
    expect(weightOf(network)).toBeGreaterThan(5);
  });

  it('post before pre depresses by aMinus·exp(−Δ dt/τ−) at the arrival, after delivering the old weight', () => {
    const network = pair({ dt: 1, preScheme: 'izhikevich', postScheme: 'izhikevich', preKick: '20', postKick: '10', plastic: rule() });
    network.run(40);
    const q = firesAt(10, 'izhikevich');
    const p = firesAt(20, 'izhikevich');
    expect(spikeSteps(network, 'spikesPost')).toEqual([q]);
    expect(spikeSteps(network, 'spikesPre')).toEqual([p]);
    const arrival = p + 2;
    expect(inputSteps(network, 'inPost').filter(([k]) => k === arrival)).toEqual([[arrival, 5]]);
    expect(weightOf(network)).toBe(5 + aMinus * Math.exp((-(arrival - q) * 1) / tau));
    expect(weightOf(network)).toBeLessThan(5);
  });

  it('same-step arrival: potentiation for a single-step target, depression for a half-step target', () => {
    // single-step: the arrival (deliver phase) comes before the spike (integrate phase)
    const single = pair({ dt: 1, preScheme: 'izhikevich', postScheme: 'izhikevich', preKick: '10', postKick: '12', plastic: rule() });
    single.run(30);
    expect(spikeSteps(single, 'spikesPost')).toEqual([spikeSteps(single, 'spikesPre')[0] + 2]);
    expect(weightOf(single)).toBe(5 + aPlus);
    // half-step: the spike (fire phase) comes before the arrival
    const half = pair({ dt: 1, preScheme: 'izhikevich', postScheme: 'izhikevich-net', preKick: '10', postKick: '11', plastic: rule() });
    half.run(30);
    expect(spikeSteps(half, 'spikesPost')).toEqual([spikeSteps(half, 'spikesPre')[0] + 2]);
    expect(weightOf(half)).toBe(5 + aMinus);
  });

  it('clips to wMax and wMin', () => {
    const up = pair({ dt: 1, preScheme: 'izhikevich', postScheme: 'izhikevich', preKick: '10', postKick: '12', plastic: rule({ weight: 9.95 }) });
    up.run(30);
    expect(weightOf(up)).toBe(10);
    const down = pair({ dt: 1, preScheme: 'izhikevich', postScheme: 'izhikevich-net', preKick: '10', postKick: '11', plastic: rule({ weight: 0.05 }) });
    down.run(30);
    expect(weightOf(down)).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  compileExpression, compileNetwork, clocksOf, ConfigError, createSource, findPreset, lastStepOf, Network, NeuronGroup,
  normalizeClock, normalizeNeuron, normalizeSource, normalizeStateMonitor, Random, Simulation, PRESETS,
  type FlowNode, type NetworkDescription, type RunEvent,
} from '../lib';
import { REFERENCE, simulateReference } from './reference';
import { FakeTimers } from './support/fake-timers';

/** One neuron fed by the given sources, with a spike monitor "spikes" and a state monitor "trace". */
function single(neuron: Record<string, unknown>, inputs: Array<Record<string, unknown>>, dt: number, state: Record<string, unknown> = { variables: 'v,u,I', indices: '0' }): NetworkDescription {
  return {
    dt,
    populations: [{ id: 'n', name: 'n', spec: normalizeNeuron(neuron) }],
    sources: inputs.map((s, i) => ({ id: `s${i}`, name: `s${i}`, spec: normalizeSource(s), targets: ['n'] })),
    spikeMonitors: [{ id: 'spikes', name: 'spikes', population: 'n' }],
    stateMonitors: [{ id: 'trace', name: 'trace', population: 'n', spec: normalizeStateMonitor(state) }],
  };
}

function runPreset(code: string, scheme = 'izhikevich', dtFactor = 1) {
  const preset = findPreset(code)!;
  const dt = preset.clock.dt * dtFactor;
  const network = new Network(single({ ...preset.neuron, scheme }, preset.inputs, dt));
  network.run(lastStepOf(preset.clock.duration, dt) + 1);
  return network;
}

describe('validation', () => {
  it('names the field and the value', () => {
    expect(() => normalizeNeuron({ a: 'abc', b: 0.2, c: -65, d: 8 })).toThrow('a must be a number (got "abc")');
    expect(() => normalizeNeuron({ a: 0.02, b: NaN, c: -65, d: 8 })).toThrow('b must be a finite number (got NaN)');
    expect(() => normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: Infinity })).toThrow(/d must be a finite number/);
    expect(() => normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, size: 0 })).toThrow('size must be at least 1 (got 0)');
    expect(() => normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, size: 1e12 })).toThrow(/size must be at most/);
    expect(() => normalizeNeuron({ a: 0.02, b: 0.2, c: 40, d: 8 })).toThrow(/c must be below the spike peak/);
    expect(() => normalizeClock({ dt: 0, duration: 100 })).toThrow('dt must be greater than 0 (got 0)');
    expect(() => normalizeClock({ dt: 1, duration: -5 })).toThrow('duration must be greater than 0 (got -5)');
    expect(() => normalizeClock({ dt: 10, duration: 5 })).toThrow('dt must not be larger than the duration (5 ms) (got 10)');
    expect(() => normalizeClock({ dt: 0.1, duration: '' })).toThrow(/must be set for a batch run/);
    expect(normalizeClock({ dt: '0.25', duration: '100' })).toMatchObject({ dt: 0.25, duration: 100, mode: 'batch' });
    expect(() => normalizeSource({ kind: 'step', amplitude: 1, onset: 10, offset: 5 })).toThrow(/offset must be later than the onset/);
    expect(() => normalizeSource({ kind: 'wobble' })).toThrow(/kind must be one of/);
    expect(() => normalizeStateMonitor({ variables: 'v,w' })).toThrow(/variables must be one of v, u, I \(got "w"\)/);
  });

  it('fills the published defaults', () => {
    const spec = normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, v0: -70 });
    expect(spec.params).toMatchObject({ form: '2003', k1: 0.04, k2: 5, k3: 140, vpeak: 30, u0: -14, recovery: 'standard' });
    expect(spec.scheme).toBe('izhikevich');
  });
});

describe('the published scheme', () => {
  it.each(['A', 'RS', 'R', 'G'])('reproduces pattern %s spike for spike', (code) => {
    const network = runPreset(code);
    const expected = simulateReference(REFERENCE[code]);
    expect(network.spikeMonitors.get('spikes')!.result().times).toEqual(expected.spikes);
    expect(network.stateMonitors.get('trace')!.result().v![0]).toEqual(expected.v);
  });

  it('updates u from the new v, while euler uses the old one', () => {
    const params = { a: 0.1, b: 0.2, c: -65, d: 2, v0: -60, u0: -12 };
    const published = new NeuronGroup(normalizeNeuron(params));
    const euler = new NeuronGroup(normalizeNeuron({ ...params, scheme: 'euler' }));
    published.step(0, 1, 5, null);
    euler.step(0, 1, 5, null);
    const v1 = -60 + 1 * (0.04 * 3600 + 5 * -60 + 140 + 12 + 5);
    expect(published.v[0]).toBe(v1);
    expect(euler.v[0]).toBe(v1);
    expect(published.u[0]).toBeCloseTo(-12 + 0.1 * (0.2 * v1 + 12), 12);
    expect(euler.u[0]).toBeCloseTo(-12 + 0.1 * (0.2 * -60 + 12), 12);
  });

  it('rk4 converges to the fine-grained solution faster than euler', () => {
    // first spike of RS: a very fine izhikevich run is the yardstick
    const first = (scheme: string, factor: number) => runPreset('RS', scheme, factor).spikeMonitors.get('spikes')!.result().times[0];
    const truth = first('rk4', 1 / 64);
    expect(Math.abs(first('rk4', 1 / 4) - truth)).toBeLessThan(Math.abs(first('euler', 1 / 4) - truth));
    expect(Math.abs(first('rk4', 1 / 4) - truth)).toBeLessThan(0.1);
  });

  it('records the peak at the spike step and the input current', () => {
    const network = runPreset('A');
    const trace = network.stateMonitors.get('trace')!.result();
    const spikes = network.spikeMonitors.get('spikes')!.result().times;
    const atSpike = trace.t.indexOf(spikes[0]);
    expect(trace.v![0][atSpike]).toBe(30);
    expect(trace.v![0][atSpike + 1]).toBeLessThan(-50);
    expect(trace.I![0][trace.t.indexOf(10)]).toBe(0);
    expect(trace.I![0][trace.t.indexOf(10.25)]).toBe(14);
  });
});

describe('the 2007 form', () => {
  it('fires the book RS cell tonically at 100 pA', () => {
    const times = runPreset('book RS').spikeMonitors.get('spikes')!.result().times;
    expect(times.length).toBeGreaterThan(3);
    expect(times[0]).toBeGreaterThan(50);
  });

  it('applies the special rules: cap on u, cubic recovery, b switch', () => {
    const lts = new NeuronGroup(normalizeNeuron({ ...findPreset('book LTS')!.neuron, u0: 669 }));
    lts.v[0] = 100; // far above the peak
    lts.step(0, 0.1, 0, null);
    expect(lts.spikeCount).toBe(1);
    expect(lts.u[0]).toBe(670);
    const fs = new NeuronGroup(normalizeNeuron(findPreset('book FS')!.neuron));
    fs.step(0, 0.1, 0, null); // v = vr = -55 = vb: U(v) = 0, u stays 0
    expect(fs.u[0]).toBe(0);
    const tc = normalizeNeuron(findPreset('book TC')!.neuron);
    expect(tc.params).toMatchObject({ bSwitchV: -65, bAbove: 0, peakU: 0.1, resetU: -0.1 });
  });

  it('has a preset for all 28 patterns and the 7 book cells (9 presets)', () => {
    expect(PRESETS.filter((p) => p.group !== 'book').map((p) => p.code).sort()).toEqual(Object.keys(REFERENCE).sort());
    expect(PRESETS.filter((p) => p.group === 'book')).toHaveLength(9); // the 7 cells, TC and RTN in tonic and burst mode
    for (const preset of PRESETS) {
      expect(() => normalizeNeuron(preset.neuron)).not.toThrow();
      for (const input of preset.inputs) expect(() => normalizeSource(input)).not.toThrow();
    }
  });
});

describe('current sources', () => {
  const at = (spec: Record<string, unknown>, t: number) => createSource(normalizeSource(spec)).value(t);

  it('honours open and closed windows exactly at the edges', () => {
    expect([at({ kind: 'step', amplitude: 5, onset: 10 }, 10), at({ kind: 'step', amplitude: 5, onset: 10 }, 10.25)]).toEqual([0, 5]);
    const closed = { kind: 'step', amplitude: 75, baseline: 80, onset: 50, offset: 250, edges: 'closed' };
    expect([at(closed, 49.5), at(closed, 50), at(closed, 250), at(closed, 250.5)]).toEqual([80, 75, 75, 80]);
  });

  it('gives pulse trains from a list or a period', () => {
    const list = { kind: 'pulses', amplitude: 1, baseline: 0.5, width: 4, times: '40, 60' };
    expect([39, 40, 41, 44, 59, 62].map((t) => at(list, t))).toEqual([0.5, 0.5, 1, 0.5, 0.5, 1]);
    const periodic = { kind: 'pulses', amplitude: 2, width: 1, start: 10, period: 5, count: 2 };
    expect([10.5, 12, 15.5, 20.5].map((t) => at(periodic, t))).toEqual([2, 0, 2, 0]);
  });

  it('gives ramps, sines, tables and expressions', () => {
    expect(at({ kind: 'ramp', slope: 0.5, baseline: -1, onset: 10 }, 14)).toBe(1);
    expect(at({ kind: 'sine', amplitude: 2, frequency: 250, baseline: 1 }, 1)).toBeCloseTo(3, 12);
    expect(at({ kind: 'table', table: '0, 0\n10, 10' }, 2.5)).toBe(2.5);
    expect(at({ kind: 'table', table: [[0, 0], [10, 10]], interpolation: 'hold' }, 9)).toBe(0);
    expect(at({ kind: 'expression', expression: '20 * (t >= 10)' }, 10)).toBe(20);
  });

  it('draws seeded noise: same seed same values, different neurons different values', () => {
    const draw = (seed: number) => {
      const out = new Float64Array(3);
      createSource(normalizeSource({ kind: 'noise', mean: 1, std: 2, seed })).addTo(out, 0);
      return Array.from(out);
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(new Set(draw(7)).size).toBe(3);
    const r = new Random(1);
    const samples = Array.from({ length: 20000 }, () => r.gaussian());
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const variance = samples.reduce((s, x) => s + (x - mean) ** 2, 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('refuses bad tables', () => {
    expect(() => normalizeSource({ kind: 'table', table: '[[0,1],[0,2]]' })).toThrow(/table\[1\]\.t must be later/);
    expect(() => normalizeSource({ kind: 'table', table: '[[0' })).toThrow(/not valid JSON/);
  });
});

describe('expressions stay inside their sandbox', () => {
  it.each([
    ['import({x: 1})', /function import/],
    ['createUnit("foo")', /function createUnit/],
    ['evaluate("1+1")', /function evaluate/],
    ['parse("1")', /function parse/],
    ['f(x) = x', /function definition/],
    ['t.constructor', /property access/],
    ['x = 3', /assignment/],
    ['process', /unknown symbol "process"/],
    ['"a"', /only contain numbers/],
    ['1 +', /does not parse/],
    ['y + 1', /unknown symbol "y"/],
    ['sqrt(-1 - t)', /finite number/],
  ])('refuses %s', (text, message) => {
    expect(() => compileExpression(text)).toThrow(message);
    expect(() => compileExpression(text)).toThrow(ConfigError);
  });

  it('evaluates piecewise expressions with the exact arithmetic of the text', () => {
    const r = compileExpression('t < 200 ? t/25 : (300 <= t and t < 312.5 ? (t-300)/12.5*4 : 0)');
    expect(r.evaluate(199.5)).toBe(199.5 / 25);
    expect(r.evaluate(305.5)).toBe(((305.5 - 300) / 12.5) * 4);
    expect(r.evaluate(250)).toBe(0);
  });
});

describe('monitors', () => {
  it('samples every k-th step for chosen neurons within a budget', () => {
    const description = single({ a: 0.02, b: 0.2, c: -65, d: 8, size: 3 }, [{ kind: 'constant', amplitude: 10 }], 0.5, { variables: 'v', indices: '0,2', every: 4, maxValues: 20 });
    const network = new Network(description);
    network.run(41);
    const trace = network.stateMonitors.get('trace')!.result();
    expect(trace.t).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(trace.indices).toEqual([0, 2]);
    expect(trace.v).toHaveLength(2);
    expect(trace.truncated).toBe(true);
    expect(trace.dt).toBe(2);
  });

  it('counts spikes per neuron, rates and chunks', () => {
    const network = runPreset('A');
    const monitor = network.spikeMonitors.get('spikes')!;
    const result = monitor.result();
    expect(result.counts).toEqual([result.total]);
    expect(result.rates![0]).toBeCloseTo(result.total / 0.10025, 9);
    expect(monitor.takeChunk().times).toEqual(result.times);
    expect(monitor.takeChunk().times).toEqual([]);
  });
});

describe('network', () => {
  it('gives identical results for identical input, in one go or in chunks', () => {
    const preset = findPreset('C')!;
    const description = single(preset.neuron, [...preset.inputs, { kind: 'noise', std: 3, seed: 42 }], preset.clock.dt);
    const whole = new Network(description);
    whole.run(881);
    const chunked = new Network(description);
    for (let done = 0; done < 881; done += 100) chunked.run(Math.min(100, 881 - done));
    expect(chunked.spikeMonitors.get('spikes')!.result()).toEqual(whole.spikeMonitors.get('spikes')!.result());
    whole.reset();
    whole.run(881);
    expect(whole.spikeMonitors.get('spikes')!.result()).toEqual(chunked.spikeMonitors.get('spikes')!.result());
  });

  it('applies a new source from the next step', () => {
    const network = new Network(single({ a: 0.02, b: 0.2, c: -65, d: 8 }, [{ kind: 'constant', amplitude: 10 }], 1));
    network.run(5);
    network.setSource('s0', normalizeSource({ kind: 'constant', amplitude: 3 }));
    network.run(2);
    expect(network.stateMonitors.get('trace')!.result().I![0]).toEqual([10, 10, 10, 10, 10, 3, 3]);
  });

  it('sums several sources and feeds one source into several neurons', () => {
    const description: NetworkDescription = {
      dt: 1,
      populations: [
        { id: 'x', name: 'x', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8 }) },
        { id: 'y', name: 'y', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8 }) },
      ],
      sources: [
        { id: 'p', name: 'p', spec: normalizeSource({ kind: 'constant', amplitude: 2 }), targets: ['x', 'y'] },
        { id: 'q', name: 'q', spec: normalizeSource({ kind: 'constant', amplitude: 3 }), targets: ['x'] },
      ],
      spikeMonitors: [],
      stateMonitors: ['x', 'y'].map((id) => ({ id, name: id, population: id, spec: normalizeStateMonitor({ variables: 'I' }) })),
    };
    const network = new Network(description);
    network.run(1);
    expect(network.stateMonitors.get('x')!.result().I![0]).toEqual([5]);
    expect(network.stateMonitors.get('y')!.result().I![0]).toEqual([2]);
  });
});

describe('compiler', () => {
  const flow = (): FlowNode[] => [
    { id: 'clk', type: 'izh-clock', dt: 0.25, duration: 100, wires: [['src'], ['dbg']] },
    { id: 'src', type: 'izh-source', kind: 'step', amplitude: 14, onset: 10, wires: [['neu']] },
    { id: 'neu', type: 'izh-neuron', name: 'A', form: '2003', params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, wires: [['spk', 'dbg'], []] },
    { id: 'spk', type: 'izh-spike-monitor', wires: [['dbg']] },
    { id: 'lonely', type: 'izh-neuron', params: { a: 0.02, b: 0.2, c: -65, d: 6 }, wires: [[], []] },
    { id: 'dbg', type: 'debug', wires: [] },
  ];

  it('finds the network of a clock through its wires', () => {
    const compiled = compileNetwork(flow(), 'clk');
    expect([...compiled.members.keys()].sort()).toEqual(['clk', 'neu', 'spk', 'src']);
    expect(compiled.description.sources[0].targets).toEqual(['neu']);
    expect(compiled.description.spikeMonitors[0].population).toBe('neu');
    expect(clocksOf(flow(), 'spk')).toEqual(['clk']);
    expect(clocksOf(flow(), 'lonely')).toEqual([]);
  });

  it('names the node, the field and the value of a problem', () => {
    const bad = flow();
    (bad[2].params as Record<string, unknown>).a = 'fast';
    expect(() => compileNetwork(bad, 'clk')).toThrow('neuron "A": a must be a number (got "fast")');
    const loop = flow();
    loop[2].wires = [['spk', 'lonely'], []];
    expect(() => compileNetwork(loop, 'clk')).toThrow(/wires cannot lead from a neuron to a neuron: put a synapse node between them/);
    const twoClocks = [...flow(), { id: 'clk2', type: 'izh-clock', dt: 1, duration: 10, wires: [['neu']] }];
    expect(() => compileNetwork(twoClocks, 'clk')).toThrow(/a network has exactly one clock/);
  });

  it('ignores disabled nodes', () => {
    const nodes = flow();
    nodes[3].d = true;
    expect(compileNetwork(nodes, 'clk').description.spikeMonitors).toHaveLength(0);
  });
});

describe('simulation', () => {
  /** Pattern A on a clock whose time and scheduling are fake timers: nothing here depends on the machine's speed. */
  const build = (mode: 'batch' | 'realtime', duration: number | string, speed = 1000) => {
    const preset = findPreset('A')!;
    const network = new Network(single(preset.neuron, preset.inputs, preset.clock.dt));
    const events: RunEvent[] = [];
    const chunks: number[] = [];
    const timers = new FakeTimers();
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration, mode, speed, interval: 10 }), {
      onEvent: (e) => events.push(e),
      onChunk: () => chunks.push(network.time),
    }, timers);
    return { network, simulation, events, chunks, timers };
  };

  it('runs a batch to the end of the grid and reports it', () => {
    const { network, simulation, events, timers } = build('batch', 100);
    simulation.start();
    expect(network.nextStep).toBe(0); // the work is done in slices, not inside start()
    timers.drain();
    expect(events.map((e) => e.event)).toEqual(['started', 'finished']);
    expect(events[1]).toMatchObject({ t: 100, steps: 401 });
    expect(network.spikeMonitors.get('spikes')!.result().times).toEqual(simulateReference(REFERENCE.A).spikes);
    expect(timers.scheduled).toBe(0);
  });

  it('continues the grid with run-for-N-ms', () => {
    const { network, simulation, events, timers } = build('batch', 100);
    simulation.runFor(50);
    timers.drain();
    expect(network.nextStep).toBe(201);
    simulation.runFor(50);
    timers.drain();
    expect(events.map((e) => e.event)).toEqual(['started', 'finished', 'resumed', 'finished']);
    expect(network.nextStep).toBe(401);
    expect(network.spikeMonitors.get('spikes')!.result().times).toEqual(simulateReference(REFERENCE.A).spikes);
  });

  it('pauses, resumes and stops a real-time run, leaving no timer behind', () => {
    const { network, simulation, events, chunks, timers } = build('realtime', 100, 0.5);
    simulation.start();
    timers.advance(40);
    // half a simulated ms per wall ms: 20 ms simulated after 40 ms, one chunk every 10 ms
    expect(chunks).toEqual([5, 10, 15, 20]);
    simulation.pause();
    expect(events.at(-1)).toMatchObject({ event: 'paused', t: 20 });
    expect(timers.scheduled).toBe(0);
    timers.advance(40);
    expect(network.time).toBe(20);
    simulation.resume();
    // pacing starts again from the pause: no catching up on the 40 ms spent paused
    timers.advance(10);
    expect(network.time).toBe(25);
    simulation.stop();
    expect(timers.scheduled).toBe(0);
    expect(events.map((e) => e.event)).toEqual(['started', 'paused', 'resumed', 'stopped']);
    expect(events.at(-1)).toMatchObject({ t: 25, wallMs: 50 });
    expect(simulation.state).toBe('done');
  });

  it('runs an open-ended real-time run until stopped, in chunks', () => {
    const { network, simulation, events, chunks, timers } = build('realtime', '', 100);
    simulation.start();
    timers.advance(60);
    // 100 simulated ms per wall ms, a chunk every 10 ms of wall time
    expect(chunks).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(simulation.state).toBe('running');
    simulation.stop();
    expect(network.time).toBe(6000);
    expect(timers.scheduled).toBe(0);
    expect(events.map((e) => e.event)).toEqual(['started', 'stopped']);
  });

  it('reports a failure during the run as an error event', () => {
    const network = new Network(single({ a: 0.02, b: 0.2, c: -65, d: 6 }, [{ kind: 'expression', expression: 't < 5 ? 1 : log(-t)' }], 1));
    const events: RunEvent[] = [];
    const timers = new FakeTimers();
    const simulation = new Simulation(network, normalizeClock({ dt: 1, duration: 10 }), { onEvent: (e) => events.push(e) }, timers);
    simulation.start();
    timers.drain();
    expect(events.map((e) => e.event)).toEqual(['started', 'error']);
    expect(events[1].error).toMatch(/at t = 5 ms/);
    expect(simulation.state).toBe('done');
    expect(timers.scheduled).toBe(0);
  });
});

describe('stepping', () => {
  it('resumes a stepped run up to the configured duration', () => {
    const preset = findPreset('A')!;
    const network = new Network(single(preset.neuron, preset.inputs, preset.clock.dt));
    const events: RunEvent[] = [];
    const timers = new FakeTimers();
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: 100 }), { onEvent: (e) => events.push(e) }, timers);
    simulation.step(40);
    expect(network.nextStep).toBe(40);
    simulation.resume();
    timers.drain();
    expect(events.map((e) => e.event)).toEqual(['resumed', 'finished']);
    expect(network.nextStep).toBe(401);
    expect(network.spikeMonitors.get('spikes')!.result().times).toEqual(simulateReference(REFERENCE.A).spikes);
  });
});

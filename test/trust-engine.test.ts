/**
 * The engine's side of "trust": nothing recorded vanishes unannounced, a state that stops being
 * finite ends the run with a clear error, long step commands and big results never block the
 * event loop in one piece, and the timing logic of a Simulation, tested on fake timers.
 */
import { describe, expect, it } from 'vitest';
import { checkRunMemory } from '../lib/engine/budget';
import { normalizeStateMonitor } from '../lib/engine/monitors';
import { Network, type NetworkDescription } from '../lib/engine/network';
import { normalizeNeuron } from '../lib/engine/neuron';
import { normalizeClock, Simulation, SYNC_STEP_WORK, type RunEvent } from '../lib/engine/simulation';
import { finishInSlices, finishNow } from '../lib/engine/slices';
import { normalizeSource } from '../lib/engine/sources';
import { ConfigError } from '../lib/engine/validate';
import { FakeTimers } from './support/fake-timers';
import { REFERENCE, simulateReference } from './reference';

const PATTERN_A = simulateReference(REFERENCE.A);

/** Pattern A's neuron in a population of `size`, fed 14 from t > 10, with a spike and a state monitor. */
function patternA(size = 1, monitors: { window?: number | null; state?: Record<string, unknown> } = {}, neuron: Record<string, unknown> = {}): NetworkDescription {
  return {
    dt: 0.25,
    populations: [{ id: 'n', name: 'A', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 6, v0: -70, size, ...neuron }) }],
    sources: [{ id: 's', name: 's', spec: normalizeSource({ kind: 'step', amplitude: 14, onset: 10 }), targets: ['n'] }],
    spikeMonitors: [{ id: 'spikes', name: 'spikes', population: 'n', spec: { window: monitors.window ?? null } }],
    stateMonitors: [{ id: 'trace', name: 'trace', population: 'n', spec: { ...normalizeStateMonitor({ variables: 'v,I', indices: '0', ...monitors.state }), window: monitors.window ?? null } }],
  };
}

describe('live chunks of a monitor with a window', () => {
  it('say how many samples and spikes the window dropped before they were handed out', () => {
    // the case: window 10 ms, dt 0.5, a 100 ms run, then one chunk
    const network = new Network({ ...patternA(1, { window: 10 }), dt: 0.5 });
    network.run(201);
    const chunk = network.stateMonitors.get('trace')!.takeChunk();
    expect(chunk.dropped).toBeGreaterThan(0);
    expect(chunk.t.length + chunk.dropped!).toBe(201);
    // what was handed out is the end of the run, in order
    expect(chunk.t).toEqual(Array.from({ length: chunk.t.length }, (_, i) => (201 - chunk.t.length + i) * 0.5));
    const spikes = network.spikeMonitors.get('spikes')!.takeChunk();
    expect(spikes.times.length + (spikes.dropped ?? 0)).toBe(network.spikeMonitors.get('spikes')!.total);
    expect(spikes.dropped).toBeGreaterThan(0);
    // the next chunk starts where this one ended and drops nothing
    network.run(4);
    const next = network.stateMonitors.get('trace')!.takeChunk();
    expect(next.t).toEqual([100.5, 101, 101.5, 102]);
    expect(next.dropped).toBeUndefined();
  });

  it('drop nothing while chunks are taken within the window', () => {
    const network = new Network({ ...patternA(1, { window: 10 }), dt: 0.5 });
    let handedOut = 0;
    for (let i = 0; i < 40; i++) {
      network.run(5);
      const chunk = network.stateMonitors.get('trace')!.takeChunk();
      expect(chunk.dropped).toBeUndefined();
      handedOut += chunk.t.length;
    }
    expect(handedOut).toBe(200);
  });
});

describe('a state that stops being finite', () => {
  it.each([
    ['u0', { u0: 1e300 }],
    ['vpeak', { vpeak: 1e300 }],
  ])('(%s) ends the run with an error naming the neuron and the step', (_field, neuron) => {
    const network = new Network(patternA(1, {}, neuron));
    expect(() => network.run(401)).toThrow(/^neuron "A": neuron 0 left the range of finite numbers at step \d+ \(t = [\d.]+ ms\) \(v = /);
    // the steps before the failing one stand, and every recorded value is a number
    const trace = network.stateMonitors.get('trace')!.result();
    expect(trace.v![0].every(Number.isFinite)).toBe(true);
    expect(network.nextStep).toBe(trace.t.length);
  });

  it('names the neuron of a population and fails the simulation with an error event', () => {
    const description = patternA(3);
    description.populations[0].spec.params.u0 = 0;
    const network = new Network(description);
    const events: RunEvent[] = [];
    const timers = new FakeTimers();
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: 100 }), { onEvent: (e) => events.push(e) }, timers);
    simulation.start();
    network.populations.get('n')!.u[2] = 1e300; // after start(), which reset the state
    timers.drain();
    expect(events.map((e) => e.event)).toEqual(['started', 'error']);
    expect(events[1].error).toMatch(/^neuron "A": neuron 2 left the range of finite numbers at step 1 /);
  });
});

describe('step commands', () => {
  const big = () => new Network(patternA(2000, { state: { indices: 'all', maxValues: 1e9 } }));

  it('compute a short step at once, as before', () => {
    const network = new Network(patternA());
    const timers = new FakeTimers();
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: 100 }), {}, timers);
    simulation.step(40);
    expect(network.nextStep).toBe(40);
    expect(simulation.state).toBe('paused');
    expect(timers.scheduled).toBe(0);
  });

  it('run a long step in slices, counting recording as work, and pause at its end', () => {
    const network = big();
    // 2000 neurons plus 4000 recorded values a step
    expect(network.workPerStep()).toBe(6000);
    const events: RunEvent[] = [];
    const timers = new FakeTimers();
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: 100 }), { onEvent: (e) => events.push(e) }, timers);
    const steps = Math.ceil((2 * SYNC_STEP_WORK) / 6000);
    simulation.step(steps);
    expect(network.nextStep).toBe(0); // nothing computed inside the command itself
    expect(simulation.state).toBe('running');
    timers.drain();
    expect(network.nextStep).toBe(steps);
    expect(simulation.state).toBe('paused');
    expect(timers.turns).toBeGreaterThan(1);
    expect(events.map((e) => e.event)).toEqual(['started', 'paused']);
    // and it is the same run: resume goes on to the clock's duration
    simulation.resume();
    timers.drain();
    expect(network.nextStep).toBe(401);
    const { times, indices } = network.spikeMonitors.get('spikes')!.result();
    expect(times.filter((_, k) => indices[k] === 0)).toEqual(PATTERN_A.spikes);
  });

  it('may be paused or stopped while they run in slices', () => {
    const network = big();
    const timers = new FakeTimers();
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: 100 }), {}, timers);
    simulation.step(300);
    expect(() => simulation.step(1)).toThrow(/cannot be stepped while the clock runs/);
    simulation.stop();
    expect(simulation.state).toBe('done');
    expect(timers.scheduled).toBe(0);
  });

  it('are checked for memory by the steps they ask for, not by the clock duration', () => {
    const network = new Network(patternA(1, { state: { maxValues: 1000 } }));
    const asked: number[] = [];
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: 100 }), {
      checkSteps: (steps) => {
        asked.push(steps);
        checkRunMemory(network.description, steps);
      },
    }, new FakeTimers());
    simulation.step(400); // 800 values: fits
    expect(() => simulation.step(200)).toThrow(ConfigError);
    expect(() => simulation.step(200)).toThrow(/maxValues is too small: a run of 600 steps records 1,200 values/);
    expect(() => simulation.runFor(100)).toThrow(/maxValues is too small/);
    expect(asked).toEqual([400, 600, 600, 800]);
    expect(network.nextStep).toBe(400);
  });
});

describe('end-of-run results', () => {
  it('are built a slice at a time, identical to the result at once', async () => {
    const network = new Network(patternA(50));
    network.run(401);
    const monitor = network.spikeMonitors.get('spikes')!;
    const job = monitor.snapshot();
    let slices = 0;
    while (!job.work(100)) slices++;
    expect(slices).toBeGreaterThan(2);
    expect(job.value).toEqual(monitor.result());
    const trace = network.stateMonitors.get('trace')!;
    expect(await finishInSlices(trace.snapshot(), 7)).toEqual(trace.result());
  });

  it('stay as they were taken while the network goes on or is reset', () => {
    const network = new Network(patternA(1));
    network.run(201);
    const spikes = network.spikeMonitors.get('spikes')!.snapshot();
    const trace = network.stateMonitors.get('trace')!.snapshot();
    network.run(200);
    network.reset();
    network.run(10);
    const result = finishNow(spikes);
    expect(result.times).toEqual(PATTERN_A.spikes.filter((t) => t <= 50));
    expect(result.t1).toBe(50);
    expect(finishNow(trace).v![0]).toEqual(PATTERN_A.v.slice(0, 201));
  });
});

describe('Simulation timing, on fake timers', () => {
  it('paces a real-time run by the wall clock: one chunk per interval, simulated time = wall time × speed', () => {
    const network = new Network(patternA());
    const timers = new FakeTimers();
    const chunks: number[] = [];
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: 100, mode: 'realtime', speed: 2, interval: 10 }), {
      onChunk: () => chunks.push(network.time),
    }, timers);
    simulation.start();
    timers.advance(50);
    // at wall t = 10, 20, ... ms the network reached simulated 2 × t
    expect(chunks).toEqual([20, 40, 60, 80, 100]);
    expect(simulation.state).toBe('done');
  });

  it('reports progress at most once a second of wall time', () => {
    const network = new Network(patternA());
    const timers = new FakeTimers();
    const events: RunEvent[] = [];
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: '', mode: 'realtime', speed: 0.01, interval: 100 }), {
      onEvent: (e) => events.push(e),
    }, timers);
    simulation.start();
    timers.advance(3050);
    simulation.stop();
    expect(events.map((e) => e.event)).toEqual(['started', 'progress', 'progress', 'progress', 'stopped']);
    expect(events[1].wallMs).toBe(1000);
  });

  it('lets simulated time slip when the network falls behind, instead of piling up work', () => {
    const network = new Network(patternA(1000));
    const timers = new FakeTimers();
    const chunks: number[] = [];
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: '', mode: 'realtime', speed: 1, interval: 10 }), {
      onChunk: () => chunks.push(network.nextStep),
    }, timers);
    simulation.start();
    timers.advance(10);
    // the process was suspended for 10 s: the next chunk computes a bounded amount, not 40,000 steps
    timers.time += 10_000;
    timers.advance(10);
    timers.advance(10);
    simulation.stop();
    // six slices of about 200,000 neuron updates each at most
    expect(chunks[1] - chunks[0]).toBe(6 * Math.floor(200_000 / network.workPerStep()));
    // and pacing starts again from there: the next chunk is one interval's worth
    expect(chunks[2] - chunks[1]).toBe(40);
  });
});

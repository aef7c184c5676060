/**
 * The clock under a flood of commands, inside a real Node-RED runtime (issue 8, item 8):
 * commands that wait for a clock are bounded and refused beyond the bound with a labelled error;
 * a start that does not compile leaves the last run as it was; a start of the same shape reuses
 * the network and still gives what a fresh one gives.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Network } from '../lib/engine/network';
import { lastStepOf } from '../lib/engine/simulation';
import { compileNetwork, type FlowNode } from '../lib/flow/compiler';
import { MAX_WAITING_COMMANDS } from '../nodes/izh-clock';
import { errorsOf, finished, next, nextCall, NODES, PATTERN_A, patternA, type Flow, type Msg } from './flow-helpers';

helper.init(require.resolve('node-red'));

beforeAll(() => helper.startServer());
afterEach(() => {
  vi.restoreAllMocks();
  return helper.unload();
});
afterAll(() => helper.stopServer());

/** The spike times a fresh network of `flow` records over its clock's duration. */
function freshSpikes(flow: Flow): number[] {
  const compiled = compileNetwork(flow as FlowNode[], 'clock');
  const network = new Network(compiled.description);
  network.run(lastStepOf(compiled.clock.settings.duration, compiled.description.dt) + 1);
  return network.spikeMonitors.get('spikes')!.result().times;
}

describe('commands that wait for a clock', () => {
  it(`are at most ${MAX_WAITING_COMMANDS}: later ones are refused naming the clock, the field and the value; the others run in order`, async () => {
    await helper.load(NODES, patternA());
    const clock = helper.getNode('clock');
    // while the first run's results are being sent, 150 one-step commands arrive
    const trace = helper.getNode('trace');
    const send = trace.send.bind(trace);
    let asked = false;
    trace.send = (msg: Msg) => {
      send(msg);
      if (asked) return;
      asked = true;
      for (let i = 0; i < 150; i++) clock.receive({ payload: 'step', steps: 1 });
    };
    const firstEnd = next('events', finished);
    clock.receive({ payload: 'start' });
    await firstEnd;
    const refusal = `clock "clock": msg.payload was refused: ${MAX_WAITING_COMMANDS} commands are already waiting for this clock (a burst of commands takes turns with the rest of Node-RED, and commands wait while a run's results are being sent); send commands more slowly (got "step")`;
    expect(errorsOf('clock')).toEqual(Array(150 - MAX_WAITING_COMMANDS).fill(refusal));
    // the waiting ones ran, one step each, after the run's 401 steps
    const stopped = next('traceOut', (m) => m.event === 'stopped');
    clock.receive({ payload: 'stop' });
    const result = (await stopped).payload;
    expect(result.t.length).toBe(401 + MAX_WAITING_COMMANDS);
    expect(result.t[result.t.length - 1]).toBe((400 + MAX_WAITING_COMMANDS) * 0.25);
    expect(result.v[0].slice(0, 401)).toEqual(PATTERN_A.v);
  });
});

describe('a start that does not compile', () => {
  it('leaves the last run as it was: a paused run resumes to its end', async () => {
    await helper.load(NODES, patternA());
    const clock = helper.getNode('clock');
    clock.receive({ payload: 'step', steps: 10 }); // computed at once, then paused
    // 2,000,000 ms records 16 million values in the trace, more than its maxValues
    const refused = nextCall('clock', 'error');
    clock.receive({ payload: 'start', duration: 2e6 });
    expect(await refused).toMatch(/^state monitor "trace": maxValues is too small: a run of 2000000 ms records 16,000,002 values/);
    // the trace of the whole run, or the warning that there is nothing to resume
    const outcome = Promise.race([next('traceOut', (m) => m.event === 'finished').then((m) => m.payload.v[0]), nextCall('clock', 'warn')]);
    clock.receive({ payload: 'resume' });
    expect(await outcome).toEqual(PATTERN_A.v);
  });
});

describe('a start of the same shape', () => {
  it('reuses the network, with the parameters and sources of the moment, and gives what a fresh network gives', async () => {
    const flow = patternA({ spikes: { maxSpikes: 1000 } });
    await helper.load(NODES, flow);
    const clock = helper.getNode('clock');
    const setNeuron = vi.spyOn(Network.prototype, 'setNeuron');
    const run = async () => {
      const spikes = next('spikeOut', (m) => m.event === 'finished');
      clock.receive({ payload: 'start' });
      return (await spikes).payload.times;
    };
    expect(await run()).toEqual(PATTERN_A.spikes);
    expect(setNeuron).not.toHaveBeenCalled(); // the first start builds a network

    helper.getNode('neuron').receive({ payload: { d: 2, c: -50 } });
    const chattering = freshSpikes(patternA({ spikes: { maxSpikes: 1000 }, neuron: { params: { a: 0.02, b: 0.2, c: -50, d: 2, v0: -70 } } }));
    expect(chattering).not.toEqual(PATTERN_A.spikes);
    expect(await run()).toEqual(chattering);
    expect(setNeuron).toHaveBeenCalledWith('neuron', expect.objectContaining({ params: expect.objectContaining({ c: -50, d: 2 }) }));

    // a noise source, then the step again: the source is rebuilt from its spec, noise from its seed
    helper.getNode('source').receive({ payload: { kind: 'noise', mean: 12, std: 4, seed: 3 } });
    const noisy = freshSpikes(patternA({ spikes: { maxSpikes: 1000 }, neuron: { params: { a: 0.02, b: 0.2, c: -50, d: 2, v0: -70 } }, source: { kind: 'noise', mean: 12, std: 4, seed: 3 } }));
    expect(await run()).toEqual(noisy);
    expect(await run()).toEqual(noisy);
    helper.getNode('source').receive({ payload: { kind: 'step', amplitude: 14, onset: 10 } });
    helper.getNode('neuron').receive({ payload: { d: 6, c: -65 } });
    expect(await run()).toEqual(PATTERN_A.spikes);
    expect(errorsOf('clock')).toEqual([]);
  });
});

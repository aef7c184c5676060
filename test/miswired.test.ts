/**
 * A simulation wire (the first output of a clock, source, neuron, generator or synapse) carries
 * no messages: wired to an ordinary node it cuts the network apart. Such a wire is warned about
 * (log and a yellow status on the node it leaves), while ordinary nodes wired into our nodes'
 * inputs, the documented way in, get no warning.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { strayWireWarning, type FlowNode } from '../lib/flow/compiler';
import { callsOf, lastStatus, NODES, patternA, withPositions, type Flow } from './flow-helpers';

helper.init(require.resolve('node-red'));
beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

/** Pattern A with a function node spliced into the simulation wire from `from` to `to`. */
function spliced(from: string, to: string): Flow {
  const flow = patternA().map((n) => {
    if (n.id !== from) return n;
    const wires = (n.wires as string[][]).map((output, k) => (k === 0 ? output.map((id) => (id === to ? 'fn' : id)) : output));
    return { ...n, wires };
  });
  return withPositions([...flow, { id: 'fn', z: 'tab', type: 'function', name: 'pass through', func: 'return msg;', outputs: 1, wires: [[to]] }]);
}

describe('a simulation wire into an ordinary node', () => {
  it('between a clock and a source: the clock warns, naming the node and what to do', async () => {
    await helper.load([...NODES, (await import('@node-red/nodes/core/function/10-function.js')).default], spliced('clock', 'source'));
    const warnings = callsOf('clock', 'warn').map((args) => String(args[0]));
    expect(warnings).toEqual([
      'clock "clock": its first output is a simulation wire, which carries no messages, but it leads to function "pass through"; wire it to current source, neuron or spike generator (simulation nodes), and use the second output (run events) to send data to ordinary nodes',
    ]);
    expect(lastStatus('clock')).toMatchObject({ fill: 'yellow', text: 'output 1 feeds no node' });
  });

  it('between a source and a neuron: the source warns', async () => {
    await helper.load([...NODES, (await import('@node-red/nodes/core/function/10-function.js')).default], spliced('source', 'neuron'));
    expect(callsOf('source', 'warn').map((args) => String(args[0]))[0]).toMatch(/^current source "step": its first output is a simulation wire, .* leads to function "pass through"; wire it to neuron \(simulation nodes\)/);
    expect(lastStatus('source')).toMatchObject({ fill: 'yellow' });
    expect(callsOf('clock', 'warn')).toEqual([]);
  });

  it('is not a problem the other way round: ordinary nodes wired into our inputs get no warning', async () => {
    const flow = withPositions([...patternA(), { id: 'slider', z: 'tab', type: 'helper', wires: [['source', 'neuron', 'clock']] }]);
    await helper.load(NODES, flow);
    for (const id of ['clock', 'source', 'neuron', 'spikes', 'trace']) expect(callsOf(id, 'warn')).toEqual([]);
    expect(lastStatus('source')).toMatchObject({ fill: 'grey' });
  });
});

describe('strayWireWarning', () => {
  const nodes: FlowNode[] = [
    { id: 'c', type: 'izh-clock', wires: [['d'], []] },
    { id: 'n', type: 'izh-neuron', wires: [['dbg'], []] },
    { id: 'm', type: 'izh-spike-monitor', wires: [['dbg']] },
    { id: 'd', type: 'debug', name: 'log', wires: [] },
    { id: 'dbg', type: 'debug', wires: [] },
  ];
  it('names every ordinary node a simulation wire leads to, and nothing for monitors (their output carries data)', () => {
    expect(strayWireWarning(nodes, 'c')?.english).toMatch(/^clock c: .* leads to debug "log"; wire it to current source, neuron or spike generator/);
    expect(strayWireWarning(nodes, 'n')?.english).toMatch(/^neuron n: .* leads to debug dbg; wire it to synapse, spike monitor, state monitor or rate monitor \(simulation nodes\), and use a monitor/);
    expect(strayWireWarning(nodes, 'm')).toBeNull();
    expect(strayWireWarning(nodes, 'd')).toBeNull();
  });
});

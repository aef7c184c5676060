/**
 * Flows of the network nodes for tests inside Node-RED: the example flows of
 * lib/flow/network-examples.ts with helper nodes instead of debug nodes, and a small network of
 * every network node with a helper on each output.
 */
import type { FlowNode } from '../lib/flow/compiler';
import { SYNAPSE_DEFAULTS } from '../lib/flow/network-examples';
import { withPositions, type Flow } from './flow-helpers';

/**
 * An example flow of lib/flow/network-examples.ts as the test helper runs it: comments left out,
 * debug nodes replaced by helper nodes (same ids), the clock's run events to a helper `events`,
 * fields of some nodes changed by `changes` (by the part of their id after the example's prefix).
 */
export function example(nodes: FlowNode[], changes: Record<string, Record<string, unknown>> = {}): Flow {
  const clock = nodes.find((n) => n.type === 'izh-clock')!;
  const tab = clock.z as string;
  const prefix = clock.id.slice(0, -'clock'.length);
  const flow: Flow = nodes
    .filter((n) => n.type !== 'comment')
    .map((n) => (n.type === 'debug' ? { id: n.id, z: n.z, type: 'helper', x: n.x, y: n.y } : n))
    .map((n) => ({ ...n, ...changes[String(n.id).slice(prefix.length)] }));
  const withEvents = flow.map((n) => (n.id === clock.id ? { ...n, wires: [(n.wires as string[][])[0], ['events']] } : n));
  return withPositions([...withEvents, { id: 'events', z: tab, type: 'helper' }]);
}

/** Fields to change in smallNetwork(), per node. */
export interface NetworkOverrides {
  clock?: object;
  generator?: object;
  synapse?: object;
  neuron?: object;
  rate?: object;
  weights?: object;
}

/**
 * A small network of every network node: a poisson generator (40 channels) -> synapse "S"
 * (out-degree 10, uniform weights and delays, exponential) -> neuron "cells" (30 neurons with
 * per-neuron c and d) -> spike and rate monitors, the generator -> a rate monitor, the synapse ->
 * a weight monitor; dt 0.5 ms, 200 ms; a helper on every output.
 */
export function smallNetwork(overrides: NetworkOverrides = {}): Flow {
  return withPositions([
    { id: 'tab', type: 'tab', label: 'network' },
    { id: 'clock', z: 'tab', type: 'izh-clock', name: 'clock', dt: 0.5, duration: 200, mode: 'batch', wires: [['gen'], ['events']], ...overrides.clock },
    { id: 'gen', z: 'tab', type: 'izh-spike-generator', name: 'input', kind: 'poisson', size: 40, rate: 30, seed: 3, wires: [['syn', 'genRate']], ...overrides.generator },
    {
      id: 'syn', z: 'tab', type: 'izh-synapse', name: 'S', ...SYNAPSE_DEFAULTS, rule: 'out-degree', degree: 10, weightKind: 'uniform', weightLow: 2, weightHigh: 6,
      delayKind: 'uniform', delayMin: 0.5, delayMax: 3, kind: 'exponential', tau: 3, seed: 11, wires: [['cells', 'weights'], ['saved']], ...overrides.synapse,
    },
    {
      id: 'cells', z: 'tab', type: 'izh-neuron', name: 'cells', form: '2003', size: 30, scheme: 'izhikevich', spikeEvents: 'off',
      params: { a: 0.02, b: 0.2, c: '-65 + 15 * r^2', d: '8 - 6 * r^2', v0: -65 }, wires: [['spikes', 'rate'], []], ...overrides.neuron,
    },
    { id: 'spikes', z: 'tab', type: 'izh-spike-monitor', name: 'spikes', wires: [['spikeOut']] },
    { id: 'rate', z: 'tab', type: 'izh-rate-monitor', name: 'rate', bin: 5, smoothing: 20, wires: [['rateOut']], ...overrides.rate },
    { id: 'genRate', z: 'tab', type: 'izh-rate-monitor', name: 'input rate', bin: 10, wires: [['genRateOut']] },
    { id: 'weights', z: 'tab', type: 'izh-weight-monitor', name: 'weights', every: 10, bins: 8, wires: [['weightOut'], ['histogramOut']], ...overrides.weights },
    ...['events', 'spikeOut', 'rateOut', 'genRateOut', 'weightOut', 'histogramOut', 'saved'].map((id) => ({ id, z: 'tab', type: 'helper' })),
  ]);
}

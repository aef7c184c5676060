/**
 * What the hardening suites (fuzz, lifecycle, limits, sandbox) share for tests inside a real
 * Node-RED runtime through node-red-node-test-helper: the pattern-A flow, waiting for
 * messages, reading a node's error and status calls, and a known-good run.
 */
import helper from 'node-red-node-test-helper';
import { expect } from 'vitest';
import clockNode from '../nodes/izh-clock';
import neuronNode from '../nodes/izh-neuron';
import sourceNode from '../nodes/izh-source';
import spikeMonitorNode from '../nodes/izh-spike-monitor';
import stateMonitorNode from '../nodes/izh-state-monitor';
import generatorNode from '../nodes/izh-spike-generator';
import synapseNode from '../nodes/izh-synapse';
import rateMonitorNode from '../nodes/izh-rate-monitor';
import weightMonitorNode from '../nodes/izh-weight-monitor';
import { REFERENCE, simulateReference } from './reference';

export const NODES = [clockNode, sourceNode, neuronNode, spikeMonitorNode, stateMonitorNode, generatorNode, synapseNode, rateMonitorNode, weightMonitorNode];
export type Msg = Record<string, any>;
export type Flow = Array<Record<string, unknown>>;

export interface Overrides {
  clock?: object;
  source?: object;
  neuron?: object;
  spikes?: object;
  state?: object;
}

/**
 * Pattern A on tab `tab`: clock -> step source -> neuron -> spike and state monitors -> helper
 * sinks. `prefix` renames every id (and wire) so several copies can share a runtime.
 */
export function patternA(overrides: Overrides = {}, prefix = '', tab = 'tab'): Flow {
  const id = (x: string) => `${prefix}${x}`;
  return withPositions([
    { id: tab, type: 'tab', label: `test ${tab}` },
    { id: id('clock'), z: tab, type: 'izh-clock', name: 'clock', dt: 0.25, duration: 100, mode: 'batch', wires: [[id('source')], [id('events')]], ...overrides.clock },
    { id: id('source'), z: tab, type: 'izh-source', name: 'step', kind: 'step', amplitude: 14, onset: 10, wires: [[id('neuron')]], ...overrides.source },
    {
      id: id('neuron'), z: tab, type: 'izh-neuron', name: 'A', form: '2003', size: 1, scheme: 'izhikevich', spikeEvents: 'off',
      params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, wires: [[id('spikes'), id('trace')], [id('spikeEvents')]], ...overrides.neuron,
    },
    { id: id('spikes'), z: tab, type: 'izh-spike-monitor', name: 'spikes', wires: [[id('spikeOut')]], ...overrides.spikes },
    { id: id('trace'), z: tab, type: 'izh-state-monitor', name: 'trace', variables: 'v,I', indices: '0', every: 1, wires: [[id('traceOut')]], ...overrides.state },
    { id: id('events'), z: tab, type: 'helper' },
    { id: id('spikeOut'), z: tab, type: 'helper' },
    { id: id('traceOut'), z: tab, type: 'helper' },
    { id: id('spikeEvents'), z: tab, type: 'helper' },
  ]);
}

/** Node-RED treats a node without x and y as a config node. */
export function withPositions(flow: Flow): Flow {
  return flow.map((n) => (n.type === 'tab' ? n : { x: 100, y: 100, ...n }));
}

/** Resolves with the next message a helper node receives that passes `accept`. */
export function next(id: string, accept: (msg: Msg) => boolean = () => true): Promise<Msg> {
  return new Promise((resolve) => {
    const node = helper.getNode(id);
    const handler = (msg: Msg) => {
      if (!accept(msg)) return;
      node.removeListener('input', handler);
      resolve(msg);
    };
    node.on('input', handler);
  });
}

/** Resolves with the first argument of the next node.error / node.status / node.warn call of a node. */
export function nextCall(id: string, method: 'error' | 'status' | 'warn', accept: (arg: any) => boolean = () => true): Promise<any> {
  return new Promise((resolve) => {
    const node = helper.getNode(id);
    const handler = (call: { args: any[] }) => {
      if (!accept(call.args[0])) return;
      node.removeListener(`call:${method}`, handler);
      resolve(call.args[0]);
    };
    node.on(`call:${method}`, handler);
  });
}

/** Every call of a spied Node method made by node `id` since the flow was loaded (the spy is shared by all nodes). */
export function callsOf(id: string, method: 'error' | 'status' | 'warn' | 'send'): any[][] {
  const node = helper.getNode(id);
  if (!node) return [];
  return (node[method] as any).getCalls().filter((c: { thisValue: { id: string } }) => c.thisValue.id === id).map((c: { args: any[] }) => c.args);
}

/** The messages node.error was called with by node `id`. */
export const errorsOf = (id: string): string[] => callsOf(id, 'error').map((args) => String(args[0]));

/** The last status a node showed. */
export function lastStatus(id: string): any {
  const calls = callsOf(id, 'status');
  return calls.length ? calls[calls.length - 1][0] : undefined;
}

export const finished = (msg: Msg) => msg.payload.event === 'finished';
export const ended = (msg: Msg) => ['finished', 'stopped', 'error'].includes(msg.payload.event);
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The published spike times of pattern A. */
export const PATTERN_A = simulateReference(REFERENCE.A);

/**
 * A known-good run on a fresh load: pattern A gives the published spike times and voltage trace.
 * Proves that whatever ran before neither crashed nor wedged the runtime.
 */
export async function expectKnownGoodRun(): Promise<void> {
  await helper.load(NODES, patternA());
  const spikes = next('spikeOut');
  const trace = next('traceOut');
  helper.getNode('clock').receive({ payload: 'start' });
  expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
  expect((await trace).payload.v[0]).toEqual(PATTERN_A.v);
  await helper.unload();
}

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
/** One turn of the event loop: what was queued before (e.g. Node-RED's message deliveries) has run. */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The messages a helper node receives from now on, in order. */
export function collect(id: string): Msg[] {
  const got: Msg[] = [];
  helper.getNode(id).on('input', (m: Msg) => got.push(m));
  return got;
}

/** The names of a clock's run events, without `progress` (sent once a second of wall time, so as often as the machine is slow). */
export const eventNames = (events: Msg[]): string[] => events.map((m) => m.payload.event).filter((e) => e !== 'progress');

/**
 * Resolves once `holds()` is true: checked at once and after each message a helper node of `ids`
 * receives (once every listener of that message has run, so collectors are up to date) or, with
 * `on` given, after each of those events of the nodes (e.g. 'call:error'). Never waits for a
 * fixed time: a condition that never holds runs into the test's timeout.
 */
export function until(ids: string | string[], holds: () => boolean, on = 'input'): Promise<void> {
  return new Promise((resolve) => {
    if (holds()) return resolve();
    const nodes = (Array.isArray(ids) ? ids : [ids]).map((id) => helper.getNode(id));
    const check = () => {
      if (!holds()) return;
      for (const node of nodes) node.removeListener(on, handler);
      resolve();
    };
    const handler = () => queueMicrotask(check);
    for (const node of nodes) node.on(on, handler);
  });
}

/**
 * The run events a clock announces before it announces a reset sent now. Events go out in
 * order, each after the results of the run it ends, so this is everything the clock had to say
 * about what it was asked before (e.g. that a refused start announced nothing), however slow the
 * machine is.
 */
export async function eventsBeforeReset(clockId = 'clock', eventsId = 'events'): Promise<string[]> {
  const events = collect(eventsId);
  helper.getNode(clockId).receive({ payload: 'reset' });
  await until(eventsId, () => events.some((m) => m.payload.event === 'reset'));
  return eventNames(events.slice(0, events.findIndex((m) => m.payload.event === 'reset')));
}

let markers = 0;
/**
 * Stops a clock and resolves once it has carried out every command it received before and
 * every message of its earlier runs has been delivered, so that what arrives next belongs to
 * what the test does next. It relies on what the clock promises: commands that arrive while a
 * run's results are being sent wait for them, in order. So it stops the clock, sends a run of an
 * invalid length (refused only once everything before it was done), and waits for that refusal.
 * Then two turns of the event loop: in the first, the run events still on their way through the
 * clock's chain of promises are sent (promises settle before the loop turns); in the second,
 * Node-RED delivers them (it delivers every message one turn after it was sent, in order).
 */
export async function settle(clockId = 'clock'): Promise<void> {
  const marker = `settle-${++markers}`;
  const refused = nextCall(clockId, 'error', (text) => String(text).includes(marker));
  helper.getNode(clockId).receive({ payload: 'stop' });
  helper.getNode(clockId).receive({ payload: 'run', ms: marker });
  await refused;
  await tick();
  await tick();
}

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

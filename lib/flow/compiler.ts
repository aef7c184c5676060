/**
 * The one compiler from "nodes + wires" (the JSON a Node-RED flow file holds) to a network.
 * The clock node, the headless runner and the tests all use it, so a flow means the same
 * thing everywhere.
 *
 * Simulation wires are the first output of a clock, a current source, a neuron, a spike
 * generator or a synapse:
 *   clock -> source | neuron | generator   the clock drives them
 *   source -> neuron                       the source's current flows into the neuron
 *   neuron | generator -> synapse          the synapse's presynaptic side
 *   synapse -> neuron                      the synapse's target
 *   neuron | generator -> spike/rate monitor, neuron -> state monitor, synapse -> weight monitor
 * A clock's network is every simulation node connected to it by such wires (in either
 * direction), so one wire from the clock to the first source is enough. Other outputs
 * (the clock's run events, a neuron's spike events, monitor data) are ordinary messages.
 */
import { checkMemory, DEFAULT_LIVE_WINDOW_MS, DEFAULT_MEMORY_BUDGET_MB } from '../engine/budget';
import { normalizeGenerator } from '../engine/generators';
import { normalizeMonitorOutput } from './monitor-output';
import { binSteps, normalizeRateMonitor, normalizeSpikeMonitor, normalizeStateMonitor, normalizeWeightMonitor } from '../engine/monitors';
import { normalizeNeuron, type NeuronSpec } from '../engine/neuron';
import type { NetworkDescription } from '../engine/network';
import { streamKey } from '../engine/rng';
import { normalizeClock, type ClockSettings } from '../engine/simulation';
import { normalizeSource, seedOf } from '../engine/sources';
import { checkSynapse, normalizeSynapse, sidesOf } from '../engine/synapses';
import { ConfigError, oneOf } from '../engine/validate';
import { kindOf, listOr, message, nodeLabel, type Message, type Value } from '../engine/messages';
import { migrate, prepareConfig, processEnv, SPIKE_EVENTS, type EnvLookup } from '../engine/schema';

export const NODE_TYPES = {
  clock: 'izh-clock',
  source: 'izh-source',
  neuron: 'izh-neuron',
  generator: 'izh-spike-generator',
  synapse: 'izh-synapse',
  spikeMonitor: 'izh-spike-monitor',
  stateMonitor: 'izh-state-monitor',
  rateMonitor: 'izh-rate-monitor',
  weightMonitor: 'izh-weight-monitor',
} as const;
const SIMULATION_TYPES = new Set<string>(Object.values(NODE_TYPES));

/** A node as it appears in a flow file (and in Node-RED's runtime config). */
export interface FlowNode {
  id: string;
  type: string;
  name?: string;
  wires?: string[][];
  /** disabled */
  d?: boolean;
  [key: string]: unknown;
}

/** Live changes made by messages, merged over a node's config: id -> fields. */
export type Patches = (id: string) => Record<string, unknown> | undefined;

/** Which targets each simulation output may drive. */
const ALLOWED_TARGETS: Record<string, string[]> = {
  [NODE_TYPES.clock]: [NODE_TYPES.source, NODE_TYPES.neuron, NODE_TYPES.generator],
  [NODE_TYPES.source]: [NODE_TYPES.neuron],
  [NODE_TYPES.neuron]: [NODE_TYPES.synapse, NODE_TYPES.spikeMonitor, NODE_TYPES.stateMonitor, NODE_TYPES.rateMonitor],
  [NODE_TYPES.generator]: [NODE_TYPES.synapse, NODE_TYPES.spikeMonitor, NODE_TYPES.rateMonitor],
  [NODE_TYPES.synapse]: [NODE_TYPES.neuron, NODE_TYPES.weightMonitor],
};

/** Why a wire between two simulation nodes means nothing, and what to do instead. */
function wrongWire(from: FlowNode, to: FlowNode): Message {
  const kinds = { from: kindOf(from.type), to: kindOf(to.type) };
  if (from.type === NODE_TYPES.neuron && to.type === NODE_TYPES.neuron) return message('errors.wireNeurons', kinds);
  if (from.type === NODE_TYPES.generator && to.type === NODE_TYPES.neuron) return message('errors.wireGenerator', kinds);
  if (to.type === NODE_TYPES.stateMonitor) return message('errors.wireStateMonitor', kinds);
  return message('errors.wire', kinds);
}

/** `neuron "RS"` or `neuron 1a2b3c`: how errors name a node. */
export function labelOf(node: FlowNode): Message {
  return nodeLabel(node.type, node.name, node.id);
}

export function isSimulationNode(node: FlowNode): boolean {
  return SIMULATION_TYPES.has(node.type) && node.d !== true;
}

/**
 * The simulation wires of a flow, built once and reused for every clock and node of it: with it
 * a flow of N networks compiles in time proportional to N, not N² (build it once per deploy).
 */
export interface FlowGraph {
  readonly byId: ReadonlyMap<string, FlowNode>;
  /** directed simulation edges from -> [to] */
  readonly out: ReadonlyMap<string, string[]>;
  readonly in: ReadonlyMap<string, string[]>;
  /** wires between simulation nodes that mean nothing, e.g. source -> monitor, by the node they leave */
  readonly invalid: ReadonlyMap<string, Array<{ from: FlowNode; to: FlowNode }>>;
  /**
   * simulation wires (the first output of a clock, source, neuron, generator or synapse) that lead
   * to ordinary nodes, by the node they leave: they carry no messages, so such a node is cut off
   */
  readonly strays: ReadonlyMap<string, FlowNode[]>;
  /** the connected component of each node, filled in as they are asked for */
  readonly components: Map<string, ReadonlySet<string>>;
}

/** Builds the graph of a flow's simulation wires (see FlowGraph). */
export function flowGraph(nodes: readonly FlowNode[]): FlowGraph {
  const byId = new Map<string, FlowNode>();
  const others = new Map<string, FlowNode>();
  for (const node of nodes) {
    if (isSimulationNode(node)) byId.set(node.id, node);
    else if (node && typeof node.id === 'string') others.set(node.id, node);
  }
  const strays = new Map<string, FlowNode[]>();
  const out = new Map<string, string[]>();
  const into = new Map<string, string[]>();
  const invalid = new Map<string, Array<{ from: FlowNode; to: FlowNode }>>();
  for (const id of byId.keys()) {
    out.set(id, []);
    into.set(id, []);
  }
  for (const from of byId.values()) {
    const allowed = ALLOWED_TARGETS[from.type];
    if (!allowed) continue; // monitors only talk to ordinary nodes
    const firstOutput = Array.isArray(from.wires) && Array.isArray(from.wires[0]) ? from.wires[0] : [];
    for (const toId of firstOutput) {
      const to = byId.get(toId);
      if (!to) {
        // an ordinary node (or a disabled one of ours): not part of the simulation
        const other = others.get(toId);
        if (other && !SIMULATION_TYPES.has(other.type)) strays.set(from.id, [...(strays.get(from.id) ?? []), other]);
        continue;
      }
      if (!allowed.includes(to.type)) {
        invalid.set(from.id, [...(invalid.get(from.id) ?? []), { from, to }]);
        continue;
      }
      out.get(from.id)!.push(to.id);
      into.get(to.id)!.push(from.id);
    }
  }
  return { byId, out, in: into, invalid, strays, components: new Map() };
}

const graphOf = (flow: readonly FlowNode[] | FlowGraph): FlowGraph => (Array.isArray(flow) ? flowGraph(flow as readonly FlowNode[]) : (flow as FlowGraph));

/** Ids of every simulation node connected to `id` by simulation wires, `id` included. */
function component(graph: FlowGraph, id: string): ReadonlySet<string> {
  const known = graph.components.get(id);
  if (known) return known;
  const seen = new Set<string>([id]);
  const stack = [id];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const next of [...graph.out.get(current)!, ...graph.in.get(current)!]) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  for (const member of seen) graph.components.set(member, seen);
  return seen;
}

/**
 * A warning for a node whose simulation wire (first output) leads to ordinary nodes, which that
 * wire never reaches with a message; null when there is none. Ordinary nodes wired into our
 * nodes' inputs are the documented way in and are never a problem.
 */
export function strayWireWarning(flow: readonly FlowNode[] | FlowGraph, id: string): Message | null {
  const graph = graphOf(flow);
  const from = graph.byId.get(id);
  const strays = graph.strays.get(id);
  if (!from || !strays || strays.length === 0) return null;
  const names = strays.map((n) => (n.name ? `${n.type} "${n.name}"` : `${n.type} ${n.id}`)).join(', ');
  return message(from.type === NODE_TYPES.clock ? 'warnings.strayWire' : 'warnings.strayWireMonitor', { node: labelOf(from), names, targets: simulationTargetsOf(from.type) });
}

/** The kinds a simulation wire of this node may lead to, in words. */
function simulationTargetsOf(type: string): Value {
  return listOr((ALLOWED_TARGETS[type] ?? []).map(kindOf));
}

/**
 * The clocks whose network contains the node `id` (none means it is not wired to a clock).
 * `flow` is the flow's nodes or, to ask about many nodes of one flow, its flowGraph().
 */
export function clocksOf(flow: readonly FlowNode[] | FlowGraph, id: string): string[] {
  const graph = graphOf(flow);
  if (!graph.byId.has(id)) return [];
  return [...component(graph, id)].filter((other) => graph.byId.get(other)!.type === NODE_TYPES.clock);
}

export interface CompiledNetwork {
  clock: { id: string; name: string; settings: ClockSettings };
  description: NetworkDescription;
  /** nodes of the network by id (their kind and label, for messages) */
  members: Map<string, FlowNode>;
  /** how messages name the node behind an id of the description (a monitor, a neuron's spike events, ...) */
  label(id: string): Message | string;
}

function withNode<T>(node: FlowNode, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof ConfigError) throw e.forNode(labelOf(node));
    throw e;
  }
}

/** Validates a neuron node's config, with live changes from messages laid over it, into a population spec. */
export function neuronSpecOf(node: FlowNode, patch: Record<string, unknown> = {}): NeuronSpec {
  const config = migrate(node.type, node);
  const params = isRecord(config.params) ? config.params : {};
  return withNode(node, () => normalizeNeuron({ ...params, form: config.form ?? params.form, size: config.size, scheme: config.scheme, ...patch }));
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export interface CompileOptions {
  /** memory the network may use (MB); a run that would need more is refused before it starts */
  memoryBudgetMB?: number;
  /** how a node looks environment variables up (typed fields of type env); default process.env */
  env?: (node: FlowNode) => EnvLookup;
}

/**
 * Builds the network of one clock from the flow's nodes or its flowGraph() (the graph makes
 * compiling every clock of a large flow linear). Throws a ConfigError that names the node, the field and
 * the value for anything invalid: a bad parameter, a wire that means nothing, two clocks in
 * one network, a network or a recording that would not fit its memory budget.
 */
export function compileNetwork(flow: readonly FlowNode[] | FlowGraph, clockId: string, patches: Patches = () => undefined, options: CompileOptions = {}): CompiledNetwork {
  const graph = graphOf(flow);
  const clockNode = graph.byId.get(clockId);
  if (!clockNode || clockNode.type !== NODE_TYPES.clock) throw new ConfigError('clock', clockId, message('errors.notClock'));
  const ids = component(graph, clockId);
  const members = new Map([...ids].map((id) => [id, graph.byId.get(id)!]));
  for (const id of ids) {
    for (const { from, to } of graph.invalid.get(id) ?? []) throw new ConfigError('wires', labelOf(to).english, wrongWire(from, to), labelOf(from));
  }
  const otherClock = [...members.values()].find((n) => n.type === NODE_TYPES.clock && n.id !== clockId);
  if (otherClock) throw new ConfigError('wires', labelOf(otherClock).english, message('errors.otherClock'), labelOf(clockNode));

  // each node's config as this release reads it: migrated, changed by messages, typed fields resolved
  const envOf = options.env ?? (() => processEnv);
  const configOf = (n: FlowNode): FlowNode => withNode(n, () => prepareConfig(n, envOf(n), patches(n.id)));
  const settings = withNode(clockNode, () => normalizeClock(configOf(clockNode)));
  const of = (type: string) => [...members.values()].filter((n) => n.type === type);
  const neurons = of(NODE_TYPES.neuron);
  const generators = of(NODE_TYPES.generator);
  // every node's streams: from its own seed when it has one, else from its id (lib/engine/rng.ts)
  const keyOf = (n: FlowNode) => withNode(n, () => streamKey(n.id, seedOf(migrate(n.type, n).seed)));
  const description: NetworkDescription = {
    dt: settings.dt,
    seed: settings.seed,
    populations: neurons.map((n) => ({ id: n.id, name: n.name || n.id, spec: neuronSpecOf(withNode(n, () => prepareConfig(n, envOf(n))), patches(n.id)), key: keyOf(n) })),
    generators: generators.map((n) => ({ id: n.id, name: n.name || n.id, spec: withNode(n, () => normalizeGenerator(configOf(n))), key: keyOf(n) })),
    sources: of(NODE_TYPES.source).map((n) => {
      const spec = withNode(n, () => normalizeSource(configOf(n)));
      return { id: n.id, name: n.name || n.id, spec, targets: graph.out.get(n.id)!, key: keyOf(n) };
    }),
    projections: [],
    spikeMonitors: [],
    stateMonitors: [],
    rateMonitors: [],
    weightMonitors: [],
  };
  const sizeOf = (id: string) => description.populations.find((p) => p.id === id)?.spec.size ?? description.generators!.find((g) => g.id === id)!.spec.size;
  /** The one simulation node wired into `node` among `types`, or a ConfigError saying what is expected. */
  const oneInput = (node: FlowNode, types: string[], what: Value): string => {
    const inputs = graph.in.get(node.id)!.filter((id) => types.includes(graph.byId.get(id)!.type));
    if (inputs.length !== 1) throw new ConfigError('wires', inputs.length, message('errors.oneInput', { what }), labelOf(node));
    return inputs[0];
  };
  for (const n of of(NODE_TYPES.synapse)) {
    const pre = oneInput(n, [NODE_TYPES.neuron, NODE_TYPES.generator], message('words.presynaptic'));
    const posts = graph.out.get(n.id)!.filter((id) => graph.byId.get(id)!.type === NODE_TYPES.neuron);
    if (posts.length !== 1) throw new ConfigError('wires', posts.length, message('errors.onePost'), labelOf(n));
    const spec = withNode(n, () => normalizeSynapse(configOf(n)));
    withNode(n, () => checkSynapse(spec, sidesOf(spec, sizeOf(pre), sizeOf(posts[0]), pre === posts[0], settings.dt)));
    description.projections!.push({ id: n.id, name: n.name || n.id, pre, post: posts[0], spec, key: keyOf(n) });
  }
  const populationOf = (monitor: FlowNode): string => {
    const sources = graph.in.get(monitor.id)!;
    if (sources.length !== 1) {
      const what = monitor.type === NODE_TYPES.stateMonitor ? kindOf(NODE_TYPES.neuron) : monitor.type === NODE_TYPES.weightMonitor ? kindOf(NODE_TYPES.synapse) : message('words.neuronOrGenerator');
      throw new ConfigError('wires', sources.length, message('errors.oneSource', { what }), labelOf(monitor));
    }
    return sources[0];
  };
  // open-ended runs keep only a window of what the monitors record, so they stay bounded
  const windowOf = (window: number | null) => window ?? (settings.duration === Infinity ? DEFAULT_LIVE_WINDOW_MS : null);
  const monitorTypes = [NODE_TYPES.spikeMonitor, NODE_TYPES.stateMonitor, NODE_TYPES.rateMonitor, NODE_TYPES.weightMonitor];
  // display settings (live, format, chartPoints, svg) are part of a valid network too
  for (const m of monitorTypes.flatMap(of)) withNode(m, () => normalizeMonitorOutput(configOf(m)));
  for (const m of of(NODE_TYPES.spikeMonitor)) {
    const spec = withNode(m, () => normalizeSpikeMonitor(configOf(m)));
    description.spikeMonitors.push({ id: m.id, name: m.name || m.id, population: populationOf(m), spec: { ...spec, window: windowOf(spec.window) } });
  }
  for (const n of neurons) {
    const events = withNode(n, () => oneOf('spikeEvents', migrate(n.type, n).spikeEvents, SPIKE_EVENTS, 'off'));
    if (events !== 'off') description.spikeMonitors.push({ id: eventMonitorId(n.id), name: n.name || n.id, population: n.id, retain: false });
  }
  for (const m of of(NODE_TYPES.stateMonitor)) {
    const population = populationOf(m);
    const spec = withNode(m, () => normalizeStateMonitor(configOf(m)));
    const size = sizeOf(population);
    const outside = spec.indices?.find((i) => i >= size);
    if (outside !== undefined) throw new ConfigError('indices', outside, message('errors.indicesRecorded', { size }), labelOf(m));
    description.stateMonitors.push({ id: m.id, name: m.name || m.id, population, spec: { ...spec, window: windowOf(spec.window ?? null) } });
  }
  for (const m of of(NODE_TYPES.rateMonitor)) {
    const spec = withNode(m, () => normalizeRateMonitor(configOf(m)));
    withNode(m, () => binSteps(spec.bin, settings.dt));
    description.rateMonitors!.push({ id: m.id, name: m.name || m.id, population: populationOf(m), spec: { ...spec, window: windowOf(spec.window) } });
  }
  for (const m of of(NODE_TYPES.weightMonitor)) {
    const spec = withNode(m, () => normalizeWeightMonitor(configOf(m)));
    withNode(m, () => binSteps(spec.every, settings.dt, 'every'));
    description.weightMonitors!.push({ id: m.id, name: m.name || m.id, projection: populationOf(m), spec });
  }
  const labelFor = (id: string) => {
    const node = members.get(id) ?? (id.endsWith(EVENT_MONITOR_SUFFIX) ? members.get(id.slice(0, -EVENT_MONITOR_SUFFIX.length)) : undefined);
    return node ? labelOf(node) : id;
  };
  checkMemory(description, settings, options.memoryBudgetMB ?? DEFAULT_MEMORY_BUDGET_MB, labelFor);
  return { clock: { id: clockId, name: clockNode.name || clockId, settings }, description, members, label: labelFor };
}

/** How a neuron reports its spikes on its second output: not at all, one message per spike, or one per chunk. */
export { SPIKE_EVENTS };
export type SpikeEvents = (typeof SPIKE_EVENTS)[number];

const EVENT_MONITOR_SUFFIX = '#spike-events';

/** The id of the hidden spike monitor that feeds a neuron's spike events. */
export function eventMonitorId(neuronId: string): string {
  return neuronId + EVENT_MONITOR_SUFFIX;
}

/** Every enabled clock of a flow. */
export function clocksIn(nodes: readonly FlowNode[]): FlowNode[] {
  return nodes.filter((n) => n.type === NODE_TYPES.clock && isSimulationNode(n));
}

/**
 * What the five node adapters share: the table of live simulation nodes (so a clock can
 * reach the nodes of its network), error reporting and throttled status.
 */
import { clocksOf, strayWireWarning, flowGraph, labelOf, type FlowGraph, type FlowNode } from '../lib/flow/compiler';
import type { Network } from '../lib/engine/network';
import type { RunEvent, Simulation } from '../lib/engine/simulation';
import { ConfigError } from '../lib/engine/validate';
import { LocalizedError, message, type Message } from '../lib/engine/messages';
import { say, translate } from './i18n';
import { migrate, prepareConfig, processEnv, servedSchema, type EnvLookup } from '../lib/engine/schema';
import type { Node, NodeMessage, NodeRED, NodeStatus } from './api';

/** A clock's current run: its network and the simulation stepping it. */
export interface ActiveRun {
  clockId: string;
  network: Network;
  simulation: Simulation;
  members: ReadonlyMap<string, FlowNode>;
}

/** What a source, neuron or monitor node offers the clock that runs it. */
export interface SimulationMember {
  /** changes made by messages since the deploy, laid over the config when a run is built */
  patch?(): Record<string, unknown> | undefined;
  /** the node is now part of `run` (null: no longer part of any run) */
  attach(run: ActiveRun | null): void;
  /** a chunk of steps was computed */
  chunk?(run: ActiveRun): void;
  /** the run finished, stopped, paused or failed; the clock announces the end once every member's promise settled */
  ended?(run: ActiveRun, event: RunEvent): void | Promise<void>;
}

const members = new Map<string, SimulationMember>();

/** Makes `member` reachable by the clocks until the node closes (redeploy, removal, stop). */
export function enrol(node: Node, member: SimulationMember, onClose?: () => void): void {
  members.set(node.id, member);
  node.on('close', (_removed: boolean, done: () => void) => {
    if (members.get(node.id) === member) members.delete(node.id);
    onClose?.();
    done();
  });
}

/**
 * Handles input messages: anything `handle` throws becomes a catchable node.error naming the
 * node, the field and the value, and a red status; the node keeps its last good settings.
 */
export function onInput(RED: NodeRED, node: Node, config: FlowNode, handle: (msg: NodeMessage) => void): void {
  node.on('input', (msg, _send, done) => {
    try {
      handle(msg);
    } catch (e) {
      reportError(RED, node, config, e, msg);
    }
    done();
  });
}

export function memberOf(id: string): SimulationMember | undefined {
  return members.get(id);
}

/** Every node of the deployed flows, as flow-file JSON. */
export function deployedFlow(RED: NodeRED): FlowNode[] {
  const nodes: FlowNode[] = [];
  RED.nodes.eachNode((config) => nodes.push(config));
  return nodes;
}

/** The graph of the deployed flows, built once per deploy; every node and clock of it asks. */
let deployed: FlowGraph | null = null;
const watched = new WeakSet<object>();

/**
 * The simulation wires of the deployed flows (flowGraph), built on the first question after a
 * deploy and dropped when the next deploy starts (flows:starting comes before its nodes are
 * created), so a deploy of N nodes costs time proportional to N, not N². `id` is the node
 * asking: a graph without it predates the node and is built again.
 */
export function deployedGraph(RED: NodeRED, id: string): FlowGraph {
  if (!watched.has(RED.events)) {
    watched.add(RED.events);
    RED.events.on('flows:starting', () => (deployed = null));
  }
  if (!deployed || !deployed.byId.has(id)) deployed = flowGraph(deployedFlow(RED));
  return deployed;
}

/** The sentence for a problem, in the runtime's language: a ConfigError names the node, the field and the value. */
export function describeError(RED: NodeRED, err: unknown, config: FlowNode): string {
  if (err instanceof ConfigError) return translate(RED, (err.node ? err : err.forNode(labelOf(config))).text);
  const error = err instanceof LocalizedError ? err.text : err instanceof Error ? err.message : String(err);
  return translate(RED, message('errors.attributed', { node: labelOf(config), error }));
}

/** Short status text for an error (the whole sentence goes to node.error). */
export function errorStatusText(RED: NodeRED, err: unknown): string {
  if (err instanceof ConfigError) return translate(RED, err.short).slice(0, 40);
  if (err instanceof LocalizedError) return translate(RED, err.text).slice(0, 40);
  return (err instanceof Error ? err.message : String(err)).slice(0, 40);
}

/** Reports a problem: node.error (catchable when a message caused it) and a red status. */
export function reportError(RED: NodeRED, node: Node, config: FlowNode, err: unknown, msg?: NodeMessage): void {
  node.error(describeError(RED, err, config), msg);
  node.status({ fill: 'red', shape: 'ring', text: errorStatusText(RED, err) });
}

/** Status for a node outside every clock's network; returns true when the node is in one. */
export function showWiring(RED: NodeRED, node: Node, config: FlowNode, idle: NodeStatus): boolean {
  if (warnStrayWires(RED, node, config)) return false;
  const clocks = clocksOf(deployedGraph(RED, config.id), config.id);
  if (clocks.length === 0) {
    node.status({ fill: 'yellow', shape: 'ring', text: translate(RED, say('izh.status.notWired')) });
    return false;
  }
  node.status(idle);
  return true;
}

/**
 * Warns (log and a yellow status) when the node's simulation wire leads to ordinary nodes, which
 * it never reaches with a message (e.g. a function node between a clock and a source). True when
 * it warned.
 */
export function warnStrayWires(RED: NodeRED, node: Node, config: FlowNode): boolean {
  const warning = strayWireWarning(deployedGraph(RED, config.id), config.id);
  if (warning === null) return false;
  node.warn(translate(RED, warning));
  node.status({ fill: 'yellow', shape: 'ring', text: translate(RED, say('izh.status.strayWire')) });
  return true;
}

/** Sets a node's status at most every `everyMs` unless forced, so fast runs do not flood the editor. */
export class ThrottledStatus {
  private last = 0;
  constructor(private readonly node: Node, private readonly everyMs = 250) {}
  set(status: NodeStatus, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    this.node.status(status);
  }
}

/**
 * The one rounding of every number a status shows: 12.5 -> "12.5", 100 -> "100",
 * 0.333333 -> "0.33", 49.875 -> "49.88", 12345.6 -> "12,346".
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const rounded = Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
  return rounded.toLocaleString('en-US');
}

/** The nouns formatCount counts (izh.counts.<noun> and izh.counts.<noun>s). */
export type Counted = 'spike' | 'bin' | 'sample' | 'neuron' | 'synapse';

/** A count with thousands separators, and its noun: 1 spike, 544,000,000 spikes. */
export function formatCount(n: number, noun: Counted): Message {
  return say(`izh.counts.${n === 1 ? noun : `${noun}s`}`, { count: n.toLocaleString('en-US') });
}

/**
 * How a node looks environment variables up (typed fields of type env): as Node-RED's own
 * nodes do, its group's and flow's env first, then process.env.
 */
export function envOf(RED: NodeRED, node: Node | null): EnvLookup {
  return (name) => (RED.util?.getSetting ? RED.util.getSetting(node, name) : processEnv(name));
}

/** A node's config as this release reads it: migrated from the version it was saved with. */
export function migrated(config: FlowNode): FlowNode {
  return migrate(config.type, config);
}

/**
 * A node's config as the flow saved it. Node-RED hands a node its config with every property
 * `${NAME}` already replaced by the variable; a typed field of type env holds the variable's
 * name, which must stay a name (prepareConfig does the rest of the replacing, as the compiler does).
 */
export function savedConfig(RED: NodeRED, config: FlowNode): FlowNode {
  return deployedGraph(RED, config.id).byId.get(config.id) ?? config;
}

/** A node's config migrated, with `patch` laid over it and its typed fields resolved (throws a ConfigError). */
export function resolved(RED: NodeRED, node: Node, config: FlowNode, patch?: Record<string, unknown>): FlowNode {
  return prepareConfig(config, envOf(RED, node), patch);
}

/** The env lookup of the deployed node with this config's id (process.env when there is none). */
export function deployedEnv(RED: NodeRED): (config: FlowNode) => EnvLookup {
  return (config) => envOf(RED, RED.nodes.getNode(config.id));
}

const serving = new WeakSet<object>();
/**
 * GET /izh/schema: the fields of every node type (lib/engine/schema.ts) for the edit dialogs
 * (resources/izh-editor.js), registered once whichever node type loads first.
 */
export function serveSchema(RED: NodeRED): void {
  if (serving.has(RED.httpAdmin)) return;
  serving.add(RED.httpAdmin);
  const schema = servedSchema();
  RED.httpAdmin.get('/izh/schema', RED.auth.needsPermission('izh-schema.read'), (_req: unknown, res: { json(body: unknown): void }) => {
    res.json(schema);
  });
}

/** A command word from msg.payload (string) or msg.payload.command / msg.command. */
export function commandOf(msg: NodeMessage): string | undefined {
  if (typeof msg.payload === 'string') return msg.payload.trim().toLowerCase();
  if (typeof msg.command === 'string') return msg.command.trim().toLowerCase();
  const payload = msg.payload as Record<string, unknown> | undefined;
  if (payload && typeof payload === 'object' && typeof payload.command === 'string') return payload.command.trim().toLowerCase();
  return undefined;
}

/**
 * Runs flows headless through the embedded Node-RED runtime, the same path the editor uses:
 * the flow is deployed, every clock receives "start", and once every run has ended the
 * monitors' results are collected from the monitor nodes.
 *
 * Node-RED is one runtime per process, so runFlow() may be called once per process; to run
 * several flows, pass their nodes together (they keep their own clocks and networks).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BUDGET_SETTING } from '../lib/engine/budget';
import { clocksIn, compileNetwork, flowGraph, labelOf, NODE_TYPES, type FlowNode } from '../lib/flow/compiler';
import type { RateResult, SpikeResult, StateResult, WeightResult } from '../lib/engine/monitors';
import type { ClockSettings, RunEvent } from '../lib/engine/simulation';
import { ConfigError, show } from '../lib/engine/validate';
import { flowEnv } from '../lib/engine/schema';
import type { Node } from '../nodes/api';
import { RUN_EVENT } from '../nodes/izh-clock';
import type { MonitorNode } from '../nodes/monitor';
import type { SynapseNode } from '../nodes/izh-synapse';

export interface ClockReport {
  id: string;
  name: string;
  dt: number;
  duration: number;
  event: RunEvent['event'];
  /** the run did not end by itself: the time limit (--timeout) stopped it */
  stoppedBy?: 'timeout';
  t: number;
  steps: number;
  wallMs: number;
}

export type MonitorReport =
  | ({ id: string; name: string; type: 'spike'; z?: string } & SpikeResult)
  | ({ id: string; name: string; type: 'state'; z?: string } & StateResult)
  | ({ id: string; name: string; type: 'rate'; z?: string } & RateResult)
  | ({ id: string; name: string; type: 'weight'; z?: string } & WeightResult);

const MONITOR_TYPES: readonly string[] = [NODE_TYPES.spikeMonitor, NODE_TYPES.stateMonitor, NODE_TYPES.rateMonitor, NODE_TYPES.weightMonitor];

export interface RunReport {
  clocks: ClockReport[];
  monitors: MonitorReport[];
  /** with `weights`: every synapse node's weights at the end (what its "save" would send) */
  synapses?: SynapseReport[];
}

/** A synapse node's weights: columns pre, post, weight and delay (ms), loadable by a list synapse. */
export interface SynapseReport {
  id: string;
  name: string;
  z?: string;
  synapses: number;
  t: number;
  weights: { pre: number[]; post: number[]; weight: number[]; delay: number[] };
}

export interface RunOptions {
  /** wall-clock limit for all runs (ms); required when a clock never finishes by itself */
  timeoutMs?: number;
  /** Node-RED log level on the console */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info';
  /** memory each clock's network may use (MB); default DEFAULT_MEMORY_BUDGET_MB (izhClockMemoryBudget) */
  memoryBudgetMB?: number;
  /** also report every synapse node's weights at the end (izh-flow --weights) */
  weights?: boolean;
}

/** A problem with the flow or the run, with the node it concerns in its message. */
export class RunError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** what was recorded anyway, e.g. by runs the time limit stopped before they finished */
    readonly report?: RunReport,
  ) {
    super(message);
    this.name = 'RunError';
  }
}

/** The package root, which Node-RED loads as a module (nodes, icons, examples): from bin/ or dist/bin/. */
function packageRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === PACKAGE_NAME) return dir;
  }
  throw new RunError(`cannot find the ${PACKAGE_NAME} package above ${__dirname}`, 2);
}
const PACKAGE_NAME = '@spiking-red/node-red-izhikevich';

/** Dashboard widgets need an HTTP server and a browser; a headless run leaves them out. */
function isDashboardNode(node: FlowNode): boolean {
  return /^ui[-_]/.test(node.type);
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** How an entry of a flow file is named in messages: `a debug node "out"`, `id "q"`. */
function entryLabel(entry: Record<string, unknown>): string {
  const name = typeof entry.name === 'string' && entry.name ? ` ${JSON.stringify(entry.name)}` : '';
  if (typeof entry.type === 'string' && entry.type) return `${article(entry.type)} ${entry.type} node${name}`;
  if (typeof entry.id === 'string' && entry.id) return `id ${JSON.stringify(entry.id)}`;
  return `a node${name}`;
}

/**
 * Checks that a flow file holds what Node-RED can deploy: an array of node objects, each with an
 * id of its own and a type. The message names the entry (counted from 1) and what is wrong.
 */
export function checkEntries(nodes: unknown): asserts nodes is FlowNode[] {
  if (!Array.isArray(nodes)) throw new RunError('the flow file must hold a JSON array of nodes', 2);
  const seen = new Map<string, number>();
  nodes.forEach((entry: unknown, i) => {
    const where = `entry ${i + 1} of the flow`;
    if (entry === null) throw new RunError(`${where} is null, not a node object`, 2);
    if (typeof entry !== 'object') throw new RunError(`${where} is ${article(typeof entry)} ${typeof entry} (${show(entry)}), not a node object`, 2);
    if (Array.isArray(entry)) throw new RunError(`${where} is an array (${show(entry)}), not a node object`, 2);
    const node = entry as Record<string, unknown>;
    if (typeof node.id !== 'string' || node.id === '') throw new RunError(`${where} (${entryLabel(node)}) has no id (got ${show(node.id)})`, 2);
    if (typeof node.type !== 'string' || node.type === '') throw new RunError(`${where} (${entryLabel(node)}) has no type (got ${show(node.type)})`, 2);
    const first = seen.get(node.id);
    if (first !== undefined) {
      throw new RunError(`${where} (${entryLabel(node)}) has the id ${JSON.stringify(node.id)} of entry ${first + 1} (${labelOf(nodes[first] as FlowNode).english}); ids must be unique`, 2);
    }
    seen.set(node.id, i);
  });
}

/** A clock of the flow and its settings. */
export interface FlowClock {
  node: FlowNode;
  settings: ClockSettings;
}

/** Checks every clock's network before Node-RED starts, so a bad flow fails fast and clearly. */
export function checkFlow(nodes: unknown, options: RunOptions = {}): FlowClock[] {
  checkEntries(nodes);
  const clocks = clocksIn(nodes);
  if (clocks.length === 0) throw new RunError('the flow has no (enabled) izh-clock node, so there is nothing to run', 2);
  const graph = flowGraph(nodes); // once for all clocks
  // typed fields of type env read the flow's and the process's environment, as Node-RED will
  const env = flowEnv(nodes);
  return clocks.map((clock) => {
    try {
      const { settings } = compileNetwork(graph, clock.id, undefined, { memoryBudgetMB: options.memoryBudgetMB, env }).clock;
      if (settings.duration === Infinity && options.timeoutMs === undefined) {
        throw new RunError(`${labelOf(clock).english} runs until stopped (no duration); give a time limit (--timeout ms) or set a duration`, 2);
      }
      return { node: clock, settings };
    } catch (e) {
      if (e instanceof ConfigError) throw new RunError(e.nodeLabel ? e.message : `${labelOf(clock).english}: ${e.message}`, 2);
      throw e;
    }
  });
}

/** "no-such-node (nodes x, z), other (node y)": missing types with the nodes that use them, in flow order. */
function describeMissingTypes(nodes: readonly FlowNode[], types: readonly string[]): string {
  const missing = new Set(types);
  const users = new Map<string, string[]>();
  for (const node of nodes) {
    if (!missing.has(node.type)) continue;
    users.set(node.type, [...(users.get(node.type) ?? []), node.id]);
  }
  for (const type of types) if (!users.has(type)) users.set(type, []);
  return [...users]
    .map(([type, ids]) => {
      if (ids.length === 0) return type;
      const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
      return `${type} (node${ids.length === 1 ? '' : 's'} ${shown})`;
    })
    .join(', ');
}

/** The runtime-state event Node-RED emits instead of starting the flows (missing types or modules). */
interface RuntimeEvent {
  id?: string;
  payload?: { error?: string; text?: string; types?: string[]; modules?: Array<{ module: string; error: string }> };
}

export async function runFlow(input: FlowNode[], options: RunOptions = {}): Promise<RunReport> {
  const clocks = checkFlow(input, options);
  const nodes: FlowNode[] = input;
  let RED: any;
  try {
    RED = require('node-red');
  } catch {
    throw new RunError('izh-flow needs Node-RED: run `npm install node-red` next to this package', 2);
  }
  // Node-RED's user directory: a temporary directory of our own, removed on every way out
  // (also when the process exits early, e.g. on Ctrl+C through process.exit)
  const userDir = mkdtempSync(join(tmpdir(), 'izh-flow-'));
  const removeUserDir = () => rmSync(userDir, { recursive: true, force: true });
  process.on('exit', removeUserDir);
  let initialised = false;
  const cleanups: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    // nodes outside any tab (as in an exported selection) go onto one tab of their own,
    const tabs = new Set(nodes.filter((n) => n.type === 'tab').map((n) => n.id));
    // and hand-written nodes without a position (Node-RED would take them for config nodes) get one
    const kept: FlowNode[] = nodes
      .filter((n) => !isDashboardNode(n))
      .map((n) => (Array.isArray(n.wires) ? { x: 0, y: 0, ...n, z: typeof n.z === 'string' && tabs.has(n.z) ? n.z : 'izh-flow-tab' } : n));
    if (kept.some((n) => n.z === 'izh-flow-tab')) kept.push({ id: 'izh-flow-tab', type: 'tab', label: 'izh-flow' });
    // an absolute path: a relative one Node-RED would look for in the current directory first
    const flowFile = join(userDir, 'flows.json');
    writeFileSync(flowFile, JSON.stringify(kept));
    const errors: string[] = [];
    RED.init({
      userDir,
      flowFile,
      nodesDir: [packageRoot()],
      httpAdminRoot: false,
      httpNodeRoot: false,
      credentialSecret: false,
      ...(options.memoryBudgetMB !== undefined ? { [BUDGET_SETTING]: options.memoryBudgetMB } : {}),
      logging: {
        console: { level: options.logLevel ?? 'fatal', metrics: false, audit: false },
        collector: {
          level: 'error',
          metrics: false,
          audit: false,
          handler: () => (entry: { level: number; msg: unknown; type?: string; name?: string; id?: string }) => {
            // our nodes name themselves in their messages; others are named by type
            if (entry.level <= 20) errors.push(entry.type?.startsWith('izh-') ? String(entry.msg) : `${entry.type ?? 'node-red'}: ${String(entry.msg)}`);
          },
        },
      },
    });
    initialised = true;
    let flowsStarted = false;

    // Node-RED starts the flows after RED.start() resolves, or reports why it will not
    const started = new Promise<void>((resolve, reject) => {
      const onStarted = () => resolve();
      const onRuntimeEvent = (event: RuntimeEvent) => {
        const error = event?.id === 'runtime-state' ? event.payload?.error : undefined;
        if (error === 'missing-types') {
          const types = event.payload?.types ?? [];
          reject(new RunError(`the flow uses node types that are not installed: ${describeMissingTypes(kept, types)}; install the modules that provide them in Node-RED, or remove those nodes`, 2));
        } else if (error === 'missing-modules') {
          const modules = (event.payload?.modules ?? []).map((m) => `${m.module} (${m.error})`).join(', ');
          reject(new RunError(`the flow needs modules that could not be loaded: ${modules}`, 2));
        } else if (error) {
          reject(new RunError(`Node-RED did not start the flow: ${error}${event.payload?.text ? ` (${event.payload.text})` : ''}`, 1));
        }
      };
      RED.events.once('flows:started', onStarted);
      RED.events.on('runtime-event', onRuntimeEvent);
      cleanups.push(() => {
        RED.events.removeListener('flows:started', onStarted);
        RED.events.removeListener('runtime-event', onRuntimeEvent);
      });
    });
    // whatever else keeps the flows from starting or a run from ending: once nothing is left to
    // do, fail instead of exiting quietly with nothing written
    const stalled = new Promise<never>((_, reject) => {
      const onIdle = () => reject(new RunError(`Node-RED has nothing left to do, but ${flowsStarted ? 'not every run ended' : 'the flow did not start'}${errors.length > 0 ? `:\n${errors.join('\n')}` : ''}`, 1));
      process.once('beforeExit', onIdle);
      cleanups.push(() => process.removeListener('beforeExit', onIdle));
    });
    stalled.catch(() => undefined);
    await RED.start();
    await Promise.race([started, stalled]);
    flowsStarted = true;

    const ended = new Map<string, RunEvent>();
    const stoppedByLimit = new Set<string>();
    const outcomes = clocks.map(
      ({ node: clock }) =>
        new Promise<RunEvent>((resolve, reject) => {
          const node: Node | null = RED.nodes.getNode(clock.id);
          if (!node) return reject(new RunError(`${labelOf(clock).english} was not created; see the errors above`, 1));
          node.on(RUN_EVENT, (event: RunEvent) => {
            if (['finished', 'stopped', 'error'].includes(event.event)) {
              ended.set(clock.id, event);
              resolve(event);
            }
          });
          node.receive({ payload: 'start' });
          // a clock that failed to build its network reports an error and never starts
          setImmediate(() => {
            if (errors.length > 0) reject(new RunError(errors.join('\n'), 1));
          });
        }),
    );
    // at the time limit every clock still running is stopped: its monitors deliver what they recorded
    const limit = new Promise<never>((_, reject) => {
      if (options.timeoutMs === undefined) return;
      const timeoutMs = options.timeoutMs;
      timer = setTimeout(() => {
        for (const { node: clock } of clocks) {
          if (ended.has(clock.id)) continue;
          stoppedByLimit.add(clock.id);
          RED.nodes.getNode(clock.id)?.receive({ payload: 'stop' });
        }
        // a stop takes effect at once (between two slices of a run); allow for a busy machine
        timer = setTimeout(() => reject(new RunError(`the runs did not stop within ${timeoutMs} ms of the time limit`, 1)), Math.max(5000, timeoutMs));
      }, timeoutMs);
    });
    limit.catch(() => undefined);
    const events = await Promise.race([Promise.all(outcomes), limit, stalled]);
    const failed = events.find((e) => e.event === 'error');
    if (failed || errors.length > 0) throw new RunError(errors.join('\n') || `a run failed: ${failed?.error}`, 1);
    const report: RunReport = {
      clocks: clocks.map(({ node: clock, settings }, i) => {
        const e = events[i];
        return {
          id: clock.id,
          name: clock.name || clock.id,
          dt: settings.dt,
          duration: settings.duration,
          event: e.event,
          ...(stoppedByLimit.has(clock.id) && e.event === 'stopped' ? { stoppedBy: 'timeout' as const } : {}),
          t: e.t,
          steps: e.steps,
          wallMs: e.wallMs,
        };
      }),
      monitors: collectMonitors(RED, nodes),
      ...(options.weights ? { synapses: collectWeights(RED, nodes) } : {}),
    };
    // a run with a duration that the limit cut short did not do what was asked: fail, with what it recorded
    const unfinished = report.clocks.filter((c) => c.stoppedBy === 'timeout' && Number.isFinite(c.duration));
    if (unfinished.length > 0) {
      const byId = new Map(clocks.map((k) => [k.node.id, k.node]));
      const which = unfinished.map((c) => `${labelOf(byId.get(c.id)!).english} did not finish within --timeout (${options.timeoutMs} ms): stopped at t = ${c.t} ms of ${c.duration} ms`);
      throw new RunError(`${which.join('\n')}; what it recorded so far is written`, 1, report);
    }
    return report;
  } finally {
    if (timer) clearTimeout(timer);
    for (const cleanup of cleanups) cleanup();
    try {
      if (initialised) await RED.stop();
    } finally {
      removeUserDir();
      process.removeListener('exit', removeUserDir);
    }
  }
}

function collectWeights(RED: any, nodes: FlowNode[]): SynapseReport[] {
  const reports: SynapseReport[] = [];
  for (const n of nodes) {
    if (n.type !== NODE_TYPES.synapse) continue;
    const saved = (RED.nodes.getNode(n.id) as SynapseNode | null)?.izhWeights?.();
    if (saved) reports.push({ id: n.id, name: n.name || n.id, z: typeof n.z === 'string' ? n.z : undefined, ...saved });
  }
  return reports;
}

function collectMonitors(RED: any, nodes: FlowNode[]): MonitorReport[] {
  const reports: MonitorReport[] = [];
  for (const n of nodes) {
    if (!MONITOR_TYPES.includes(n.type)) continue;
    const node: MonitorNode | null = RED.nodes.getNode(n.id);
    if (!node?.izhResult) continue; // not part of any network
    const base = { id: n.id, name: n.name || n.id, z: typeof n.z === 'string' ? n.z : undefined };
    const { monitor, result } = node.izhResult;
    switch (monitor) {
      case 'spike': reports.push({ ...base, type: 'spike', ...(result as SpikeResult) }); break;
      case 'state': reports.push({ ...base, type: 'state', ...(result as StateResult) }); break;
      case 'rate': reports.push({ ...base, type: 'rate', ...(result as RateResult) }); break;
      case 'weight': reports.push({ ...base, type: 'weight', ...(result as WeightResult) }); break;
    }
  }
  return reports;
}

/**
 * CSV files for a report: one per monitor: spikes (t_ms,neuron), state traces (t_ms,v_0,...),
 * the population rate (t_ms,rate_hz[,smoothed_hz]) and weights (t_ms,mean, then the count of each
 * histogram bin, headed by its range).
 */
/** Safe, distinct file names for node names: `<name>-<suffix>.<extension>`, numbered when two nodes share a name. */
function fileNamer(fallback: string, extension: string): (name: string, suffix: string) => string {
  const used = new Set<string>();
  return (name, suffix) => {
    const base = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || fallback;
    let file = `${base}-${suffix}.${extension}`;
    for (let i = 2; used.has(file); i++) file = `${base}-${i}-${suffix}.${extension}`;
    used.add(file);
    return file;
  };
}

/** The saved weights of every synapse node (`<name>-weights.json`: {pre, post, weight, delay}, what a list synapse loads). */
export function toWeightFiles(report: RunReport): Array<{ file: string; text: string }> {
  const fileName = fileNamer('synapse', 'json');
  return (report.synapses ?? []).map((s) => ({ file: fileName(s.name, 'weights'), text: JSON.stringify(s.weights) }));
}

export function toCsv(report: RunReport): Array<{ file: string; text: string }> {
  const fileName = fileNamer('monitor', 'csv');
  return report.monitors.map((m) => {
    if (m.type === 'spike') {
      const rows = m.times.map((t, i) => `${t},${m.indices[i]}`);
      return { file: fileName(m.name, 'spikes'), text: ['t_ms,neuron', ...rows].join('\n') + '\n' };
    }
    if (m.type === 'rate') {
      const rows = m.t.map((t, i) => [t, m.rate[i], ...(m.smoothed ? [m.smoothed[i]] : [])].join(','));
      return { file: fileName(m.name, 'rate'), text: [['t_ms', 'rate_hz', ...(m.smoothed ? ['smoothed_hz'] : [])].join(','), ...rows].join('\n') + '\n' };
    }
    if (m.type === 'weight') {
      const bins = m.edges.slice(1).map((high, b) => `w_${m.edges[b]}..${high}`);
      const rows = m.t.map((t, i) => [t, m.mean[i], ...m.histogram[i]].join(','));
      return { file: fileName(m.name, 'weights'), text: [['t_ms', 'mean', ...bins].join(','), ...rows].join('\n') + '\n' };
    }
    const columns: Array<{ head: string; values: number[] }> = [];
    for (const variable of ['v', 'u', 'I'] as const) {
      const series = m[variable];
      if (series) series.forEach((values, j) => columns.push({ head: `${variable}_${m.indices[j]}`, values }));
    }
    const rows = m.t.map((t, s) => [t, ...columns.map((c) => c.values[s])].join(','));
    return { file: fileName(m.name, 'state'), text: [['t_ms', ...columns.map((c) => c.head)].join(','), ...rows].join('\n') + '\n' };
  });
}

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
import { clocksIn, compileNetwork, labelOf, NODE_TYPES, type FlowNode } from '../lib/flow/compiler';
import type { SpikeResult, StateResult } from '../lib/engine/monitors';
import type { RunEvent } from '../lib/engine/simulation';
import { ConfigError } from '../lib/engine/validate';
import type { Node } from '../nodes/api';
import { RUN_EVENT } from '../nodes/izh-clock';
import type { MonitorNode } from '../nodes/monitor';

export interface ClockReport {
  id: string;
  name: string;
  dt: number;
  duration: number;
  event: RunEvent['event'];
  t: number;
  steps: number;
  wallMs: number;
}

export type MonitorReport =
  | ({ id: string; name: string; type: 'spike'; z?: string } & SpikeResult)
  | ({ id: string; name: string; type: 'state'; z?: string } & StateResult);

export interface RunReport {
  clocks: ClockReport[];
  monitors: MonitorReport[];
}

export interface RunOptions {
  /** wall-clock limit for all runs (ms); required when a clock never finishes by itself */
  timeoutMs?: number;
  /** Node-RED log level on the console */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info';
  /** memory each clock's network may use (MB); default DEFAULT_MEMORY_BUDGET_MB (izhClockMemoryBudget) */
  memoryBudgetMB?: number;
}

/** A problem with the flow or the run, with the node it concerns in its message. */
export class RunError extends Error {
  constructor(message: string, readonly exitCode: number) {
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

/** Checks every clock's network before Node-RED starts, so a bad flow fails fast and clearly. */
export function checkFlow(nodes: FlowNode[], options: RunOptions = {}): FlowNode[] {
  if (!Array.isArray(nodes)) throw new RunError('the flow file must hold a JSON array of nodes', 2);
  const clocks = clocksIn(nodes);
  if (clocks.length === 0) throw new RunError('the flow has no (enabled) izh-clock node, so there is nothing to run', 2);
  for (const clock of clocks) {
    try {
      const { settings } = compileNetwork(nodes, clock.id, undefined, { memoryBudgetMB: options.memoryBudgetMB }).clock;
      if (settings.duration === Infinity && options.timeoutMs === undefined) {
        throw new RunError(`${labelOf(clock)} runs until stopped (no duration); give a time limit (--timeout ms) or set a duration`, 2);
      }
    } catch (e) {
      if (e instanceof ConfigError) throw new RunError(e.nodeLabel ? e.message : `${labelOf(clock)}: ${e.message}`, 2);
      throw e;
    }
  }
  return clocks;
}

export async function runFlow(nodes: FlowNode[], options: RunOptions = {}): Promise<RunReport> {
  const clocks = checkFlow(nodes, options);
  let RED: any;
  try {
    RED = require('node-red');
  } catch {
    throw new RunError('izh-flow needs Node-RED: run `npm install node-red` next to this package', 2);
  }
  const userDir = mkdtempSync(join(tmpdir(), 'izh-flow-'));
  // nodes outside any tab (as in an exported selection) go onto one tab of their own,
  const tabs = new Set(nodes.filter((n) => n.type === 'tab').map((n) => n.id));
  // and hand-written nodes without a position (Node-RED would take them for config nodes) get one
  const kept: FlowNode[] = nodes
    .filter((n) => !isDashboardNode(n))
    .map((n) => (Array.isArray(n.wires) ? { x: 0, y: 0, ...n, z: typeof n.z === 'string' && tabs.has(n.z) ? n.z : 'izh-flow-tab' } : n));
  if (kept.some((n) => n.z === 'izh-flow-tab')) kept.push({ id: 'izh-flow-tab', type: 'tab', label: 'izh-flow' });
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(kept));
  const errors: string[] = [];
  RED.init({
    userDir,
    flowFile: 'flows.json',
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
  const started = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));
  await RED.start();
  let timer: NodeJS.Timeout | undefined;
  try {
    await started;
    const outcomes = clocks.map(
      (clock) =>
        new Promise<RunEvent>((resolve, reject) => {
          const node: Node | null = RED.nodes.getNode(clock.id);
          if (!node) return reject(new RunError(`${labelOf(clock)} was not created; see the errors above`, 1));
          node.on(RUN_EVENT, (event: RunEvent) => {
            if (['finished', 'stopped', 'error'].includes(event.event)) resolve(event);
          });
          node.receive({ payload: 'start' });
          // a clock that failed to build its network reports an error and never starts
          setImmediate(() => {
            if (errors.length > 0) reject(new RunError(errors.join('\n'), 1));
          });
        }),
    );
    const limit = new Promise<never>((_, reject) => {
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => reject(new RunError(`the runs did not end within ${options.timeoutMs} ms`, 1)), options.timeoutMs);
      }
    });
    const events = await Promise.race([Promise.all(outcomes), limit]);
    const failed = events.find((e) => e.event === 'error');
    if (failed || errors.length > 0) throw new RunError(errors.join('\n') || `a run failed: ${failed?.error}`, 1);
    return {
      clocks: clocks.map((clock, i) => {
        const { settings } = compileNetwork(nodes, clock.id, undefined, { memoryBudgetMB: options.memoryBudgetMB }).clock;
        const e = events[i];
        return { id: clock.id, name: clock.name || clock.id, dt: settings.dt, duration: settings.duration, event: e.event, t: e.t, steps: e.steps, wallMs: e.wallMs };
      }),
      monitors: collectMonitors(RED, nodes),
    };
  } finally {
    if (timer) clearTimeout(timer);
    await RED.stop();
    rmSync(userDir, { recursive: true, force: true });
  }
}

function collectMonitors(RED: any, nodes: FlowNode[]): MonitorReport[] {
  const reports: MonitorReport[] = [];
  for (const n of nodes) {
    if (n.type !== NODE_TYPES.spikeMonitor && n.type !== NODE_TYPES.stateMonitor) continue;
    const node: MonitorNode | null = RED.nodes.getNode(n.id);
    if (!node?.izhResult) continue; // not part of any network
    const base = { id: n.id, name: n.name || n.id, z: typeof n.z === 'string' ? n.z : undefined };
    reports.push(
      node.izhResult.monitor === 'spike'
        ? { ...base, type: 'spike', ...(node.izhResult.result as SpikeResult) }
        : { ...base, type: 'state', ...(node.izhResult.result as StateResult) },
    );
  }
  return reports;
}

/** CSV files for a report: one per spike monitor (t_ms,neuron) and one per state monitor. */
export function toCsv(report: RunReport): Array<{ file: string; text: string }> {
  const used = new Set<string>();
  const fileName = (name: string, suffix: string) => {
    const base = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'monitor';
    let file = `${base}-${suffix}.csv`;
    for (let i = 2; used.has(file); i++) file = `${base}-${i}-${suffix}.csv`;
    used.add(file);
    return file;
  };
  return report.monitors.map((m) => {
    if (m.type === 'spike') {
      const rows = m.times.map((t, i) => `${t},${m.indices[i]}`);
      return { file: fileName(m.name, 'spikes'), text: ['t_ms,neuron', ...rows].join('\n') + '\n' };
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

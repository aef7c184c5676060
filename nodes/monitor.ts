/**
 * The part the monitor nodes share (spike, state, rate and weight monitors): they observe a
 * neuron, a spike generator or a synapse node in a clock's network and send what it recorded, every chunk when `live` is on and at the end of a run (finished, stopped or
 * failed), as plain arrays or as Dashboard 2 chart messages. The end-of-run result is copied
 * a slice at a time, so a big run's end does not block Node-RED; a result whose arrays would
 * hold more than PLAIN_ARRAY_LIMIT numbers comes in typed arrays (a plain array that long is
 * allocated and filled in one piece, blocking Node-RED for a tenth of a second and more). The
 * last result stays readable for the headless runner, in plain arrays.
 */
import type { FlowNode } from '../lib/flow/compiler';
import { normalizeMonitorOutput, type MonitorOutput } from '../lib/flow/monitor-output';
import type { RunEvent } from '../lib/engine/simulation';
import { finishInSlices, type Incremental } from '../lib/engine/slices';
import type { ChartMessage } from '../lib/render/charts';
import type { Node, NodeMessage, NodeRED } from './api';
import { enrol, migrated, reportError, serveSchema, showWiring, type ActiveRun, type SimulationMember } from './shared';
import { say, translate } from './i18n';
import type { Message } from '../lib/engine/messages';

/** What a monitor records: spikes, state traces, the population rate, synaptic weights. */
export type MonitorResultKind = 'spike' | 'state' | 'rate' | 'weight';

/** What a monitor node keeps of its last run. */
export interface MonitorNode extends Node {
  izhResult?: { monitor: MonitorResultKind; result: object };
}

export interface Recorder {
  takeChunk(): object;
  /** the result so far, as a job copied a slice at a time */
  snapshot(): Incremental<object>;
  /** the same in typed arrays (Float64Array, Int32Array for neuron indices), for monitors whose results can be long */
  typedSnapshot?(): Incremental<object>;
  /** numbers the longest array of a snapshot taken now would hold */
  readonly resultLength?: number;
}

/**
 * The end-of-run message of the arrays format holds typed arrays (Float64Array; Int32Array for
 * spike indices) instead of plain arrays when they would be longer than this: 8 MB a plain
 * array, allocated in a few ms. Indexing and length work the same; Node-RED's debug sidebar
 * shows them, Array.from(...) makes plain arrays of them.
 */
export const PLAIN_ARRAY_LIMIT = 1_000_000;

/** A result with any typed array in it (times, v[j], ...) turned into plain arrays, for the headless runner. */
export function plainResult(result: object): object {
  const plain = (x: unknown): unknown => (ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : Array.isArray(x) ? x.map(plain) : x);
  return Object.fromEntries(Object.entries(result).map(([key, value]) => [key, plain(value)]));
}

export interface MonitorKind {
  type: string;
  monitor: MonitorResultKind;
  /** validates the node's own config; returns the idle status text */
  check(config: FlowNode): Message;
  recorder(run: ActiveRun, id: string): Recorder | undefined;
  /** status text after a run */
  summary(result: object): Message;
  /** the result (or a chunk of it) as Dashboard 2 chart messages */
  chart(result: object, label: string, maxPoints: number): ChartMessage[];
  /** outputs of the node (default 1); in the chart format, chartOutput() says where each message goes */
  outputs?: number;
  chartOutput?(message: ChartMessage): number;
  /** adds to the end-of-run message of the arrays format (e.g. msg.svg) */
  decorate?(msg: NodeMessage, result: object, config: FlowNode, output: MonitorOutput): void;
}

export function registerMonitor(RED: NodeRED, kind: MonitorKind): void {
  serveSchema(RED);
  function MonitorNodeConstructor(this: MonitorNode, saved: FlowNode) {
    RED.nodes.createNode(this, saved);
    const node = this;
    const config = migrated(saved);
    // a bad setting leaves the node red; the compiler refuses any run that includes it
    let output: MonitorOutput | null = null;
    try {
      output = normalizeMonitorOutput(config);
      showWiring(RED, node, config, { fill: 'grey', shape: 'dot', text: translate(RED, kind.check(config)) });
    } catch (e) {
      output = null;
      reportError(RED, node, config, e);
    }
    const topic = config.name || kind.type;
    const outputs = kind.outputs ?? 1;

    /** Sends what was recorded: one message of arrays, or chart messages (one per line). */
    const deliver = (out: MonitorOutput, data: object, event: string, t: number) => {
      if (out.format === 'arrays') {
        const msg: NodeMessage = { topic, event, t, payload: data };
        if (event !== 'chunk') kind.decorate?.(msg, data, config, out);
        node.send(msg);
        return;
      }
      const messages = kind.chart(data, topic, out.chartPoints).filter((m) => (m.payload as unknown[]).length > 0);
      if (messages.length === 0) return;
      const perOutput: NodeMessage[][] = Array.from({ length: outputs }, () => []);
      for (const m of messages) perOutput[Math.min(outputs - 1, Math.max(0, kind.chartOutput?.(m) ?? 0))].push({ ...m, event, t });
      node.send(perOutput.map((list) => (list.length > 0 ? list : null)));
    };

    const member: SimulationMember = {
      attach(run) {
        if (!run || !output) return;
        // the last run's result is no longer the one to read; let it go before the new run records
        delete node.izhResult;
        node.status({ fill: 'green', shape: 'dot', text: translate(RED, say('izh.status.recording')) });
        // a fresh run: empty the charts fed by this monitor
        if (output.format === 'chart') node.send(Array.from({ length: outputs }, () => ({ topic, event: 'clear', t: 0, payload: [] })));
      },
      chunk(run) {
        if (!output?.live || run.simulation.state !== 'running') return;
        const recorder = kind.recorder(run, node.id);
        if (recorder) deliver(output, recorder.takeChunk(), 'chunk', run.network.time);
      },
      async ended(run: ActiveRun, event: RunEvent) {
        if (event.event === 'paused' || !output) return;
        const recorder = kind.recorder(run, node.id);
        if (!recorder) return;
        const t = run.network.time;
        // charts and pictures are drawn from plain arrays; the arrays format takes typed ones when they are long
        const long = output.format === 'arrays' && !output.svg && (recorder.resultLength ?? 0) > PLAIN_ARRAY_LIMIT;
        const typedJob = long ? recorder.typedSnapshot?.() : undefined;
        const typed = typedJob !== undefined;
        const result = await finishInSlices(typedJob ?? recorder.snapshot());
        let plain: object | null = typed ? null : result;
        node.izhResult = {
          monitor: kind.monitor,
          get result() {
            return (plain ??= plainResult(result));
          },
        };
        node.status({ fill: 'blue', shape: 'dot', text: translate(RED, kind.summary(result)) });
        // live charts already hold every point; other formats get the whole run now
        if (output.format === 'chart' && output.live) return;
        deliver(output, result, event.event, t);
      },
    };
    enrol(node, member);
  }
  RED.nodes.registerType(kind.type, MonitorNodeConstructor);
}

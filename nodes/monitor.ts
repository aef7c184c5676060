/**
 * The part both monitor nodes share: they observe a neuron in a clock's network and send what
 * it recorded, every chunk when `live` is on and at the end of a run (finished, stopped or
 * failed), as plain arrays or as Dashboard 2 chart messages. The last result stays readable
 * for the headless runner.
 */
import type { FlowNode } from '../lib/flow/compiler';
import type { RunEvent } from '../lib/engine/simulation';
import { DEFAULT_CHART_POINTS, type ChartMessage } from '../lib/render/charts';
import { oneOf, optionalNumber, toBoolean } from '../lib/engine/validate';
import type { Node, NodeMessage, NodeRED } from './api';
import { enrol, reportError, showWiring, type ActiveRun, type SimulationMember } from './shared';

/** What a monitor node keeps of its last run. */
export interface MonitorNode extends Node {
  izhResult?: { monitor: 'spike' | 'state'; result: object };
}

interface Recorder {
  takeChunk(): object;
  result(): object;
}

export interface MonitorKind {
  type: string;
  monitor: 'spike' | 'state';
  /** validates the node's own config; returns the idle status text */
  check(config: FlowNode): string;
  recorder(run: ActiveRun, id: string): Recorder | undefined;
  /** status text after a run */
  summary(result: object): string;
  /** the result (or a chunk of it) as Dashboard 2 chart messages */
  chart(result: object, label: string, maxPoints: number): ChartMessage[];
  /** adds to the end-of-run message of the arrays format (e.g. msg.svg) */
  decorate?(msg: NodeMessage, result: object, config: FlowNode): void;
}

/** How a monitor sends: plain arrays, or messages a Dashboard 2 chart takes as they are. */
export const FORMATS = ['arrays', 'chart'] as const;

export function registerMonitor(RED: NodeRED, kind: MonitorKind): void {
  function MonitorNodeConstructor(this: MonitorNode, config: FlowNode) {
    RED.nodes.createNode(this, config);
    const node = this;
    let live = false;
    let format: (typeof FORMATS)[number] = 'arrays';
    let chartPoints = DEFAULT_CHART_POINTS;
    try {
      live = toBoolean('live', config.live, false);
      format = oneOf('format', config.format, FORMATS, 'arrays');
      chartPoints = optionalNumber('chartPoints', config.chartPoints, DEFAULT_CHART_POINTS, { integer: true, min: 10, max: 100_000 });
      showWiring(RED, node, config, { fill: 'grey', shape: 'dot', text: kind.check(config) });
    } catch (e) {
      reportError(node, config, e);
    }
    const topic = config.name || kind.type;

    /** Sends what was recorded: one message of arrays, or chart messages (one per line). */
    const deliver = (data: object, event: string, t: number) => {
      if (format === 'arrays') {
        const msg: NodeMessage = { topic, event, t, payload: data };
        if (event !== 'chunk') kind.decorate?.(msg, data, config);
        node.send(msg);
        return;
      }
      const messages = kind.chart(data, topic, chartPoints).filter((m) => (m.payload as unknown[]).length > 0);
      if (messages.length > 0) node.send([messages.map((m) => ({ ...m, event, t }))]);
    };

    const member: SimulationMember = {
      attach(run) {
        if (!run) return;
        node.status({ fill: 'green', shape: 'dot', text: 'recording' });
        // a fresh run: empty the charts fed by this monitor
        if (format === 'chart') node.send({ topic, event: 'clear', t: 0, payload: [] });
      },
      chunk(run) {
        if (!live || run.simulation.state !== 'running') return;
        const recorder = kind.recorder(run, node.id);
        if (recorder) deliver(recorder.takeChunk(), 'chunk', run.network.time);
      },
      ended(run: ActiveRun, event: RunEvent) {
        if (event.event === 'paused') return;
        const recorder = kind.recorder(run, node.id);
        if (!recorder) return;
        const result = recorder.result();
        node.izhResult = { monitor: kind.monitor, result };
        node.status({ fill: 'blue', shape: 'dot', text: kind.summary(result) });
        // live charts already hold every point; other formats get the whole run now
        if (format === 'chart' && live) return;
        deliver(result, event.event, run.network.time);
      },
    };
    enrol(node, member);
  }
  RED.nodes.registerType(kind.type, MonitorNodeConstructor);
}

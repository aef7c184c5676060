/**
 * The part both monitor nodes share: they observe a neuron in a clock's network and send what
 * it recorded, every chunk when `live` is on and always at the end of a run (finished or
 * stopped). The last result stays readable for the headless runner.
 */
import type { FlowNode } from '../lib/compiler';
import type { RunEvent } from '../lib/simulation';
import { toBoolean } from '../lib/validate';
import type { Node, NodeRED } from './api';
import { registerMember, reportError, showWiring, unregisterMember, type ActiveRun, type SimulationMember } from './shared';

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
}

export function registerMonitor(RED: NodeRED, kind: MonitorKind): void {
  function MonitorNodeConstructor(this: MonitorNode, config: FlowNode) {
    RED.nodes.createNode(this, config);
    const node = this;
    let live = false;
    try {
      live = toBoolean('live', config.live, false);
      showWiring(RED, node, config, { fill: 'grey', shape: 'dot', text: kind.check(config) });
    } catch (e) {
      reportError(node, config, e);
    }
    const topic = config.name || kind.type;

    const member: SimulationMember = {
      attach(run) {
        if (run) node.status({ fill: 'green', shape: 'dot', text: 'recording' });
      },
      chunk(run) {
        if (!live || run.simulation.state !== 'running') return;
        const recorder = kind.recorder(run, node.id);
        if (recorder) node.send({ topic, event: 'chunk', t: run.network.time, payload: recorder.takeChunk() });
      },
      ended(run: ActiveRun, event: RunEvent) {
        if (event.event === 'paused') return;
        const recorder = kind.recorder(run, node.id);
        if (!recorder) return;
        const result = recorder.result();
        node.izhResult = { monitor: kind.monitor, result };
        node.status({ fill: 'blue', shape: 'dot', text: kind.summary(result) });
        node.send({ topic, event: event.event, t: run.network.time, payload: result });
      },
    };
    registerMember(node.id, member);

    node.on('close', (_removed: boolean, done: () => void) => {
      unregisterMember(node.id, member);
      done();
    });
  }
  RED.nodes.registerType(kind.type, MonitorNodeConstructor);
}

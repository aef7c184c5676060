/**
 * izh-synapse: the synapses from one neuron (or spike generator) to one neuron node. It is
 * wired neuron -> synapse -> neuron on the simulation wires (first outputs); its second output
 * sends the weights when asked ("save"). The connections are drawn when the clock builds its
 * network, so how many there are is known only then. Messages change its fields for the next
 * start of the clock (a running network keeps its synapses), e.g. {"rule": "list",
 * "connections": <saved weights>} loads weights that a "save" sent.
 */
import { formatMB } from '../lib/engine/budget';
import { ConfigError } from '../lib/engine/validate';
import { checkSynapse, MAX_LIST_CONNECTIONS, normalizeSynapse, sidesOf, type SynapseSpec } from '../lib/engine/synapses';
import type { Projection } from '../lib/engine/projection';
import type { FlowNode } from '../lib/flow/compiler';
import { SYNAPSE_DEFAULTS } from '../lib/flow/network-examples';
import type { Node, NodeMessage, NodeRED, NodeStatus } from './api';
import { commandOf, enrol, formatCount, formatNumber, migrated, onInput, reportError, serveSchema, showWiring, type ActiveRun, type SimulationMember } from './shared';
import { say, translate } from './i18n';
import { commaList, type Value } from '../lib/engine/messages';

/** The fields a message may change: every field of the node. */
export const SYNAPSE_FIELDS = Object.keys(SYNAPSE_DEFAULTS);

const short = (text: string, length = 14) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

/** The rule in a few words: `out-degree 100, w 6`, `all-to-all, w 0..0.5`, `p 0.1, w 4, τ 5 ms`. */
export function describeSynapse(spec: SynapseSpec): Value {
  const parts: Value[] = [];
  switch (spec.rule) {
    case 'all-to-all': parts.push('all-to-all'); break;
    case 'one-to-one': parts.push('one-to-one'); break;
    case 'probability': parts.push(`p ${formatNumber(spec.probability)}`); break;
    case 'out-degree': parts.push(`out-degree ${spec.degree.toLocaleString('en-US')}`); break;
    case 'in-degree': parts.push(`in-degree ${spec.degree.toLocaleString('en-US')}`); break;
    case 'list': parts.push(say('izh-synapse.status.list', { count: spec.connections.length.toLocaleString('en-US') })); break;
  }
  const w = spec.weight;
  switch (w.kind) {
    case 'constant': if (!Number.isNaN(w.value)) parts.push(`w ${formatNumber(w.value)}`); break;
    case 'uniform': parts.push(`w ${formatNumber(w.low)}..${formatNumber(w.high)}`); break;
    case 'normal': parts.push(`w ${formatNumber(w.mean)} ± ${formatNumber(w.sd)}`); break;
    case 'expression': parts.push(`w = ${short(w.formula.text)}`); break;
  }
  const d = spec.delay;
  switch (d.kind) {
    case 'constant': if (!Number.isNaN(d.ms)) parts.push(`${formatNumber(d.ms)} ms`); break;
    case 'uniform': parts.push(`${formatNumber(d.min)}..${formatNumber(d.max)} ms`); break;
    case 'split': parts.push(`1..${formatNumber(d.max)} ms`); break;
  }
  if (spec.kind === 'exponential') parts.push(`τ ${formatNumber(spec.tau)} ms`);
  if (spec.plasticity.rule !== 'none') parts.push(spec.plasticity.rule === 'stdp' ? 'STDP' : say('izh-synapse.status.learning2006'));
  return commaList(parts);
}

/** 640 B, 12.5 kB, 1.4 MB (kB and MB of 1024). */
export function memoryText(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${Math.round((bytes / 1024) * 10) / 10} kB`;
  return `${formatMB(bytes)} MB`;
}

/** What a message asks: to save the weights, or to change fields. */
function isSave(msg: NodeMessage): boolean {
  if (commandOf(msg) === 'save') return true;
  const payload = msg.payload;
  if (!payload || typeof payload !== 'object' || Array.isArray(payload) || !('save' in payload)) return false;
  const { save, ...others } = payload as Record<string, unknown>;
  if (save !== true && save !== 'true') throw new ConfigError('msg.payload.save', save, say('izh-synapse.errors.saveTrue'));
  if (Object.keys(others).length > 0) throw new ConfigError('msg.payload', payload, say('izh-synapse.errors.saveAlone'));
  return true;
}

/** The weights of a synapse node's last run, for the headless runner (`izh-flow --weights`). */
export interface SynapseNode extends Node {
  izhWeights?: () => { synapses: number; t: number; weights: ReturnType<Projection['saved']> } | null;
}

export default function register(RED: NodeRED): void {
  serveSchema(RED);
  function IzhSynapseNode(this: SynapseNode, saved: FlowNode) {
    RED.nodes.createNode(this, saved);
    const node = this;
    const config = migrated(saved);
    const topic = config.name || 'synapse';
    let patch: Record<string, unknown> = {};
    let run: ActiveRun | null = null;
    const idle = (spec: SynapseSpec): NodeStatus => ({ fill: 'grey', shape: 'dot', text: translate(RED, describeSynapse(spec)) });

    try {
      showWiring(RED, node, config, idle(normalizeSynapse(config)));
    } catch (e) {
      reportError(RED, node, config, e);
    }

    /** The number of synapses and their memory, once a run has drawn them. */
    const showBuilt = (r: ActiveRun) => {
      const projection = r.network.projections.get(node.id);
      if (!projection) return;
      const n = projection.synapses;
      node.status({ fill: 'green', shape: 'dot', text: translate(RED, say('izh-synapse.status.built', { synapses: formatCount(n, 'synapse'), memory: memoryText(projection.bytes) })) });
    };

    const member: SimulationMember = {
      patch: () => patch,
      attach(r) {
        run = r;
        if (r) {
          showBuilt(r);
        } else {
          try {
            node.status(idle(normalizeSynapse({ ...config, ...patch })));
          } catch {
            // the problem was reported when it arose
          }
        }
      },
    };
    enrol(node, member, () => (run = null));
    node.izhWeights = () => {
      const projection = run?.network.projections.get(node.id);
      return run && projection ? { synapses: projection.synapses, t: run.network.time, weights: projection.saved(run.network.dt) } : null;
    };

    onInput(RED, node, config, (msg) => {
      if (isSave(msg)) {
        save();
        return;
      }
      const change = changeFrom(msg.payload);
      const spec = normalizeSynapse({ ...config, ...patch, ...change });
      if ('connections' in change && spec.rule !== 'list') {
        throw new ConfigError('msg.payload.connections', change.connections, say('izh-synapse.errors.connectionsRule', { rule: spec.rule }));
      }
      // against the running network's neurons and dt, so a bad change is refused now, not at the next start
      const projection = run?.network.projections.get(node.id);
      if (run && projection) {
        const sides = sidesOf(spec, projection.pre.size, projection.post.size, (projection.pre as unknown) === projection.post, run.network.dt);
        checkSynapse(spec, sides);
      }
      patch = { ...patch, ...change };
      node.status(run ? { fill: 'yellow', shape: 'ring', text: translate(RED, say('izh.status.nextStart', { what: describeSynapse(spec) })) } : idle(spec));
    });

    /** Sends the current weights on output 2: {pre, post, weight, delay} as plain arrays. */
    function save(): void {
      const projection = run?.network.projections.get(node.id);
      if (!run || !projection) {
        throw new ConfigError('msg.payload', 'save', say('izh-synapse.errors.saveNone'));
      }
      if (projection.synapses > MAX_LIST_CONNECTIONS) {
        throw new ConfigError('msg.payload', 'save', say('izh-synapse.errors.saveMany', { synapses: projection.synapses.toLocaleString('en-US'), limit: MAX_LIST_CONNECTIONS.toLocaleString('en-US') }));
      }
      node.send([null, { topic, t: run.network.time, synapses: projection.synapses, payload: projection.saved(run.network.dt) }]);
    }

    function changeFrom(payload: unknown): Record<string, unknown> {
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
        throw new ConfigError('msg.payload', payload, say('izh-synapse.errors.payload'));
      }
      const entries = Object.entries(payload as Record<string, unknown>);
      const unknown = entries.find(([key]) => !SYNAPSE_FIELDS.includes(key));
      if (unknown) throw new ConfigError(`msg.payload.${unknown[0]}`, unknown[1], say('izh-synapse.errors.notField', { fields: SYNAPSE_FIELDS.join(', ') }));
      if (entries.length === 0) throw new ConfigError('msg.payload', payload, say('izh.errors.fieldsNone'));
      return Object.fromEntries(entries);
    }
  }

  RED.nodes.registerType('izh-synapse', IzhSynapseNode);
}

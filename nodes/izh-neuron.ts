/**
 * izh-neuron: a population of Izhikevich neurons. Output 1 is the simulation wire to
 * monitors and synapse nodes; output 2 carries spike events when enabled. Messages change parameters from the
 * next step ({a: 0.03}), load a preset ({preset: "C"}) or reset the state ("reset").
 */
import { eventMonitorId, neuronSpecOf, SPIKE_EVENTS, type FlowNode, type SpikeEvents } from '../lib/flow/compiler';
import { parameterText, type NeuronSpec } from '../lib/engine/neuron';
import { seedOf } from '../lib/engine/sources';
import { PRESETS, requirePreset } from '../lib/flow/presets';
import { meanRateHz } from '../lib/engine/monitors';
import { ConfigError, oneOf } from '../lib/engine/validate';
import { neuronParameterNames } from '../lib/engine/schema';
import type { Node, NodeMessage, NodeRED, NodeStatus } from './api';
import { commandOf, enrol, formatCount, formatNumber, migrated, onInput, reportError, serveSchema, showWiring, ThrottledStatus, type ActiveRun, type SimulationMember } from './shared';
import { say, translate } from './i18n';

/** Parameters a message may change: every parameter of both forms (lib/engine/schema.ts), the form, the scheme and the size. */
const PARAMETERS = [...neuronParameterNames(), 'form', 'scheme', 'size'];

/** At most this many single-spike messages per chunk; the rest of a chunk is dropped with a warning. */
export const MAX_SPIKE_MESSAGES_PER_CHUNK = 1000;

export default function register(RED: NodeRED): void {
  serveSchema(RED);
  function IzhNeuronNode(this: Node, saved: FlowNode) {
    RED.nodes.createNode(this, saved);
    const node = this;
    const config = migrated(saved);
    const status = new ThrottledStatus(node, 250);
    const label = config.name || 'neuron';
    let patch: Record<string, unknown> = {};
    let run: ActiveRun | null = null;
    let spikeEvents: SpikeEvents = 'off';
    let warnedDrop = false;

    // a per-neuron parameter shows its expression (shortened), not the NaN that stands for it
    const text = (spec: NeuronSpec, name: string) => {
      const value = parameterText(spec, name);
      return value.length > 14 ? `${value.slice(0, 13)}…` : value;
    };
    const describe = (spec: NeuronSpec): string => {
      const core = spec.params.form === '2003'
        ? `a ${text(spec, 'a')} b ${text(spec, 'b')} c ${text(spec, 'c')} d ${text(spec, 'd')}`
        : `2007 C ${text(spec, 'C')} k ${text(spec, 'k')}`;
      return spec.size > 1 ? `${spec.size.toLocaleString('en-US')} × ${core}` : core;
    };
    const idle = (spec: NeuronSpec): NodeStatus => ({ fill: 'grey', shape: 'dot', text: describe(spec) });

    try {
      spikeEvents = oneOf('spikeEvents', config.spikeEvents, SPIKE_EVENTS, 'off');
      seedOf(config.seed); // the compiler keys the per-neuron draws by it
      showWiring(RED, node, config, idle(neuronSpecOf(config)));
    } catch (e) {
      reportError(RED, node, config, e);
    }

    const showActivity = (r: ActiveRun, force: boolean) => {
      const group = r.network.populations.get(node.id);
      if (!group) return;
      // the spike monitor's rule: spikes per neuron over the steps computed times dt
      const rate = meanRateHz(group.totalSpikes, group.size, r.network.nextStep, r.network.dt);
      status.set({ fill: 'green', shape: force ? 'ring' : 'dot', text: translate(RED, say('izh.status.spikesRate', { spikes: formatCount(group.totalSpikes, 'spike'), rate: formatNumber(rate) })) }, force);
    };

    const sendSpikeEvents = (r: ActiveRun) => {
      if (spikeEvents === 'off') return;
      const monitor = r.network.spikeMonitors.get(eventMonitorId(node.id));
      if (!monitor) return;
      const { times, indices } = monitor.takeChunk();
      if (times.length === 0) return;
      if (spikeEvents === 'chunk') {
        node.send([null, { topic: label, payload: { times, indices, t: r.network.time } }]);
        return;
      }
      const count = Math.min(times.length, MAX_SPIKE_MESSAGES_PER_CHUNK);
      if (count < times.length && !warnedDrop) {
        warnedDrop = true;
        node.warn(translate(RED, say('izh-neuron.warnings.spikeMessages', { spikes: formatCount(times.length, 'spike'), sent: count.toLocaleString('en-US') })));
      }
      const messages: NodeMessage[] = [];
      for (let s = 0; s < count; s++) messages.push({ topic: label, payload: { t: times[s], neuron: indices[s] } });
      node.send([null, messages]);
    };

    const member: SimulationMember = {
      patch: () => patch,
      attach(r) {
        run = r;
        if (r) status.set({ fill: 'green', shape: 'dot', text: translate(RED, formatCount(0, 'spike')) }, true);
      },
      chunk(r) {
        sendSpikeEvents(r);
        showActivity(r, false);
      },
      ended(r) {
        showActivity(r, true);
      },
    };
    enrol(node, member, () => (run = null));

    // bad messages leave the last good parameters in force
    onInput(RED, node, config, (msg) => {
      if (commandOf(msg) === 'reset') {
        run?.network.resetNeuron(node.id);
      } else {
        // a number with the parameter's name in msg.topic, as a dashboard slider sends it
        const named = typeof msg.payload === 'number' && typeof msg.topic === 'string' && PARAMETERS.includes(msg.topic);
        const change = changeFrom(named ? { [msg.topic as string]: msg.payload } : msg.payload);
        const spec = neuronSpecOf(config, { ...patch, ...change });
        if (run && spec.size !== run.network.populations.get(node.id)?.size) {
          throw new ConfigError('size', spec.size, say('izh-neuron.errors.sizeRunning'));
        }
        patch = { ...patch, ...change };
        run?.network.setNeuron(node.id, spec);
        if (!run) node.status(idle(spec));
      }
    });

    function changeFrom(payload: unknown): Record<string, unknown> {
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
        throw new ConfigError('msg.payload', payload, say('izh-neuron.errors.payload'));
      }
      const { preset, ...fields } = payload as Record<string, unknown>;
      let change: Record<string, unknown> = {};
      if (preset !== undefined) {
        const found = requirePreset('msg.payload.preset', preset);
        // a preset replaces every parameter, so blank the ones it does not set, and brings the scheme it was published with
        change = { ...Object.fromEntries(PARAMETERS.filter((k) => k !== 'size' && k !== 'scheme').map((k) => [k, ''])), ...found.neuron, scheme: found.scheme };
      }
      for (const [key, value] of Object.entries(fields)) {
        if (!PARAMETERS.includes(key)) throw new ConfigError(`msg.payload.${key}`, value, say('izh-neuron.errors.notParameter', { parameters: PARAMETERS.join(', ') }));
        change[key] = value;
      }
      if (Object.keys(change).length === 0) throw new ConfigError('msg.payload', payload, say('izh-neuron.errors.parametersNone'));
      return change;
    }
  }

  RED.nodes.registerType('izh-neuron', IzhNeuronNode);

  // the edit dialog fills its fields from the engine's own preset table
  RED.httpAdmin.get('/izh-neuron/presets', RED.auth.needsPermission('izh-neuron.read'), (_req: unknown, res: { json(body: unknown): void }) => {
    res.json(PRESETS);
  });
}

/**
 * izh-spike-generator: N channels that emit spikes, Poisson at a rate or at given times. Its
 * output is the simulation wire to synapse nodes (and spike or rate monitors). Messages change
 * its fields for the next start of the clock ({rate: 40}, or a number: the rate).
 */
import type { FlowNode } from '../lib/flow/compiler';
import { normalizeGenerator, type GeneratorSpec } from '../lib/engine/generators';
import { seedOf } from '../lib/engine/sources';
import { meanRateHz } from '../lib/engine/monitors';
import { ConfigError } from '../lib/engine/validate';
import { fieldNames } from '../lib/engine/schema';
import type { Node, NodeRED, NodeStatus } from './api';
import { enrol, formatCount, formatNumber, migrated, onInput, reportError, serveSchema, showWiring, ThrottledStatus, type ActiveRun, type SimulationMember } from './shared';
import { say, translate } from './i18n';
import type { Message } from '../lib/engine/messages';

/** The fields a message may change: the schema's fields but the name and version. */
export const GENERATOR_FIELDS = fieldNames('izh-spike-generator').filter((f) => f !== 'name' && f !== 'version');

/** `100 × 20 Hz`, `1 spike at 10 ms`, `20 spikes, 20..970 ms`. */
export function describeGenerator(spec: GeneratorSpec): Message {
  if (spec.kind === 'poisson') return say('izh-spike-generator.status.poisson', { channels: spec.size.toLocaleString('en-US'), rate: formatNumber(spec.rate) });
  const spikes = formatCount(spec.spikes.length, 'spike');
  const times = [...new Set(spec.spikes.map(([t]) => t))];
  if (times.length <= 3) return say('izh-spike-generator.status.timesFew', { spikes, times: times.map(formatNumber).join(', ') });
  return say('izh-spike-generator.status.timesMany', { spikes, first: formatNumber(times[0]), last: formatNumber(times[times.length - 1]) });
}

/** Validates a generator node's config (its seed too: the compiler keys its streams by it). */
export function checkGenerator(config: Record<string, unknown>): GeneratorSpec {
  seedOf(config.seed);
  return normalizeGenerator(config);
}

export default function register(RED: NodeRED): void {
  serveSchema(RED);
  function IzhSpikeGeneratorNode(this: Node, saved: FlowNode) {
    RED.nodes.createNode(this, saved);
    const node = this;
    const config = migrated(saved);
    const status = new ThrottledStatus(node, 250);
    let patch: Record<string, unknown> = {};
    let run: ActiveRun | null = null;
    const idle = (spec: GeneratorSpec): NodeStatus => ({ fill: 'grey', shape: 'dot', text: translate(RED, describeGenerator(spec)) });

    try {
      showWiring(RED, node, config, idle(checkGenerator(config)));
    } catch (e) {
      reportError(RED, node, config, e);
    }

    const showActivity = (r: ActiveRun, force: boolean) => {
      const generator = r.network.generators.get(node.id);
      if (!generator) return;
      // the spike monitor's rule: spikes per channel over the steps computed times dt
      const rate = meanRateHz(generator.totalSpikes, generator.size, r.network.nextStep, r.network.dt);
      status.set({ fill: 'green', shape: force ? 'ring' : 'dot', text: translate(RED, say('izh.status.spikesRate', { spikes: formatCount(generator.totalSpikes, 'spike'), rate: formatNumber(rate) })) }, force);
    };

    const member: SimulationMember = {
      patch: () => patch,
      attach(r) {
        run = r;
        if (r) status.set({ fill: 'green', shape: 'dot', text: translate(RED, formatCount(0, 'spike')) }, true);
      },
      chunk: (r) => showActivity(r, false),
      ended: (r) => showActivity(r, true),
    };
    enrol(node, member, () => (run = null));

    // a change applies when the clock next builds its network (start); a running network keeps its generator
    onInput(RED, node, config, (msg) => {
      const change = changeFrom(msg.payload);
      const spec = checkGenerator({ ...config, ...patch, ...change });
      patch = { ...patch, ...change };
      node.status(run ? { fill: 'yellow', shape: 'ring', text: translate(RED, say('izh.status.nextStart', { what: describeGenerator(spec) })) } : idle(spec));
    });

    function changeFrom(payload: unknown): Record<string, unknown> {
      if (typeof payload === 'number') {
        const kind = patch.kind ?? config.kind ?? 'poisson';
        if (kind !== 'poisson') throw new ConfigError('msg.payload', payload, say('izh-spike-generator.errors.rateTimes'));
        return { rate: payload };
      }
      if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
        const entries = Object.entries(payload as Record<string, unknown>);
        const unknown = entries.find(([key]) => !GENERATOR_FIELDS.includes(key));
        if (unknown) throw new ConfigError(`msg.payload.${unknown[0]}`, unknown[1], say('izh-spike-generator.errors.notField', { fields: GENERATOR_FIELDS.join(', ') }));
        if (entries.length === 0) throw new ConfigError('msg.payload', payload, say('izh.errors.fieldsNone'));
        return Object.fromEntries(entries);
      }
      throw new ConfigError('msg.payload', payload, say('izh-spike-generator.errors.payload'));
    }
  }

  RED.nodes.registerType('izh-spike-generator', IzhSpikeGeneratorNode);
}

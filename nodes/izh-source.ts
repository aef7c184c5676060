/**
 * izh-source: a current source. Its output is the simulation wire to the neurons it feeds.
 * Messages change it from the next step: a number sets the amplitude, a string sets an
 * expression of t, an object sets any of its fields ({amplitude: 5, onset: 20}).
 */
import type { FlowNode } from '../lib/flow/compiler';
import { presetInputExpression, requirePreset } from '../lib/flow/presets';
import { normalizeSource, type SourceSpec } from '../lib/engine/sources';
import { ConfigError } from '../lib/engine/validate';
import type { Node, NodeRED, NodeStatus } from './api';
import { fieldNames, fieldOf } from '../lib/engine/schema';
import { enrol, formatNumber, migrated, savedConfig, onInput, reportError, resolved, serveSchema, showWiring, type ActiveRun, type SimulationMember } from './shared';
import { say, translate } from './i18n';
import type { Message } from '../lib/engine/messages';

/** The fields a message may change (everything that describes the current: the schema's fields but the name and version). */
const FIELDS = fieldNames('izh-source').filter((f) => f !== 'name' && f !== 'version');

/** Source kinds a bare number (the new amplitude) applies to. */
const AMPLITUDE_KINDS: readonly string[] = fieldOf('izh-source', 'amplitude').when!.kind;

export function describeSource(spec: SourceSpec): Message | string {
  const status = (values: Record<string, string>) => say(`izh-source.status.${spec.kind}`, values);
  switch (spec.kind) {
    case 'constant':
    case 'step':
    case 'pulses':
    case 'random-neuron':
      return status({ amplitude: formatNumber(spec.amplitude) });
    case 'ramp': return status({ slope: formatNumber(spec.slope) });
    case 'sine': return status({ frequency: formatNumber(spec.frequency) });
    case 'noise': return status({ std: formatNumber(spec.std) });
    case 'table': return status({ points: spec.points.length.toLocaleString('en-US') });
    case 'expression': return spec.expression.length > 24 ? `${spec.expression.slice(0, 23)}…` : spec.expression;
  }
}

export default function register(RED: NodeRED): void {
  serveSchema(RED);
  function IzhSourceNode(this: Node, saved: FlowNode) {
    RED.nodes.createNode(this, saved);
    const node = this;
    // as this release reads it; the amplitude may name an environment variable, resolved when used
    const config = migrated(savedConfig(RED, saved));
    let patch: Record<string, unknown> = {};
    let run: ActiveRun | null = null;
    const idle = (spec: SourceSpec): NodeStatus => ({ fill: 'grey', shape: 'dot', text: translate(RED, describeSource(spec)) });

    try {
      showWiring(RED, node, config, idle(normalizeSource(resolved(RED, node, config))));
    } catch (e) {
      reportError(RED, node, config, e);
    }

    const member: SimulationMember = {
      patch: () => patch,
      attach(r) {
        run = r;
      },
    };
    enrol(node, member, () => (run = null));

    onInput(RED, node, config, (msg) => {
      const change = changeFrom(msg.payload);
      const spec = normalizeSource(resolved(RED, node, config, { ...patch, ...change }));
      patch = { ...patch, ...change };
      run?.network.setSource(node.id, spec);
      node.status({ ...idle(spec), fill: run ? 'green' : 'grey' });
    });

    function changeFrom(payload: unknown): Record<string, unknown> {
      if (typeof payload === 'number') {
        if (!Number.isFinite(payload)) throw new ConfigError('msg.payload', payload, say('izh-source.errors.amplitudeFinite'));
        const kind = patch.kind ?? config.kind ?? 'constant';
        if (kind === 'expression') return { kind: 'constant', amplitude: payload };
        if (!AMPLITUDE_KINDS.includes(String(kind))) {
          throw new ConfigError('msg.payload', payload, say('izh-source.errors.noAmplitude', { kind: String(kind) }));
        }
        return { amplitude: payload };
      }
      if (typeof payload === 'string') {
        const trimmed = payload.trim();
        if (trimmed !== '' && Number.isFinite(Number(trimmed))) return changeFrom(Number(trimmed));
        return { kind: 'expression', expression: payload };
      }
      if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
        const { preset, ...fields } = payload as Record<string, unknown>;
        if (preset !== undefined) {
          // the published input of a pattern, as one expression
          const found = requirePreset('msg.payload.preset', preset);
          if (Object.keys(fields).length > 0) throw new ConfigError('msg.payload', payload, say('izh-source.errors.presetAlone'));
          return { kind: 'expression', expression: presetInputExpression(found) };
        }
        const entries = Object.entries(fields);
        const unknown = entries.find(([key]) => !FIELDS.includes(key));
        if (unknown) throw new ConfigError(`msg.payload.${unknown[0]}`, unknown[1], say('izh-source.errors.notField', { fields: FIELDS.join(', ') }));
        if (entries.length === 0) throw new ConfigError('msg.payload', payload, say('izh.errors.fieldsNone'));
        return Object.fromEntries(entries);
      }
      throw new ConfigError('msg.payload', payload, say('izh-source.errors.payload'));
    }
  }

  RED.nodes.registerType('izh-source', IzhSourceNode);
}

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

/** The fields a message may change (everything that describes the current: the schema's fields but the name and version). */
const FIELDS = fieldNames('izh-source').filter((f) => f !== 'name' && f !== 'version');

/** Source kinds a bare number (the new amplitude) applies to. */
const AMPLITUDE_KINDS: readonly string[] = fieldOf('izh-source', 'amplitude').when!.kind;

export function describeSource(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'constant': return `I = ${formatNumber(spec.amplitude)}`;
    case 'step': return `step to ${formatNumber(spec.amplitude)}`;
    case 'pulses': return `pulses of ${formatNumber(spec.amplitude)}`;
    case 'ramp': return `ramp ${formatNumber(spec.slope)}/ms`;
    case 'sine': return `sine ${formatNumber(spec.frequency)} Hz`;
    case 'noise': return `noise σ ${formatNumber(spec.std)}`;
    case 'random-neuron': return `${formatNumber(spec.amplitude)} to a random neuron`;
    case 'table': return `table of ${spec.points.length.toLocaleString('en-US')}`;
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
    const idle = (spec: SourceSpec): NodeStatus => ({ fill: 'grey', shape: 'dot', text: describeSource(spec) });

    try {
      showWiring(RED, node, config, idle(normalizeSource(resolved(RED, node, config))));
    } catch (e) {
      reportError(node, config, e);
    }

    const member: SimulationMember = {
      patch: () => patch,
      attach(r) {
        run = r;
      },
    };
    enrol(node, member, () => (run = null));

    onInput(node, config, (msg) => {
      const change = changeFrom(msg.payload);
      const spec = normalizeSource(resolved(RED, node, config, { ...patch, ...change }));
      patch = { ...patch, ...change };
      run?.network.setSource(node.id, spec);
      node.status({ ...idle(spec), fill: run ? 'green' : 'grey' });
    });

    function changeFrom(payload: unknown): Record<string, unknown> {
      if (typeof payload === 'number') {
        if (!Number.isFinite(payload)) throw new ConfigError('msg.payload', payload, 'must be a finite number (the new amplitude)');
        const kind = patch.kind ?? config.kind ?? 'constant';
        if (kind === 'expression') return { kind: 'constant', amplitude: payload };
        if (!AMPLITUDE_KINDS.includes(String(kind))) {
          throw new ConfigError('msg.payload', payload, `sets an amplitude, but a ${String(kind)} source has none; send an object of fields, e.g. {"slope": 0.1}`);
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
          if (Object.keys(fields).length > 0) throw new ConfigError('msg.payload', payload, 'sets a preset, which replaces every field; send other fields in a separate message');
          return { kind: 'expression', expression: presetInputExpression(found) };
        }
        const entries = Object.entries(fields);
        const unknown = entries.find(([key]) => !FIELDS.includes(key));
        if (unknown) throw new ConfigError(`msg.payload.${unknown[0]}`, unknown[1], `is not a field of a current source (fields: ${FIELDS.join(', ')})`);
        if (entries.length === 0) throw new ConfigError('msg.payload', payload, 'names no field to change');
        return Object.fromEntries(entries);
      }
      throw new ConfigError('msg.payload', payload, 'must be a number (amplitude), a string (expression of t) or an object of fields');
    }
  }

  RED.nodes.registerType('izh-source', IzhSourceNode);
}

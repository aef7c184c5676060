/**
 * Builds the example flow of a preset: a tab holding a comment that explains the pattern, a
 * clock with the published dt and duration, the published input as current sources, the
 * neuron, a spike monitor and a state monitor of v and I, each monitor feeding a debug node.
 * scripts/make-flows.mjs writes these into flows/; they are ordinary Node-RED flow JSON.
 */
import { NODE_TYPES, type FlowNode } from './compiler';
import { migrate } from '../engine/schema';
import { DEFAULT_INTERVAL } from '../engine/simulation';
import type { Preset } from './presets';
import { blankConfig } from '../engine/schema';

/** Every field of a current source node (lib/engine/schema.ts), blank unless a preset sets it. */
export const SOURCE_DEFAULTS: Record<string, unknown> = blankConfig(NODE_TYPES.source);

/** Example folder (under flows/ and Import > Examples) of each preset group. */
export const EXAMPLE_FOLDERS: Record<Preset['group'], string> = {
  cortical: 'cortical classes (2003)',
  features: 'neuro-computational features (2004)',
  book: 'book cell types (2007)',
};

/** `A tonic spiking.json`; book presets drop their `book ` prefix (their folder says it): `FS fast spiking (L5 interneuron).json`. */
export function exampleFileName(preset: Preset): string {
  return `${preset.code.replace(/^book /, '')} ${preset.name}.json`;
}

/** A short description of a source config for people, e.g. "14 for 10 < t". */
export function describeInput(input: Record<string, unknown>): string {
  const blank = (x: unknown) => x === undefined || x === '';
  const window = (lo: unknown, hi: unknown, closed: boolean) => {
    const lt = closed ? '≤' : '<';
    if (blank(lo)) return `t ${lt} ${hi}`;
    if (blank(hi)) return `t ${closed ? '≥' : '>'} ${lo}`;
    return `${lo} ${lt} t ${lt} ${hi}`;
  };
  const closed = input.edges === 'closed';
  const otherwise = blank(input.baseline) ? '' : `, else ${input.baseline}`;
  switch (input.kind) {
    case 'constant': return `${input.amplitude} from t = 0`;
    case 'step': return `${input.amplitude} for ${window(input.onset, input.offset, closed)}${otherwise}`;
    case 'pulses': return `${input.amplitude} for ${input.width} ms after t = ${input.times}${otherwise}`;
    case 'ramp': return `${blank(input.baseline) ? '' : `${input.baseline} + `}${input.slope}·(t − ${input.onset}) for t > ${input.onset}${otherwise}`;
    case 'expression': return String(input.expression);
    default: return `${input.kind} ${JSON.stringify(input)}`;
  }
}

/** The scheme of a book preset in the words of its example's comment. */
const SCHEME_WORDS: Record<Preset['scheme'], string> = {
  izhikevich: 'izhikevich (v first, then u from the new v)',
  'izhikevich-net': 'izhikevich-net (two half-steps of v, then u from the new v; spikes fire at the start of the next step)',
  euler: 'euler, the book\'s own loop (Fig. 8.5 listing: both v and u from the old state)',
  rk4: 'rk4',
};

/** Nodes as this release saves them: our nodes carry the current config version and typed-field types (lib/engine/schema.ts). */
export function asSaved(nodes: FlowNode[]): FlowNode[] {
  return nodes.map((n) => migrate(n.type, n));
}

export function exampleFlow(preset: Preset): FlowNode[] {
  return asSaved(buildExampleFlow(preset));
}

function buildExampleFlow(preset: Preset): FlowNode[] {
  const prefix = `izh-${preset.code.replace(/\s+/g, '-').toLowerCase()}`;
  const tab = `${prefix}-tab`;
  const id = (part: string) => `${prefix}-${part}`;
  const title = `${preset.code} ${preset.name}`;
  const inputText = preset.inputs.map(describeInput).join(' plus ');
  const { form, ...params } = preset.neuron;
  const sources: FlowNode[] = preset.inputs.map((input, i) => ({
    id: id(`source${i + 1}`), type: NODE_TYPES.source, z: tab, name: describeInput(input).slice(0, 40),
    ...SOURCE_DEFAULTS, ...input, x: 360, y: 120 + i * 60, wires: [[id('neuron')]],
  }));
  const neuronY = 120 + ((preset.inputs.length - 1) * 60) / 2;
  return [
    { id: tab, type: 'tab', label: title, disabled: false, info: preset.reference },
    {
      id: id('comment'), type: 'comment', z: tab, name: `${title}: press the clock's button`, x: 230, y: 40, wires: [],
      info: [
        `**${title}** (${preset.group === 'book' ? '2007 form' : 'Izhikevich model'}).`,
        '',
        `What to look for: ${preset.signature}`,
        '',
        `Neuron: ${Object.entries(params).map(([k, v]) => `${k} = ${v}`).join(', ')}.`,
        // the 2003/2004 flows stay as they were: their scheme is the neuron's default for the form
        `Input: I(t) = ${inputText}. Clock: dt = ${preset.clock.dt} ms for ${preset.clock.duration} ms.${preset.group === 'book' ? ` Scheme: ${SCHEME_WORDS[preset.scheme]}.` : ''}`,
        '',
        `Published in: ${preset.reference}.`,
        '',
        'Press the button on the clock; the debug sidebar shows the spike times and the v and I traces.',
      ].join('\n'),
    },
    {
      id: id('clock'), type: NODE_TYPES.clock, z: tab, name: `dt ${preset.clock.dt} ms, ${preset.clock.duration} ms`,
      dt: preset.clock.dt, duration: preset.clock.duration, mode: 'batch', speed: 1, interval: DEFAULT_INTERVAL, startOnDeploy: false,
      x: 140, y: neuronY, wires: [sources.map((s) => s.id), []],
    },
    ...sources,
    {
      id: id('neuron'), type: NODE_TYPES.neuron, z: tab, name: title, preset: preset.code, form: form ?? '2003', size: 1,
      scheme: preset.scheme, spikeEvents: 'off', params, x: 600, y: neuronY, wires: [[id('spikes'), id('trace')], []],
    },
    { id: id('spikes'), type: NODE_TYPES.spikeMonitor, z: tab, name: 'spikes', live: false, x: 830, y: neuronY - 30, wires: [[id('debug-spikes')]] },
    {
      id: id('trace'), type: NODE_TYPES.stateMonitor, z: tab, name: 'v and I', variables: 'v,I', indices: '0', every: 1, maxValues: 8000000,
      live: false, x: 830, y: neuronY + 30, wires: [[id('debug-trace')]],
    },
    debug(id('debug-spikes'), tab, 'spike times', 'payload.times', neuronY - 30),
    debug(id('debug-trace'), tab, 'v and I', 'payload', neuronY + 30),
  ];
}

function debug(id: string, z: string, name: string, property: string, y: number): FlowNode {
  return {
    id, type: 'debug', z, name, active: true, tosidebar: true, console: false, tostatus: false,
    complete: property, targetType: 'msg', statusVal: '', statusType: 'auto', x: 1040, y, wires: [],
  };
}

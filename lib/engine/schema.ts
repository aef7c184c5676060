/**
 * One schema per node kind: every field a node's config holds, its kind, what a blank means,
 * its bounds, its unit, the choice it belongs to (`when: {kind: ['step', 'pulses']}`) and the
 * i18n keys of its label and help with their English text. The runtime's normalize functions
 * read their defaults and bounds from here, the editor gets it from GET /izh/schema (its
 * validators, placeholders and which fields a choice shows), and the tests derive their field
 * lists from it. What involves several fields (offset after onset, c below vpeak, ...) stays
 * in the normalize functions and the dialogs.
 *
 * It belongs to the engine, at its bottom (the normalize functions import it), and imports nothing
 * but validate.ts; the flow layer, the nodes and the editor read it from here.
 */
import { ConfigError, isBlank, oneOf, optionalNumber, toBoolean, toNumber, type NumberRule } from './validate';
import { message } from './messages';

/** The config version this release writes; a config without `version` is 1 (release 0.1.0). */
export const CONFIG_VERSION = 2;

/** The npm package the editor fetches its resources from (Node-RED serves resources/ at /resources/<name>/). */
export const PACKAGE_NAME = '@spiking-red/node-red-izhikevich';

export type FieldKind =
  | 'number' // a finite number in decimal notation (or a number)
  | 'integer' // a whole number
  | 'boolean' // a checkbox
  | 'choice' // one of `options`
  | 'text' // free text
  | 'expression' // a mathjs expression (of t, of i, j, ...)
  | 'list' // several values in one text: see `format`
  | 'range' // neuron indices "first-last"
  | 'typed' // a number or an environment variable (Node-RED typedInput; the type in `<name>Type`)
  | 'params'; // the neuron's parameter object (see NeuronSchema.forms)

/** What a `list` field holds. */
export type ListFormat =
  | 'numbers' // "40, 60, 280" (times of pulses)
  | 'pairs' // a table of [t, I] rows, times increasing: JSON or one "t, I" per line
  | 'spikes' // "10, 20" for every channel, or JSON [[t, channel], ...]
  | 'connections' // JSON [[pre, post, weight?, delay?], ...] or saved weights {pre, post, weight, delay}
  | 'indices' // neuron indices "0, 3" or "all"
  | 'variables'; // some of `options`, e.g. "v,I"

export type Choices = Readonly<Record<string, readonly string[]>>;

/** One field of a node's config as written in this file (English text; keys are derived). */
interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** the label the dialog shows (English) */
  label: string;
  /** a line of help: the note beside the field and its tooltip (English) */
  help?: string;
  /** must be given when the field applies (there is no default) */
  required?: boolean;
  /** what a blank field means at run time (a number, a choice, a boolean; null: nothing, e.g. no window) */
  default?: number | string | boolean | null;
  /** what blank means, in words, when that is not a plain value ("b·v0", "the node's id") (English) */
  blank?: string;
  /** an example value, the placeholder of a field that must be given (English) */
  example?: string;
  /** the value a new node gets in the editor (registerType's defaults); default: blank, or the default of a choice or boolean */
  initial?: unknown;
  min?: number;
  max?: number;
  /** strict lower bound */
  above?: number;
  /** a whole number (typed and list fields; `integer` fields are whole anyway) */
  integer?: boolean;
  unit?: string;
  options?: readonly string[];
  /** a hint per option, shown under the choice (English) */
  hints?: Readonly<Record<string, string>>;
  /** typed fields: the typedInput types */
  types?: readonly TypedType[];
  format?: ListFormat;
  /** most characters (expressions) or items (lists) */
  maxLength?: number;
  /** neuron parameters: a per-neuron expression of i, N, r, ... is allowed */
  perNeuron?: boolean;
  /** the field belongs to these choices of other fields (all of them must match) */
  when?: Choices;
  /** not a field of the edit dialog: the dialog keeps what is there (version) */
  hidden?: boolean;
  /** not among the editor's defaults either: only a flow written by hand sets it (maxSpikes) */
  runtimeOnly?: boolean;
  /** neuron parameters: the row of the parameter grid */
  group?: string;
}

/** A field of the schema as served: English replaced by i18n keys (the English is in `messages`). */
export interface FieldSchema extends Omit<FieldSpec, 'label' | 'help' | 'blank' | 'example' | 'hints'> {
  label: string;
  help?: string;
  blank?: string;
  example?: string;
  hints?: Readonly<Record<string, string>>;
}

export interface ParamGroup {
  id: string;
  /** i18n key of the caption */
  label: string;
  /** Font Awesome icon of the row */
  icon: string;
}

/** A form of the neuron model: its parameters in dialog order, the rows of its grid, the scheme it was published with. */
export interface NeuronForm {
  params: readonly FieldSchema[];
  groups: readonly ParamGroup[];
  /** what a blank scheme means for this form */
  scheme: string;
}

export interface NodeSchema {
  type: string;
  fields: readonly FieldSchema[];
  /** izh-neuron: the parameters of each form, in dialog order, and the rows of the parameter grid */
  forms?: Readonly<Record<string, NeuronForm>>;
}

/** Node-RED typedInput types a typed field accepts. */
export const TYPED_TYPES = ['num', 'env'] as const;
export type TypedType = (typeof TYPED_TYPES)[number];
/** The property holding the type of a typed field: dt -> dtType. */
export const typeFieldOf = (name: string) => `${name}Type`;

// ---- option lists (the engine re-exports them) ------------------------------------------------

export const MODES = ['batch', 'realtime'] as const;
export const SOURCE_KINDS = ['constant', 'step', 'pulses', 'ramp', 'sine', 'noise', 'random-neuron', 'table', 'expression'] as const;
export const EDGES = ['open', 'closed'] as const;
export const INTERPOLATIONS = ['linear', 'hold'] as const;
export const FORMS = ['2003', '2007'] as const;
export const SCHEMES = ['izhikevich', 'izhikevich-net', 'euler', 'rk4'] as const;
export const RECOVERY_LAWS = ['standard', 'accommodation'] as const;
export const SPIKE_EVENTS = ['off', 'each', 'chunk'] as const;
export const GENERATOR_KINDS = ['poisson', 'times'] as const;
export const CONNECTION_RULES = ['all-to-all', 'one-to-one', 'probability', 'out-degree', 'in-degree', 'list'] as const;
export const WEIGHT_KINDS = ['constant', 'expression', 'uniform', 'normal'] as const;
export const DELAY_KINDS = ['constant', 'uniform', 'split'] as const;
export const SYNAPSE_KINDS = ['delta', 'exponential'] as const;
export const PLASTICITY_RULES = ['none', 'izhikevich2006', 'stdp'] as const;
export const FORMATS = ['arrays', 'chart'] as const;
export const STATE_VARIABLES = ['v', 'u', 'I'] as const;

/** Largest values of a few fields, which the engine's limits use too. */
export const MAX_SEED = 4294967295;
export const MAX_POPULATION = 10_000_000;
export const MAX_CHANNELS = 10_000_000;
export const MAX_SYNAPSES = 200_000_000;
export const MAX_EXPRESSION_LENGTH = 2000;
export const DEFAULT_INTERVAL = 40;
export const DEFAULT_CHART_POINTS = 500;
export const DEFAULT_MAX_SPIKES = 4_000_000;
export const DEFAULT_MAX_VALUES = 8_000_000;

// ---- the fields -------------------------------------------------------------------------------

const NAME: FieldSpec = { name: 'name', kind: 'text', label: 'Name', help: 'the label of the node' };
const VERSION: FieldSpec = {
  name: 'version', kind: 'integer', label: 'Version', help: 'the config version the node was saved with (blank: 1, release 0.1.0)', hidden: true, initial: CONFIG_VERSION, min: 1,
};
const seed = (help: string, when?: Choices): FieldSpec => ({
  name: 'seed', kind: 'integer', label: 'Seed', help, min: 0, max: MAX_SEED, default: null, blank: "the node's id", ...(when ? { when } : {}),
});
const SHOWN_SOURCES: Choices = { kind: ['step', 'pulses', 'ramp', 'sine'] };
const WINDOWED: Choices = { kind: ['step', 'ramp', 'sine'] };

const CLOCK: FieldSpec[] = [
  NAME,
  { name: 'dt', kind: 'typed', types: TYPED_TYPES, label: 'dt (ms)', help: 'integration step', unit: 'ms', required: true, above: 0, max: 1000, initial: 0.25 },
  {
    // blank: no end, for real-time runs only (normalizeClock refuses it in batch mode)
    name: 'duration', kind: 'typed', types: TYPED_TYPES, label: 'Duration', help: 'ms of simulated time per run', unit: 'ms', above: 0, default: Infinity,
    blank: 'no end', initial: 100,
  },
  {
    name: 'mode', kind: 'choice', label: 'Mode', options: MODES, default: 'batch',
    hints: { batch: 'As fast as possible, in slices that keep the editor responsive.', realtime: 'Simulated time follows wall time × speed, one chunk per interval.' },
  },
  { name: 'speed', kind: 'typed', types: TYPED_TYPES, label: 'Speed', help: 'simulated ms per wall ms', above: 0, max: 10000, default: 1, initial: 1, when: { mode: ['realtime'] } },
  {
    name: 'interval', kind: 'number', label: 'Interval (ms)', help: 'wall time between chunks (10 to 10000)', unit: 'ms', min: 10, max: 10000, default: DEFAULT_INTERVAL,
    initial: DEFAULT_INTERVAL, when: { mode: ['realtime'] },
  },
  { name: 'startOnDeploy', kind: 'boolean', label: 'Start', help: 'start a run whenever the flow is deployed', default: false },
  { name: 'seed', kind: 'integer', label: 'Seed', help: 'run seed of every random number (same seed, same run)', min: 0, max: MAX_SEED, default: 1, initial: 1 },
  VERSION,
];

const SOURCE: FieldSpec[] = [
  NAME,
  {
    name: 'kind', kind: 'choice', label: 'Current', options: SOURCE_KINDS, default: 'constant', initial: 'step',
    hints: {
      constant: 'I(t) = amplitude, always.',
      step: 'I = amplitude while the window is on, baseline otherwise.',
      pulses: 'I = amplitude during each pulse, baseline otherwise. Give explicit pulse times, or a start, period and count.',
      ramp: 'I = baseline + slope · (t − onset) while the window is on, baseline otherwise.',
      sine: 'I = baseline + amplitude · sin(2π · f · t/1000 + phase) while the window is on, baseline otherwise.',
      noise: 'I = mean + std · N(0, 1), a fresh value for every neuron in every step, from a seeded generator.',
      'random-neuron': 'In every step one neuron of each target population, drawn at random, gets the amplitude; the others get 0 (the thalamic input of the 2006 network).',
      table: 'I(t) from the points of a table, interpolated linearly or held until the next point.',
      expression: 'I(t) from a mathjs expression of t (ms), e.g. 20 * (t >= 10) or t < 200 ? t/25 : 0.',
    },
  },
  {
    name: 'amplitude', kind: 'typed', types: TYPED_TYPES, label: 'Amplitude', help: 'the current while on', required: true, initial: 10,
    when: { kind: ['constant', 'step', 'pulses', 'sine', 'random-neuron'] },
  },
  { name: 'baseline', kind: 'number', label: 'Baseline', help: 'current while off', default: 0, when: SHOWN_SOURCES },
  { name: 'onset', kind: 'number', label: 'Onset', help: 'start of the window (ms)', unit: 'ms', default: -Infinity, blank: '−∞', when: WINDOWED },
  { name: 'offset', kind: 'number', label: 'Offset', help: 'end of the window (ms), later than the onset', unit: 'ms', default: Infinity, blank: '∞', when: WINDOWED },
  {
    name: 'edges', kind: 'choice', label: 'Edges', options: EDGES, default: 'open', when: SHOWN_SOURCES,
    hints: { open: 'on for onset < t < offset', closed: 'on for onset ≤ t ≤ offset' },
  },
  {
    name: 'times', kind: 'list', format: 'numbers', label: 'Times (ms)', help: 'explicit pulse starts in ms, e.g. 40, 60, 280, 320 (blank: periodic pulses)', unit: 'ms',
    default: null, blank: 'periodic pulses', maxLength: 100_000, when: { kind: ['pulses'] },
  },
  { name: 'start', kind: 'number', label: 'Start', help: 'start (ms) of the first pulse', unit: 'ms', default: 0, when: { kind: ['pulses'] } },
  // required for periodic pulses only: with explicit times it is not read
  { name: 'period', kind: 'number', label: 'Period', help: 'period (ms), required without times', unit: 'ms', above: 0, required: true, when: { kind: ['pulses'] } },
  { name: 'count', kind: 'integer', label: 'Count', help: 'number of pulses', min: 1, default: Infinity, blank: '∞', when: { kind: ['pulses'] } },
  { name: 'width', kind: 'number', label: 'Width (ms)', help: 'length of each pulse', unit: 'ms', required: true, above: 0, when: { kind: ['pulses'] } },
  { name: 'slope', kind: 'number', label: 'Slope (/ms)', help: 'current per ms after the onset', unit: '1/ms', required: true, when: { kind: ['ramp'] } },
  { name: 'frequency', kind: 'number', label: 'Freq. (Hz)', help: 'frequency of the sine', unit: 'Hz', required: true, min: 0, when: { kind: ['sine'] } },
  { name: 'phase', kind: 'number', label: 'Phase (rad)', help: 'phase of the sine at t = 0', unit: 'rad', default: 0, when: { kind: ['sine'] } },
  { name: 'mean', kind: 'number', label: 'Mean', help: 'mean current', default: 0, when: { kind: ['noise'] } },
  { name: 'std', kind: 'number', label: 'std', help: 'standard deviation', required: true, min: 0, when: { kind: ['noise'] } },
  seed('same seed, same draws', { kind: ['noise', 'random-neuron'] }),
  {
    name: 'table', kind: 'list', format: 'pairs', label: 'Table', help: 'one "t, I" pair per line, or JSON [[t, I], ...]; times increase', example: 'one "t, I" pair per line, or JSON [[t, I], ...]', required: true,
    maxLength: 100_000, when: { kind: ['table'] },
  },
  {
    name: 'interpolation', kind: 'choice', label: 'Interpolate', options: INTERPOLATIONS, default: 'linear', when: { kind: ['table'] },
    hints: { linear: 'linear interpolation', hold: 'hold the last value' },
  },
  {
    name: 'expression', kind: 'expression', label: 'I(t) =', help: 'a mathjs expression of t (ms)', example: 't < 200 ? t/25 : 0', required: true, maxLength: MAX_EXPRESSION_LENGTH,
    when: { kind: ['expression'] },
  },
  VERSION,
];

const NEURON: FieldSpec[] = [
  NAME,
  { name: 'preset', kind: 'text', label: 'Preset', help: 'the preset the parameters came from, or custom', initial: 'A' },
  { name: 'form', kind: 'choice', label: 'Model form', options: FORMS, default: '2003' },
  { name: 'size', kind: 'integer', label: 'Size', help: 'neurons', min: 1, max: MAX_POPULATION, default: 1, initial: 1 },
  {
    name: 'scheme', kind: 'choice', label: 'Scheme', options: SCHEMES, default: null, blank: "the form's published scheme",
    hints: {
      izhikevich: 'v, then u from the new v (2003/2004 papers)',
      'izhikevich-net': 'two half steps of v, then u (the 2003 and 2006 networks)',
      euler: 'both from the old state (2007 book)',
      rk4: 'Runge-Kutta 4',
    },
  },
  seed('of the draws r, r2, … of per-neuron parameters'),
  { name: 'spikeEvents', kind: 'choice', label: 'Spike events', options: SPIKE_EVENTS, default: 'off' },
  { name: 'params', kind: 'params', label: 'Parameters', help: 'the parameters of the form', initial: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 } },
  VERSION,
];

const param = (name: string, label: string, group: string, help: string, more: Partial<FieldSpec> = {}): FieldSpec => ({
  name, kind: 'number', label, group, help, perNeuron: true, ...more,
});
const QUADRATIC = "in v' = k1·v² + k2·v + k3 − u + I";
const PARAMS_2003: FieldSpec[] = [
  param('a', 'a', 'dynamics', 'a: rate of the recovery variable u (1/ms)', { required: true }),
  param('b', 'b', 'dynamics', 'b: sensitivity of u to v', { required: true }),
  param('c', 'c (mV)', 'dynamics', 'c: reset value of v after a spike (mV), below vpeak', { required: true, unit: 'mV' }),
  param('d', 'd', 'dynamics', 'd: jump of u after a spike', { required: true }),
  param('v0', 'v0 (mV)', 'start', 'v0: initial membrane potential (mV)', { default: -65, unit: 'mV' }),
  param('u0', 'u0', 'start', 'u0: initial recovery variable', { blank: 'b·v0' }),
  param('k1', 'k1', 'quadratic', `k1 ${QUADRATIC} (class 1 excitable: 0.04)`, { default: 0.04 }),
  param('k2', 'k2', 'quadratic', `k2 ${QUADRATIC} (class 1 excitable: 4.1)`, { default: 5 }),
  param('k3', 'k3', 'quadratic', `k3 ${QUADRATIC} (class 1 excitable: 108)`, { default: 140 }),
  param('vpeak', 'vpeak (mV)', 'spike', 'vpeak: a spike is v > vpeak (mV)', { default: 30, unit: 'mV' }),
  {
    name: 'recovery', kind: 'choice', label: 'recovery law', group: 'spike', options: RECOVERY_LAWS, default: 'standard',
    help: "standard: u' = a(b·v − u); accommodation: u' = a·b·(v + 65), the law of pattern R",
  },
];
const PARAMS_2007: FieldSpec[] = [
  param('C', 'C (pF)', 'membrane', 'C: membrane capacitance (pF), greater than 0', { required: true, above: 0, unit: 'pF' }),
  param('k', 'k', 'membrane', "k in C·v' = k(v − vr)(v − vt) − u + I (nS/mV)", { required: true }),
  param('vr', 'vr (mV)', 'membrane', 'vr: resting potential (mV)', { required: true, unit: 'mV' }),
  param('vt', 'vt (mV)', 'membrane', 'vt: instantaneous threshold potential (mV)', { required: true, unit: 'mV' }),
  param('vpeak', 'vpeak (mV)', 'spike', 'vpeak: a spike is v ≥ vpeak + peakU·u (mV)', { required: true, unit: 'mV' }),
  param('a', 'a', 'recovery', 'a: rate of the recovery variable u (1/ms)', { required: true }),
  param('b', 'b', 'recovery', 'b: sensitivity of u to v', { required: true }),
  param('c', 'c (mV)', 'recovery', 'c: reset value of v after a spike (mV), below vpeak', { required: true, unit: 'mV' }),
  param('d', 'd', 'recovery', 'd: jump of u after a spike (pA)', { required: true, unit: 'pA' }),
  param('v0', 'v0 (mV)', 'spike', 'v0: initial membrane potential (mV)', { blank: 'vr', unit: 'mV' }),
  param('u0', 'u0', 'spike', 'u0: initial recovery variable (pA)', { default: 0, unit: 'pA' }),
  param('peakU', 'peakU', 'book', 'peakU: spike when v ≥ vpeak + peakU·u (book LTS: -0.1, TC: 0.1)', { default: 0 }),
  param('resetU', 'resetU', 'book', 'resetU: reset v ← c + resetU·u (book LTS: 0.04, TC: -0.1)', { default: 0 }),
  param('uMax', 'uMax', 'book', 'uMax: after a spike u ← min(u + d, uMax) (book LTS: 670)', { default: Infinity, blank: '∞' }),
  param('vb', 'vb (mV)', 'book', 'vb: cubic recovery U(v) = b(v − vb)³ for v ≥ vb, else 0 (book FS: -55); blank: linear b(v − vr)', { default: null, blank: 'linear', unit: 'mV' }),
  param('bSwitchV', 'bSwitchV', 'book', 'bSwitchV (mV): while v > bSwitchV, b is replaced by bAbove (book TC, RTN: -65)', { default: null, blank: 'off', unit: 'mV' }),
  param('bAbove', 'bAbove', 'book', 'bAbove: the value of b while v > bSwitchV', { default: 0 }),
];
const GROUPS_2003: Array<[string, string, string]> = [['dynamics', 'Dynamics', 'fa-sliders'], ['start', 'Start', 'fa-flag-o'], ['spike', 'Spike', 'fa-bolt'], ['quadratic', 'Quadratic', 'fa-superscript']];
const GROUPS_2007: Array<[string, string, string]> = [['membrane', 'Membrane', 'fa-circle-o'], ['recovery', 'Recovery', 'fa-sliders'], ['spike', 'Spike, start', 'fa-bolt'], ['book', 'Book rules', 'fa-book']];

const GENERATOR: FieldSpec[] = [
  NAME,
  {
    name: 'kind', kind: 'choice', label: 'Spikes', options: GENERATOR_KINDS, default: 'poisson',
    hints: {
      poisson: 'Every channel fires in each step with probability rate · dt / 1000, independently, from a seeded generator.',
      times: 'Spikes at given times: "10, 20" makes every channel fire at 10 and 20 ms; [[10, 0], [12.5, 3]] gives the channel of each spike. A time is emitted in the step whose grid time is nearest.',
    },
  },
  { name: 'size', kind: 'integer', label: 'Channels', help: 'spike trains, numbered 0 .. size − 1', min: 1, max: MAX_CHANNELS, default: 1, initial: 100 },
  { name: 'rate', kind: 'number', label: 'Rate (Hz)', help: 'per channel', unit: 'Hz', required: true, min: 0, max: 100_000, initial: 20, when: { kind: ['poisson'] } },
  seed('same seed, same spikes', { kind: ['poisson'] }),
  {
    name: 'times', kind: 'list', format: 'spikes', label: 'Times (ms)', help: 'times every channel fires at, or [t, channel] pairs', example: '10, 20, 35  or  [[10, 0], [12.5, 3]]', unit: 'ms',
    required: true, maxLength: 1_000_000, when: { kind: ['times'] },
  },
  VERSION,
];

const DEGREE_RULES = ['out-degree', 'in-degree'];
const PLASTIC = ['izhikevich2006', 'stdp'];
const SYNAPSE: FieldSpec[] = [
  NAME,
  { name: 'preNeurons', kind: 'range', label: 'From', help: 'presynaptic neurons first-last, e.g. 0-799', default: null, blank: 'all' },
  { name: 'postNeurons', kind: 'range', label: 'To', help: 'target neurons first-last, e.g. 0-799', default: null, blank: 'all' },
  {
    name: 'rule', kind: 'choice', label: 'Rule', options: CONNECTION_RULES, default: 'all-to-all',
    hints: {
      'all-to-all': 'Every presynaptic neuron connects to every target neuron.',
      'one-to-one': 'Neuron k connects to neuron k (both sides must be equally large).',
      probability: 'Each pair connects with probability p, drawn independently.',
      'out-degree': 'Each presynaptic neuron connects to K target neurons drawn at random.',
      'in-degree': 'Each target neuron receives K synapses from presynaptic neurons drawn at random.',
      list: "Explicit connections [pre, post, weight, delay]: population indices; a row's weight and delay (ms) replace the node's. Saved weights {pre, post, weight, delay} load here too.",
    },
  },
  { name: 'probability', kind: 'number', label: 'p', help: 'connection probability, 0 to 1', required: true, min: 0, max: 1, example: '0 to 1', when: { rule: ['probability'] } },
  { name: 'degree', kind: 'integer', label: 'K', help: 'synapses per neuron', required: true, min: 0, max: MAX_SYNAPSES, when: { rule: DEGREE_RULES } },
  { name: 'autapses', kind: 'boolean', label: 'autapses (a neuron onto itself)', default: false, when: { rule: ['all-to-all', 'probability', ...DEGREE_RULES] } },
  { name: 'duplicates', kind: 'boolean', label: 'duplicates', default: false, when: { rule: DEGREE_RULES } },
  {
    name: 'connections', kind: 'list', format: 'connections', label: 'List', help: 'connections [pre, post, weight, delay ms], or saved weights', required: true,
    example: '[[0, 1, 40, 5], [1, 2, 40, 5]]  (pre, post, weight, delay ms)',
    maxLength: 1_000_000, when: { rule: ['list'] },
  },
  {
    name: 'weightKind', kind: 'choice', label: 'Weights', options: WEIGHT_KINDS, default: 'constant',
    hints: {
      constant: 'Every synapse has this weight.',
      expression: 'A formula of i (presynaptic neuron), j (target neuron), Npre, Npost and fresh draws r, r2, r3, r4 (uniform in [0, 1)), e.g. 0.5 * r or i == j ? 0 : 2.',
      uniform: 'low + (high − low)·r, r uniform in [0, 1).',
      normal: 'mean + sd·N(0, 1), clipped to [low, high] (blank: no bound).',
    },
  },
  { name: 'weight', kind: 'number', label: 'Weight', help: 'the weight of every synapse', required: true, when: { weightKind: ['constant'] } },
  {
    name: 'weight', kind: 'expression', label: 'w =', help: 'a formula of i, j, Npre, Npost, r, r2, r3, r4', example: 'e.g. 0.5 * r', required: true, maxLength: MAX_EXPRESSION_LENGTH,
    when: { weightKind: ['expression'] },
  },
  { name: 'weightLow', kind: 'number', label: 'low', help: 'the lowest weight', required: true, when: { weightKind: ['uniform'] } },
  { name: 'weightLow', kind: 'number', label: 'low', help: 'the weights are clipped below at', default: -Infinity, blank: '−∞', when: { weightKind: ['normal'] } },
  { name: 'weightHigh', kind: 'number', label: 'high', help: 'the highest weight, above low', required: true, when: { weightKind: ['uniform'] } },
  { name: 'weightHigh', kind: 'number', label: 'high', help: 'the weights are clipped above at', default: Infinity, blank: '∞', when: { weightKind: ['normal'] } },
  { name: 'weightMean', kind: 'number', label: 'mean', help: 'mean weight', required: true, when: { weightKind: ['normal'] } },
  { name: 'weightSd', kind: 'number', label: 'sd', help: 'standard deviation of the weights', required: true, min: 0, when: { weightKind: ['normal'] } },
  {
    name: 'delayKind', kind: 'choice', label: 'Delays', options: DELAY_KINDS, default: 'constant',
    hints: {
      constant: 'Every synapse has this delay.',
      uniform: 'A whole number of steps drawn uniformly from min to max (both included).',
      split: "Each neuron's synapses get 1, 2, …, D ms, evenly (K/D synapses each), shuffled at random (the 2006 network).",
    },
  },
  { name: 'delay', kind: 'number', label: 'Delay (ms)', help: 'a whole number of steps', unit: 'ms', required: true, above: 0, initial: 1, when: { delayKind: ['constant'] } },
  { name: 'delayMin', kind: 'number', label: 'min', help: 'the shortest delay (ms)', unit: 'ms', required: true, above: 0, when: { delayKind: ['uniform'] } },
  { name: 'delayMax', kind: 'number', label: 'max', help: 'the longest delay (ms)', unit: 'ms', required: true, above: 0, when: { delayKind: ['uniform'] } },
  { name: 'delayMax', kind: 'integer', label: 'D', help: 'the longest delay D (ms): delays 1, 2, …, D', unit: 'ms', required: true, min: 1, when: { delayKind: ['split'] } },
  {
    name: 'kind', kind: 'choice', label: 'Kind', options: SYNAPSE_KINDS, default: 'delta',
    hints: { delta: 'the weight joins the input for one step', exponential: 'a current decaying with tau' },
  },
  { name: 'tau', kind: 'number', label: 'tau (ms)', help: 'g ← g·exp(−dt/tau) + arrivals', unit: 'ms', required: true, above: 0, when: { kind: ['exponential'] } },
  {
    name: 'plasticity', kind: 'choice', label: 'Learning', options: PLASTICITY_RULES, default: 'none',
    hints: {
      none: 'Static synapses.',
      izhikevich2006: 'The rule of the 2006 polychronization network: traces, a derivative accumulated per synapse and applied every period. Blank fields take the defaults shown.',
      stdp: "Pair-based additive STDP, all-to-all pairing (Brian2's example, NEST stdp_synapse with μ = 0). Blank fields take the defaults shown.",
    },
  },
  { name: 'aPlus', kind: 'number', label: 'aPlus', help: 'potentiation', default: 0.1, when: { plasticity: PLASTIC } },
  { name: 'aMinus', kind: 'number', label: 'aMinus', help: 'depression', default: 0.12, when: { plasticity: ['izhikevich2006'] } },
  { name: 'aMinus', kind: 'number', label: 'aMinus', help: 'depression (negative: weakens)', default: -0.12, when: { plasticity: ['stdp'] } },
  { name: 'traceDecay', kind: 'number', label: 'traceDecay (/ms)', help: 'the traces are multiplied by this every ms', above: 0, max: 1, default: 0.95, when: { plasticity: ['izhikevich2006'] } },
  { name: 'period', kind: 'number', label: 'period (ms)', help: 'the derivative is applied every period', unit: 'ms', above: 0, default: 1000, when: { plasticity: ['izhikevich2006'] } },
  { name: 'bias', kind: 'number', label: 'bias', help: 'added to the derivative every period', default: 0.01, when: { plasticity: ['izhikevich2006'] } },
  { name: 'derivativeDecay', kind: 'number', label: 'derivativeDecay', help: 'the derivative is multiplied by this every period', min: 0, max: 1, default: 0.9, when: { plasticity: ['izhikevich2006'] } },
  { name: 'tauPlus', kind: 'number', label: 'tauPlus (ms)', help: 'time constant of potentiation', unit: 'ms', above: 0, default: 20, when: { plasticity: ['stdp'] } },
  { name: 'tauMinus', kind: 'number', label: 'tauMinus (ms)', help: 'time constant of depression', unit: 'ms', above: 0, default: 20, when: { plasticity: ['stdp'] } },
  { name: 'wMin', kind: 'number', label: 'wMin', help: 'the lowest weight learning may give (at least 0)', min: 0, default: 0, when: { plasticity: PLASTIC } },
  { name: 'wMax', kind: 'number', label: 'wMax', help: 'the highest weight learning may give, above wMin', default: 10, when: { plasticity: PLASTIC } },
  seed('same seed, same connections'),
  VERSION,
];

/** The display settings every monitor has. */
const output = (chart = 'Dashboard 2 chart (points, clears on a new run)'): FieldSpec[] => [
  { name: 'live', kind: 'boolean', label: 'Live', help: 'also send what is new after every chunk', default: false },
  { name: 'format', kind: 'choice', label: 'Format', options: FORMATS, default: 'arrays', hints: { arrays: 'one message with everything', chart } },
  { name: 'chartPoints', kind: 'integer', label: 'Points', help: 'at most, per line and message', min: 10, max: 100_000, default: DEFAULT_CHART_POINTS, initial: DEFAULT_CHART_POINTS, when: { format: ['chart'] } },
];
const OUTPUT = output();
const WINDOW: FieldSpec = {
  name: 'window', kind: 'number', label: 'Window', help: 'ms kept (blank: the whole run; the last 10 s of an open-ended run)', unit: 'ms', above: 0, default: null, blank: 'whole run',
};

const SPIKE_MONITOR: FieldSpec[] = [
  NAME,
  ...OUTPUT,
  WINDOW,
  { name: 'maxSpikes', kind: 'integer', label: 'Most spikes', help: 'spikes stored at most; later ones are counted, and the result says truncated', min: 1, default: DEFAULT_MAX_SPIKES, hidden: true, runtimeOnly: true },
  VERSION,
];
const STATE_MONITOR: FieldSpec[] = [
  NAME,
  { name: 'variables', kind: 'list', format: 'variables', options: STATE_VARIABLES, label: 'Record', help: 'some of v, u, I',
    // a blank list is refused; a config without the field (written by hand) records v
    required: true, default: 'v', initial: 'v,I' },
  { name: 'indices', kind: 'list', format: 'indices', label: 'Neurons', help: 'indices such as 0, 3, 7, or "all"', default: null, blank: 'all', initial: '0' },
  { name: 'every', kind: 'integer', label: 'Every k', help: 'record every k-th step (1: every step)', min: 1, default: 1, initial: 1 },
  { name: 'maxValues', kind: 'integer', label: 'Budget', help: 'values at most (8 bytes each)', min: 1, default: DEFAULT_MAX_VALUES, initial: DEFAULT_MAX_VALUES },
  WINDOW,
  ...OUTPUT,
  { name: 'svg', kind: 'boolean', label: 'SVG', help: 'also draw the traces as an SVG picture (msg.svg)', default: false },
  VERSION,
];
const RATE_MONITOR: FieldSpec[] = [
  NAME,
  { name: 'bin', kind: 'number', label: 'Bin (ms)', help: 'a whole number of steps', unit: 'ms', above: 0, default: 1, initial: 1 },
  { name: 'smoothing', kind: 'number', label: 'Smoothing', help: 'ms of running mean (blank: none)', unit: 'ms', above: 0, default: null, blank: 'none' },
  WINDOW,
  ...OUTPUT,
  VERSION,
];
const WEIGHT_MONITOR: FieldSpec[] = [
  NAME,
  { name: 'every', kind: 'number', label: 'Every (ms)', help: 'a whole number of steps', unit: 'ms', above: 0, default: 100, initial: 100 },
  { name: 'bins', kind: 'integer', label: 'Bins', help: 'of the histogram', min: 1, max: 1000, default: 20, initial: 20 },
  { name: 'low', kind: 'number', label: 'low', help: "the histogram's low end (blank: the learning rule's bound, or the weights' range at the start)", default: null, blank: 'auto' },
  { name: 'high', kind: 'number', label: 'high', help: "the histogram's high end, above low (blank: as for low)", default: null, blank: 'auto' },
  ...output('Dashboard 2 charts (mean: output 1, histogram: output 2)'),
  VERSION,
];

/** Words the editor uses around the fields (English). */
const COMMON: Record<string, string> = {
  'izh.required': 'required',
  'izh.blank': 'blank: __value__',
  'izh.unavailable': 'The field descriptions could not be loaded from the runtime: __error__',
  'izh.invalid.required': '__field__ is required',
  'izh.invalid.number': '__field__ must be a number',
  'izh.invalid.whole': '__field__ must be a whole number',
  'izh.invalid.above': '__field__ must be greater than __bound__',
  'izh.invalid.min': '__field__ must be at least __bound__',
  'izh.invalid.max': '__field__ must be at most __bound__',
  'izh.invalid.option': '__field__ must be one of __options__',
  'izh.invalid.env': '__field__: name an environment variable',
  'izh.invalid.type': '__field__ must be a number or an environment variable',
  'izh.invalid.long': '__field__ is too long (at most __bound__)',
  'izh.invalid.list': '__field__: __reason__',
};

// ---- building the served schema ------------------------------------------------------------------

/** Every i18n key with its English text. */
export const MESSAGES: Record<string, string> = { ...COMMON };

function keyed(type: string, spec: FieldSpec, scope = ''): FieldSchema {
  const base = `${type}.${'%s'}.${scope}${spec.name}`;
  // a variant's key is the field's with its choices appended by '-' (not '.': a key is never inside another's text)
  const variant = spec.when ? `-${Object.values(spec.when)[0].join('-')}` : '';
  const key = (part: string, text: string, suffix = variant) => {
    const k = base.replace('%s', part) + suffix;
    if (MESSAGES[k] !== undefined && MESSAGES[k] !== text) throw new Error(`schema: the key ${k} has two texts`);
    MESSAGES[k] = text;
    return k;
  };
  const { label, help, blank, example, hints, ...rest } = spec;
  // one label per field (variants share it when it is the same text), help and blank per variant
  const shared = base.replace('%s', 'label');
  const field: FieldSchema = { ...rest, label: MESSAGES[shared] === undefined || MESSAGES[shared] === label ? key('label', label, '') : key('label', label) };
  if (help !== undefined) field.help = key('help', help);
  if (blank !== undefined) field.blank = key('blank', blank);
  if (example !== undefined) field.example = key('example', example);
  if (hints) field.hints = Object.fromEntries(Object.entries(hints).map(([option, text]) => [option, key('hint', text, `.${option}`)]));
  return field;
}

function schemaOf(type: string, fields: FieldSpec[], forms?: Record<string, { params: FieldSpec[]; groups: Array<[string, string, string]>; scheme: string }>): NodeSchema {
  const schema: NodeSchema = { type, fields: fields.map((f) => keyed(type, f)) };
  if (forms) {
    schema.forms = Object.fromEntries(Object.entries(forms).map(([form, { params, groups, scheme }]) => [form, {
      scheme,
      params: params.map((p) => keyed(type, p, `${form}.`)),
      groups: groups.map(([id, caption, icon]) => ({ id, icon, label: keyed(type, { name: id, kind: 'text', label: caption }, `group.${form}.`).label })),
    }]));
  }
  return schema;
}

export const SCHEMAS: Readonly<Record<string, NodeSchema>> = {
  'izh-clock': schemaOf('izh-clock', CLOCK),
  'izh-source': schemaOf('izh-source', SOURCE),
  // each form runs by default the scheme its figures were made with: the papers' and the book's
  'izh-neuron': schemaOf('izh-neuron', NEURON, {
    '2003': { params: PARAMS_2003, groups: GROUPS_2003, scheme: 'izhikevich' },
    '2007': { params: PARAMS_2007, groups: GROUPS_2007, scheme: 'euler' },
  }),
  'izh-spike-generator': schemaOf('izh-spike-generator', GENERATOR),
  'izh-synapse': schemaOf('izh-synapse', SYNAPSE),
  'izh-spike-monitor': schemaOf('izh-spike-monitor', SPIKE_MONITOR),
  'izh-state-monitor': schemaOf('izh-state-monitor', STATE_MONITOR),
  'izh-rate-monitor': schemaOf('izh-rate-monitor', RATE_MONITOR),
  'izh-weight-monitor': schemaOf('izh-weight-monitor', WEIGHT_MONITOR),
};

// ---- reading fields ------------------------------------------------------------------------------

/** The schema of a node type (throws for a type that is not ours). */
export function schemaFor(type: string): NodeSchema {
  const schema = SCHEMAS[type];
  if (!schema) throw new Error(`no schema for the node type ${type}`);
  return schema;
}

/** Whether a field belongs to the choices made (`choices` holds the values of the choice fields). */
export function applies(field: Pick<FieldSchema, 'when'>, choices: Record<string, unknown>, schema?: NodeSchema): boolean {
  if (!field.when) return true;
  return Object.entries(field.when).every(([name, values]) => {
    let value = choices[name];
    if (isBlank(value) && schema) value = schema.fields.find((f) => f.name === name)?.default ?? undefined;
    return typeof value === 'string' && values.includes(value);
  });
}

/**
 * The field `name` of a node type, the variant for the choices made when it has several
 * (the synapse's weight is a number or an expression by its weightKind); the first variant when
 * no choices are given. Neuron parameters: `form` picks the form's list.
 */
export function fieldOf(type: string, name: string, choices: Record<string, unknown> = {}, form?: string): FieldSchema {
  const schema = schemaFor(type);
  const list = form !== undefined ? schema.forms?.[form]?.params ?? [] : schema.fields;
  const variants = list.filter((f) => f.name === name);
  if (variants.length === 0) throw new Error(`${type} has no field ${name}${form ? ` in the ${form} form` : ''}`);
  return variants.find((f) => applies(f, choices, schema)) ?? variants[0];
}

/**
 * What registerType's defaults of a node type hold (the editor's .html writes them out; a test
 * checks they agree): every field but runtime-only ones, with the type of every typed field.
 */
export function editorDefaults(type: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schemaFor(type).fields) {
    if (f.runtimeOnly || f.name in out) continue;
    out[f.name] = initialValue(f);
    if (f.kind === 'typed') out[typeFieldOf(f.name)] = 'num';
  }
  return out;
}

/** The names of a node type's fields, each once, in schema order (hidden ones too unless `shown`). */
export function fieldNames(type: string, options: { shown?: boolean } = {}): string[] {
  const names = schemaFor(type).fields.filter((f) => !(options.shown && f.hidden)).map((f) => f.name);
  return [...new Set(names)];
}

/** The parameters of both neuron forms, each once: the 2003 form's, then the 2007 form's others. */
export function neuronParameterNames(): string[] {
  const forms = schemaFor('izh-neuron').forms!;
  return [...new Set(Object.values(forms).flatMap((f) => f.params.map((p) => p.name)))];
}

/** A field's bounds as validate.ts takes them. */
export function ruleOf(field: FieldSchema): NumberRule {
  const rule: NumberRule = {};
  if (field.kind === 'integer' || field.integer) rule.integer = true;
  if (field.min !== undefined) rule.min = field.min;
  if (field.max !== undefined) rule.max = field.max;
  if (field.above !== undefined) rule.above = field.above;
  return rule;
}

/**
 * Reads a number field of a config: a required one must be given, a blank optional one is its
 * default (NaN when it has none that is a number: the caller decides, e.g. u0 = b·v0).
 */
export function readNumber(field: FieldSchema, raw: unknown, rule: NumberRule = ruleOf(field)): number {
  if (field.required) return toNumber(field.name, raw, rule);
  return optionalNumber(field.name, raw, typeof field.default === 'number' ? field.default : NaN, rule);
}

/** Reads an optional number field whose blank means "none" (a window, a smoothing): null when blank. */
export function readOptional(field: FieldSchema, raw: unknown, rule: NumberRule = ruleOf(field)): number | null {
  return isBlank(raw) ? null : toNumber(field.name, raw, rule);
}

/** Reads a choice field; blank is its default (a choice without a default must be given). */
export function readChoice<T extends string>(field: FieldSchema, raw: unknown, fallback?: T): T {
  const def = fallback ?? (typeof field.default === 'string' ? (field.default as T) : undefined);
  return oneOf(field.name, raw, (field.options ?? []) as readonly T[], def);
}

export function readBoolean(field: FieldSchema, raw: unknown): boolean {
  return toBoolean(field.name, raw, field.default === true);
}

/**
 * A reader of one node type's config: `read.number('baseline')` is the baseline or its default,
 * validated against the schema's bounds, and so on.
 */
export function readerOf(type: string, raw: Record<string, unknown>, choices: Record<string, unknown> = raw) {
  const field = (name: string) => fieldOf(type, name, choices);
  return {
    field,
    number: (name: string, rule?: NumberRule) => readNumber(field(name), raw[name], rule),
    optional: (name: string, rule?: NumberRule) => readOptional(field(name), raw[name], rule),
    choice: <T extends string>(name: string, fallback?: T) => readChoice<T>(field(name), raw[name], fallback),
    boolean: (name: string) => readBoolean(field(name), raw[name]),
    /** a seed: a whole number in its bounds, or null when blank */
    seed: (name = 'seed') => readOptional(field(name), raw[name]),
  };
}

/**
 * A config with every field of a node type as a new node of the editor has it (registerType's
 * defaults), without name, version and the types of typed fields unless asked. The example
 * flows use it so they hold every field.
 */
export function initialConfig(type: string, options: { all?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schemaFor(type).fields) {
    if (f.name in out) continue;
    if (!options.all && (f.name === 'name' || f.name === 'version')) continue;
    out[f.name] = initialValue(f);
    if (f.kind === 'typed' && options.all) out[typeFieldOf(f.name)] = 'num';
  }
  return out;
}

/** Every field of a node type blank, choices and checkboxes at their initial values (without name, version and types). */
export function blankConfig(type: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schemaFor(type).fields) {
    if (f.name in out || f.name === 'name' || f.name === 'version') continue;
    out[f.name] = f.kind === 'choice' || f.kind === 'boolean' ? initialValue(f) : '';
  }
  return out;
}

/** What a new node holds in a field: its initial value, else the default of a choice or boolean, else blank. */
export function initialValue(f: FieldSchema): unknown {
  if (f.initial !== undefined) return f.initial;
  if ((f.kind === 'choice' || f.kind === 'boolean') && f.default !== null && f.default !== undefined) return f.default;
  return '';
}

/** The whole schema as GET /izh/schema serves it to the editor: JSON, with ±Infinity as strings. */
export function servedSchema(): { version: number; package: string; schemas: Record<string, NodeSchema>; messages: Record<string, string>; migrations: typeof MIGRATIONS } {
  const json = JSON.stringify({ version: CONFIG_VERSION, package: PACKAGE_NAME, schemas: SCHEMAS, messages: MESSAGES, migrations: MIGRATIONS }, (_key, value) =>
    value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value,
  );
  return JSON.parse(json);
}

// ---- versions and migrations ---------------------------------------------------------------------

/**
 * How a config of one version becomes the next, per node type, as data so the runtime and the
 * editor (resources/izh-editor.js) apply the same steps:
 *  - `add`: fields a config of the older version lacks, set when absent or blank;
 *  - `rename`: fields renamed, old name -> new name (the value moves when the new one is absent).
 * Version 1 (release 0.1.0, configs without `version`) -> 2: dt, duration and speed of the
 * clock and the source's amplitude became typedInputs (a number or an environment variable), so
 * their type is `num`.
 */
export interface MigrationStep {
  to: number;
  add?: Readonly<Record<string, unknown>>;
  rename?: Readonly<Record<string, string>>;
}

const typedAsNumbers = (type: string): Record<string, string> =>
  Object.fromEntries(schemaFor(type).fields.filter((f) => f.kind === 'typed').map((f) => [typeFieldOf(f.name), 'num']));

export const MIGRATIONS: Readonly<Record<string, readonly MigrationStep[]>> = Object.fromEntries(
  Object.keys(SCHEMAS).map((type) => [type, [{ to: 2, add: typedAsNumbers(type) }]]),
);

/** The version a config was saved with: its `version`, 1 when it has none. */
export function versionOf(config: Record<string, unknown>): number {
  const v = config.version;
  if (isBlank(v)) return 1;
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * A config of any earlier version as this release writes it (a copy; the input is not changed):
 * every migration step from its version up, then `version` set to CONFIG_VERSION. Configs of
 * other node types, and of a newer version, come back as they are.
 */
export function migrate<T extends Record<string, unknown>>(type: string, config: T): T {
  const steps = MIGRATIONS[type];
  const from = versionOf(config);
  if (!steps || from >= CONFIG_VERSION) return config;
  const out: Record<string, unknown> = { ...config };
  for (const step of steps) {
    if (step.to <= from) continue;
    for (const [old, renamed] of Object.entries(step.rename ?? {})) {
      if (old in out) {
        if (isBlank(out[renamed])) out[renamed] = out[old];
        delete out[old];
      }
    }
    for (const [name, value] of Object.entries(step.add ?? {})) if (isBlank(out[name])) out[name] = value;
  }
  out.version = CONFIG_VERSION;
  return out as T;
}

// ---- typed fields: numbers or environment variables ------------------------------------------

/** Looks an environment variable up: its value, undefined when it is not set. */
export type EnvLookup = (name: string) => unknown;

/** process.env, for the headless runner and the tests (its own variables only: not `__proto__`). */
export const processEnv: EnvLookup = (name) => (Object.prototype.hasOwnProperty.call(process.env, name) ? process.env[name] : undefined);

/**
 * The value of a typedInput of type env as Node-RED reads it: a variable name (`IZH_DT`), the
 * same in `${IZH_DT}`, or text with `${...}` parts replaced (unset ones by nothing). Undefined
 * when a single variable is not set.
 */
export function envValue(text: string, lookup: EnvLookup): unknown {
  const trimmed = text.trim();
  const single = /^\$\{([^}]+)\}$/.exec(trimmed);
  if (single) return lookup(single[1]);
  if (!/\$\{\S+\}/.test(trimmed)) return lookup(trimmed);
  return trimmed.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    const value = lookup(name);
    return value === undefined || value === null ? '' : String(value);
  });
}

/**
 * A node's config with its typed fields resolved: a field of type env gets the value of its
 * environment variable, checked like a number (the error names the field, the variable and its
 * value); a field of type num (or of no type: an older flow) keeps its value. The types stay.
 */
export function resolveTyped<T extends Record<string, unknown>>(type: string, config: T, lookup: EnvLookup): T {
  const schema = SCHEMAS[type];
  if (!schema) return config;
  let out: Record<string, unknown> | null = null;
  for (const f of schema.fields) {
    if (f.kind !== 'typed') continue;
    const typeField = typeFieldOf(f.name);
    const kind = oneOf(typeField, isBlank(config[typeField]) ? undefined : config[typeField], f.types ?? TYPED_TYPES, 'num');
    if (kind !== 'env') continue;
    const name = config[f.name];
    if (typeof name !== 'string' || name.trim() === '') throw new ConfigError(f.name, name, message('errors.envName'));
    const value = envValue(name, lookup);
    if (value === undefined || value === null) throw new ConfigError(f.name, name, message('errors.envUnset', { name: name.trim() }));
    let resolved: unknown = typeof value === 'string' ? value.trim() : value;
    if (!isBlank(resolved)) {
      try {
        resolved = toNumber(f.name, resolved, ruleOf(f));
      } catch (e) {
        if (e instanceof ConfigError) throw new ConfigError(f.name, value, message('errors.envValue', { name: name.trim(), reason: e.why }));
        throw e;
      }
    } else if (f.required) {
      throw new ConfigError(f.name, value, message('errors.envEmpty', { name: name.trim() }));
    } else {
      resolved = '';
    }
    out = out ?? { ...config };
    out[f.name] = resolved;
  }
  return (out ?? config) as T;
}

/**
 * A config with changes laid over it (a message's fields): a typed field a change sets is a
 * number from then on, whatever its type was.
 */
export function withPatch<T extends Record<string, unknown>>(type: string, config: T, patch: Record<string, unknown> | undefined): T {
  if (!patch || Object.keys(patch).length === 0) return config;
  const out: Record<string, unknown> = { ...config, ...patch };
  for (const f of SCHEMAS[type]?.fields ?? []) if (f.kind === 'typed' && f.name in patch) out[typeFieldOf(f.name)] = 'num';
  return out as T;
}

/**
 * What the runtime makes of a node's config before validating it: migrated to this release,
 * the changes of messages laid over it, typed fields resolved (env ones looked up with `lookup`).
 */
export function prepareConfig<T extends Record<string, unknown> & { type: string }>(config: T, lookup: EnvLookup = processEnv, patch?: Record<string, unknown>): T {
  const migrated = migrate(config.type, config);
  return resolveTyped(config.type, withPatch(config.type, substituteEnv(config.type, migrated, lookup), patch), lookup);
}

/** A whole property `${NAME}`, which Node-RED replaces by the variable when it creates a node (when it is set). */
const ENV_PROPERTY = /^\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}$/;

/**
 * What Node-RED does to every property of a node it creates: a value `${NAME}` becomes the
 * environment variable NAME when it is set (in the node's properties and its parameter object).
 * The compiler and izh-flow read the flow as it was saved, so they do it too and see what the
 * nodes see. Typed fields of type env are left to resolveTyped.
 */
export function substituteEnv<T extends Record<string, unknown>>(type: string, config: T, lookup: EnvLookup): T {
  const typedEnv = new Set((SCHEMAS[type]?.fields ?? []).filter((f) => f.kind === 'typed' && config[typeFieldOf(f.name)] === 'env').map((f) => f.name));
  const map = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const m = ENV_PROPERTY.exec(value);
    if (!m) return value;
    const found = lookup(m[1]);
    return found === undefined ? value : found;
  };
  let out: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(config)) {
    if (typedEnv.has(key)) continue;
    let mapped = map(value);
    if (key === 'params' && value && typeof value === 'object' && !Array.isArray(value)) {
      const params = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, map(v)]));
      if (Object.keys(params).some((k) => params[k] !== (value as Record<string, unknown>)[k])) mapped = params;
    }
    if (mapped !== value) {
      out = out ?? { ...config };
      out[key] = mapped;
    }
  }
  return (out ?? config) as T;
}

/**
 * How the headless runner looks environment variables up for a node of a flow file, as
 * Node-RED does: the env of the node's group, then of its tab (entries of type str, num, bool
 * or env), then process.env.
 */
export function flowEnv(nodes: readonly Record<string, unknown>[]): (node: Record<string, unknown>) => EnvLookup {
  const byId = new Map(nodes.filter((n) => n && typeof n.id === 'string').map((n) => [n.id as string, n]));
  const own = (holder: Record<string, unknown> | undefined, name: string): { found: boolean; value?: unknown } => {
    const entries = holder && Array.isArray(holder.env) ? (holder.env as Array<Record<string, unknown>>) : [];
    const entry = entries.find((e) => e && e.name === name);
    if (!entry) return { found: false };
    switch (entry.type ?? 'str') {
      case 'str': return { found: true, value: entry.value };
      case 'num': return { found: true, value: Number(entry.value) };
      case 'bool': return { found: true, value: entry.value === true || entry.value === 'true' };
      case 'env': return { found: true, value: processEnv(String(entry.value)) };
      default: return { found: false };
    }
  };
  return (node) => (name) => {
    for (let holder = typeof node.g === 'string' ? byId.get(node.g) : undefined; holder; holder = typeof holder.g === 'string' ? byId.get(holder.g) : undefined) {
      const hit = own(holder, name);
      if (hit.found) return hit.value;
    }
    const tab = typeof node.z === 'string' ? own(byId.get(node.z), name) : { found: false };
    return tab.found ? tab.value : processEnv(name);
  };
}

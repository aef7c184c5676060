/**
 * Synapses (Brian2: Synapses; NEST and PyNN: a projection): the connections from one spiking
 * group (a population or a spike generator) to one population, stored compactly.
 *
 * Connectivity is CSR in typed arrays: the synapses of presynaptic neuron j are
 * rowStart[j] .. rowStart[j + 1], sorted by target; each has a target, a weight and a delay in
 * whole steps. A synapse of delay d adds its weight to its target's input in the step that comes
 * d steps after the step in which the presynaptic neuron crossed threshold (docs/networks.md).
 *
 * Kinds: `delta` (the weight is added to the target's input for one step, as in both published
 * networks) and `exponential` (the weight is added to a synaptic current that decays with time
 * constant tau). Static synapses write into one ring buffer of delays per target population
 * and kind (SynapticInput); plastic ones queue every synapse that is on its way, because a
 * learning rule acts on each arrival (plasticity.ts).
 *
 * Random connectivity, weights and delays draw from the synapse node's streams
 * (lib/engine/rng.ts): (seed, key, CONNECT, j) per presynaptic neuron (per target neuron for
 * the in-degree rule), (seed, key, WEIGHTS, j) and (seed, key, DELAYS, j) per presynaptic
 * neuron, each in the order of that neuron's synapses (ascending targets). Same seed, same
 * network.
 */
import { compileFormula, type CompiledFormula } from './expression';
import { PURPOSE, Stream } from './rng';
import { seedOf } from './sources';
import { CONNECTION_RULES, DELAY_KINDS, fieldOf, MAX_SYNAPSES, PLASTICITY_RULES, readerOf, SYNAPSE_KINDS, WEIGHT_KINDS } from './schema';
import { ConfigError, isBlank, toNumber } from './validate';
import { message } from './messages';

/** The rules, kinds and every field's default and bounds are the schema's (lib/engine/schema.ts). */
export { CONNECTION_RULES, DELAY_KINDS, MAX_SYNAPSES, PLASTICITY_RULES, SYNAPSE_KINDS, WEIGHT_KINDS };
export type ConnectionRule = (typeof CONNECTION_RULES)[number];
export type SynapseKind = (typeof SYNAPSE_KINDS)[number];
export type PlasticityRule = (typeof PLASTICITY_RULES)[number];
type WeightKind = (typeof WEIGHT_KINDS)[number];
type DelayKind = (typeof DELAY_KINDS)[number];

/** Variables of a per-synapse weight expression: pre and post indices, sizes, draws. */
export const WEIGHT_VARIABLES = ['i', 'j', 'Npre', 'Npost', 'r', 'r2', 'r3', 'r4'] as const;

/** At most this many connections in an explicit list (MAX_SYNAPSES: at most this many synapses in one node). */
export const MAX_LIST_CONNECTIONS = fieldOf('izh-synapse', 'connections').maxLength!;
/** Longest delay, in steps (delays are stored as 16-bit integers). */
export const MAX_DELAY_STEPS = 65_535;

export type WeightSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'expression'; formula: CompiledFormula }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'normal'; mean: number; sd: number; low: number; high: number };

export type DelaySpec =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'split'; max: number };

export interface Izhikevich2006Spec {
  rule: 'izhikevich2006';
  /** the presynaptic (LTP) trace is set to aPlus at a spike, the postsynaptic (LTD) trace to aMinus */
  aPlus: number;
  aMinus: number;
  /** both traces decay by this factor per ms (traceDecay^dt per step) */
  traceDecay: number;
  /** the accumulated derivative is applied every `period` ms, with `bias` added, then multiplied by derivativeDecay */
  period: number;
  bias: number;
  derivativeDecay: number;
  wMin: number;
  wMax: number;
}

export interface StdpSpec {
  rule: 'stdp';
  /** pair-based additive STDP, all-to-all pairing: traces decay with tauPlus and tauMinus (ms) */
  tauPlus: number;
  tauMinus: number;
  /** added to the presynaptic trace at an arrival (and to w at a post spike, through the trace) */
  aPlus: number;
  /** added to the postsynaptic trace at a post spike (negative: depression at the next arrival) */
  aMinus: number;
  wMin: number;
  wMax: number;
}

export type PlasticitySpec = { rule: 'none' } | Izhikevich2006Spec | StdpSpec;

/** One explicit connection: pre, post, and optionally its own weight and delay (ms). */
export type ListedConnection = [pre: number, post: number, weight: number | null, delay: number | null];

/** A contiguous part of a population, first .. last (inclusive neuron indices), like a Brian2 subgroup. */
export type NeuronRange = [first: number, last: number];

export interface SynapseSpec {
  /** the presynaptic and target neurons, when not the whole populations (null) */
  preRange: NeuronRange | null;
  postRange: NeuronRange | null;
  rule: ConnectionRule;
  /** connection probability (rule probability) */
  probability: number;
  /** synapses per presynaptic (out-degree) or per target (in-degree) neuron */
  degree: number;
  /** a neuron may connect to itself when pre and post are the same population */
  autapses: boolean;
  /** the degree rules may pick the same partner twice */
  duplicates: boolean;
  connections: ListedConnection[];
  weight: WeightSpec;
  delay: DelaySpec;
  kind: SynapseKind;
  /** time constant of an exponential synapse (ms) */
  tau: number;
  plasticity: PlasticitySpec;
  seed: number | null;
}

/**
 * Validates a synapse node's config (everything that does not depend on the populations it
 * joins; checkSynapse() does the rest once their sizes are known).
 */
export function normalizeSynapse(raw: Record<string, unknown>): SynapseSpec {
  const read = readerOf('izh-synapse', raw);
  const rule = read.choice<ConnectionRule>('rule');
  const kind = read.choice<SynapseKind>('kind');
  const spec: SynapseSpec = {
    preRange: rangeOf('preNeurons', raw.preNeurons),
    postRange: rangeOf('postNeurons', raw.postNeurons),
    rule,
    probability: rule === 'probability' ? read.number('probability') : 0,
    degree: rule === 'out-degree' || rule === 'in-degree' ? read.number('degree') : 0,
    autapses: read.boolean('autapses'),
    duplicates: read.boolean('duplicates'),
    connections: rule === 'list' ? toConnections(raw.connections) : [],
    // a list whose every connection gives its own weight or delay may leave the node's blank
    weight: rule === 'list' && isBlank(raw.weight) && (isBlank(raw.weightKind) || raw.weightKind === 'constant') ? { kind: 'constant', value: NaN } : weightOf(raw),
    delay: rule === 'list' && isBlank(raw.delay) && (isBlank(raw.delayKind) || raw.delayKind === 'constant') ? { kind: 'constant', ms: NaN } : delayOf(raw),
    kind,
    tau: kind === 'exponential' ? read.number('tau') : 0,
    plasticity: plasticityOf(raw),
    seed: seedOf(raw.seed),
  };
  if (spec.plasticity.rule !== 'none') {
    const negative = lowestWeight(spec.weight);
    if (negative < 0) {
      throw new ConfigError('plasticity', spec.plasticity.rule, message('errors.plasticNegative', { low: negative }));
    }
  }
  return spec;
}

/** A range of neurons written "first-last" (or one index); blank means the whole population. */
function rangeOf(field: string, raw: unknown): NeuronRange | null {
  if (isBlank(raw)) return null;
  const text = String(raw).trim();
  const match = /^(\d+)\s*(?:-\s*(\d+))?$/.exec(text);
  if (!match) throw new ConfigError(field, raw, message('errors.range'));
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  if (last < first) throw new ConfigError(field, raw, message('errors.rangeOrder'));
  return [first, last];
}

/** The lowest weight a spec can give (-Infinity when unknown in advance: expressions, lists, unclipped normals). */
function lowestWeight(w: WeightSpec): number {
  switch (w.kind) {
    case 'constant': return w.value;
    case 'uniform': return w.low;
    case 'normal': return w.low;
    case 'expression': return 0; // checked per synapse when the connections are built
  }
}

function weightOf(raw: Record<string, unknown>): WeightSpec {
  const read = readerOf('izh-synapse', raw);
  const kind = read.choice<WeightKind>('weightKind');
  switch (kind) {
    case 'constant':
      return { kind, value: read.number('weight') };
    case 'expression':
      return { kind, formula: compileFormula(raw.weight, 'weight', WEIGHT_VARIABLES) };
    case 'uniform':
    case 'normal': {
      // uniform: both bounds required; normal: blank bounds clip nothing (-Infinity, Infinity)
      const low = read.number('weightLow');
      const high = read.number('weightHigh');
      if (!(high > low)) throw new ConfigError('weightHigh', raw.weightHigh, message('errors.weightHigh', { low }));
      if (kind === 'uniform') return { kind, low, high };
      return { kind, mean: read.number('weightMean'), sd: read.number('weightSd'), low, high };
    }
  }
}

function delayOf(raw: Record<string, unknown>): DelaySpec {
  const read = readerOf('izh-synapse', raw);
  const kind = read.choice<DelayKind>('delayKind');
  switch (kind) {
    case 'constant':
      return { kind, ms: read.number('delay') };
    case 'uniform': {
      const min = read.number('delayMin');
      const max = read.number('delayMax');
      if (max < min) throw new ConfigError('delayMax', raw.delayMax, message('errors.delayMax', { min }));
      return { kind, min, max };
    }
    case 'split':
      return { kind, max: read.number('delayMax') };
  }
}

function plasticityOf(raw: Record<string, unknown>): PlasticitySpec {
  const read = readerOf('izh-synapse', raw);
  const rule = read.choice<PlasticityRule>('plasticity');
  if (rule === 'none') return { rule };
  // wMin's bound is checked below, with the reason
  const wMin = read.number('wMin', {});
  const wMax = read.number('wMax');
  if (!(wMax > wMin)) throw new ConfigError('wMax', raw.wMax, message('errors.wMax', { min: wMin }));
  if (wMin < 0) throw new ConfigError('wMin', raw.wMin, message('errors.wMin'));
  if (rule === 'izhikevich2006') {
    return {
      rule,
      aPlus: read.number('aPlus'),
      aMinus: read.number('aMinus'),
      traceDecay: read.number('traceDecay'),
      period: read.number('period'),
      bias: read.number('bias'),
      derivativeDecay: read.number('derivativeDecay'),
      wMin,
      wMax,
    };
  }
  return {
    rule,
    tauPlus: read.number('tauPlus'),
    tauMinus: read.number('tauMinus'),
    aPlus: read.number('aPlus'),
    aMinus: read.number('aMinus'),
    wMin,
    wMax,
  };
}

/**
 * An explicit list: [[pre, post], [pre, post, weight], [pre, post, weight, delay ms], ...] as an
 * array or JSON text, or saved weights {pre: [...], post: [...], weight: [...], delay: [...]}
 * (what a synapse node's `save` sends), so a trained network can start from its weights.
 */
export function toConnections(raw: unknown): ListedConnection[] {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') throw new ConfigError('connections', raw, message('errors.connectionsEmpty'));
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError('connections', raw, message('errors.connectionsJson'));
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) return fromColumns(value as Record<string, unknown>);
  if (!Array.isArray(value)) throw new ConfigError('connections', raw, message('errors.connectionsShape'));
  if (value.length > MAX_LIST_CONNECTIONS) throw new ConfigError('connections', `${value.length} connections`, message('errors.atMost', { limit: MAX_LIST_CONNECTIONS.toLocaleString('en-US') }));
  return value.map((row, n): ListedConnection => {
    if (!Array.isArray(row) || row.length < 2 || row.length > 4) throw new ConfigError(`connections[${n}]`, row, message('errors.connectionRow'));
    return [
      toNumber(`connections[${n}].pre`, row[0], { integer: true, min: 0 }),
      toNumber(`connections[${n}].post`, row[1], { integer: true, min: 0 }),
      row.length > 2 && !isBlank(row[2]) ? toNumber(`connections[${n}].weight`, row[2]) : null,
      row.length > 3 && !isBlank(row[3]) ? toNumber(`connections[${n}].delay`, row[3], { above: 0 }) : null,
    ];
  });
}

function fromColumns(columns: Record<string, unknown>): ListedConnection[] {
  const { pre, post, weight, delay } = columns;
  if (!Array.isArray(pre) || !Array.isArray(post) || pre.length !== post.length) {
    throw new ConfigError('connections', columns, message('errors.savedColumns'));
  }
  for (const [name, column] of [['weight', weight], ['delay', delay]] as const) {
    if (column !== undefined && (!Array.isArray(column) || column.length !== pre.length)) {
      throw new ConfigError(`connections.${name}`, column, message('errors.savedColumn', { length: pre.length }));
    }
  }
  return toConnections(pre.map((p, n) => [p, post[n], (weight as unknown[] | undefined)?.[n] ?? null, (delay as unknown[] | undefined)?.[n] ?? null]));
}

/** A delay in ms as whole steps; refused, with the nearest valid values, when it is not. */
export function delaySteps(ms: number, dt: number, field = 'delay'): number {
  const steps = ms / dt;
  const whole = Math.round(steps);
  if (Math.abs(steps - whole) > 1e-9 * Math.max(1, steps)) {
    const below = Math.max(1, Math.floor(steps)) * dt;
    const above = Math.ceil(steps) * dt;
    // below one step the only neighbour is one step
    throw new ConfigError(field, ms, below === above ? message('errors.delayWhole', { dt, nearest: fmt(above) }) : message('errors.delayWholeTwo', { dt, below: fmt(below), above: fmt(above) }));
  }
  if (whole < 1) throw new ConfigError(field, ms, message('errors.delayStep', { dt }));
  if (whole > MAX_DELAY_STEPS) throw new ConfigError(field, ms, message('errors.delayLong', { limit: MAX_DELAY_STEPS, ms: fmt(MAX_DELAY_STEPS * dt), dt }));
  return whole;
}

const fmt = (x: number) => String(Number(x.toPrecision(12)));

/**
 * The sides a synapse node joins: the sizes of the neurons it connects (its ranges, or the whole
 * populations), where those start in their populations, whether pre and post are one population
 * (autapses), and the clock's dt.
 */
export interface SynapseSides {
  nPre: number;
  nPost: number;
  preOffset: number;
  postOffset: number;
  samePopulation: boolean;
  dt: number;
}

/** The sides of a spec between populations of the given sizes; refuses ranges beyond them. */
export function sidesOf(spec: SynapseSpec, preSize: number, postSize: number, samePopulation: boolean, dt: number): SynapseSides {
  const side = (range: NeuronRange | null, size: number, field: string): [number, number] => {
    if (range === null) return [size, 0];
    if (range[1] >= size) throw new ConfigError(field, `${range[0]}-${range[1]}`, message('errors.rangePopulation', { last: size - 1 }));
    return [range[1] - range[0] + 1, range[0]];
  };
  const [nPre, preOffset] = side(spec.preRange, preSize, 'preNeurons');
  const [nPost, postOffset] = side(spec.postRange, postSize, 'postNeurons');
  return { nPre, nPost, preOffset, postOffset, samePopulation, dt };
}

/** Local target index that is the presynaptic neuron itself (for autapses), or -1. */
function selfTarget(sides: SynapseSides, j: number): number {
  if (!sides.samePopulation) return -1;
  const i = j + sides.preOffset - sides.postOffset;
  return i >= 0 && i < sides.nPost ? i : -1;
}

/** How many synapses a spec makes between these sides (exact, or the expectation for the probability rule). */
export function expectedSynapses(spec: SynapseSpec, sides: SynapseSides): number {
  const { nPre, nPost } = sides;
  const selves = spec.autapses ? 0 : overlap(sides);
  switch (spec.rule) {
    case 'all-to-all': return nPre * nPost - selves;
    case 'one-to-one': return nPre;
    case 'probability': return spec.probability * (nPre * nPost - selves);
    case 'out-degree': return nPre * spec.degree;
    case 'in-degree': return nPost * spec.degree;
    case 'list': return spec.connections.length;
  }
}

/** How many presynaptic neurons are also targets (same population, overlapping ranges). */
function overlap(sides: SynapseSides): number {
  if (!sides.samePopulation) return 0;
  const from = Math.max(sides.preOffset, sides.postOffset);
  const to = Math.min(sides.preOffset + sides.nPre, sides.postOffset + sides.nPost);
  return Math.max(0, to - from);
}

/** Checks what depends on the populations: sizes, degrees, listed indices, delays at dt. */
export function checkSynapse(spec: SynapseSpec, sides: SynapseSides): void {
  const { nPre, nPost, dt } = sides;
  const self = !spec.autapses && overlap(sides) > 0;
  if (spec.rule === 'one-to-one' && nPre !== nPost) throw new ConfigError('rule', spec.rule, message('errors.oneToOne', { pre: nPre, post: nPost }));
  if ((spec.rule === 'out-degree' || spec.rule === 'in-degree') && !spec.duplicates) {
    const partners = spec.rule === 'out-degree' ? nPost : nPre;
    const available = partners - (self ? 1 : 0);
    if (spec.degree > available) {
      throw new ConfigError('degree', spec.degree, message(spec.rule === 'out-degree' ? (self ? 'errors.degreeTargetsSelf' : 'errors.degreeTargets') : self ? 'errors.degreeSourcesSelf' : 'errors.degreeSources', { available }));
    }
  }
  if (spec.rule === 'list') {
    const within = (x: number, offset: number, n: number) => x >= offset && x < offset + n;
    const span = (offset: number, n: number) => `${offset}-${offset + n - 1}`;
    spec.connections.forEach(([pre, post], n) => {
      if (!within(pre, sides.preOffset, nPre)) throw new ConfigError(`connections[${n}].pre`, pre, message('errors.listedPre', { span: span(sides.preOffset, nPre) }));
      if (!within(post, sides.postOffset, nPost)) throw new ConfigError(`connections[${n}].post`, post, message('errors.listedPost', { span: span(sides.postOffset, nPost) }));
    });
  }
  const count = expectedSynapses(spec, sides);
  if (count > MAX_SYNAPSES) throw new ConfigError('rule', spec.rule, message('errors.synapsesMany', { count: Math.round(count).toLocaleString('en-US'), limit: MAX_SYNAPSES.toLocaleString('en-US') }));
  if (spec.rule === 'list') {
    spec.connections.forEach(([, , w, d], n) => {
      if (w === null && Number.isNaN((spec.weight as { value?: number }).value)) throw new ConfigError(`connections[${n}].weight`, w, message('errors.weightMissing'));
      if (d === null && Number.isNaN((spec.delay as { ms?: number }).ms)) throw new ConfigError(`connections[${n}].delay`, d, message('errors.delayMissing'));
    });
  }
  switch (spec.delay.kind) {
    case 'constant': if (!Number.isNaN(spec.delay.ms)) delaySteps(spec.delay.ms, dt); break;
    case 'uniform': delaySteps(spec.delay.min, dt, 'delayMin'); delaySteps(spec.delay.max, dt, 'delayMax'); break;
    case 'split': delaySteps(1, dt, 'delayMax'); delaySteps(spec.delay.max, dt, 'delayMax'); break;
  }
  if (spec.rule === 'list') spec.connections.forEach(([, , , d], n) => d !== null && delaySteps(d, dt, `connections[${n}].delay`));
  if (spec.plasticity.rule === 'izhikevich2006') delaySteps(spec.plasticity.period, dt, 'period');
}

/** The longest delay a spec can give, in steps. */
export function maxDelaySteps(spec: SynapseSpec, dt: number): number {
  if (spec.rule === 'list') {
    const own = spec.connections.reduce((most, [, , , d]) => (d === null ? most : Math.max(most, delaySteps(d, dt, 'connections.delay'))), 1);
    if (spec.delay.kind === 'constant' && Number.isNaN(spec.delay.ms)) return own;
    return Math.max(own, maxDelaySteps({ ...spec, rule: 'all-to-all' }, dt));
  }
  switch (spec.delay.kind) {
    case 'constant': return delaySteps(spec.delay.ms, dt);
    case 'uniform': return delaySteps(spec.delay.max, dt, 'delayMax');
    case 'split': return delaySteps(spec.delay.max, dt, 'delayMax');
  }
}

/** Connections in CSR form. */
export interface Connectivity {
  /** presynaptic neurons (rows), the first of them being neuron preOffset of its group */
  nPre: number;
  preOffset: number;
  nPost: number;
  /** synapses of presynaptic neuron preOffset + j: rowStart[j] .. rowStart[j + 1] */
  rowStart: Int32Array;
  /** target neuron indices in the target population */
  target: Int32Array;
  weight: Float64Array;
  /** in steps, >= 1 */
  delay: Uint16Array;
  maxDelay: number;
  /** the shortest delay (equal to maxDelay when every synapse has the same) */
  minDelay: number;
  /** every row holds every target 0 .. nPost - 1 in order (all-to-all with autapses): target[k] need not be read */
  dense: boolean;
}

/** Where a synapse node's random numbers come from. */
export interface SynapseRandom {
  seed: number;
  key: number;
}

/** Bytes one synapse costs in CSR form (target, weight, delay), plus plasticity state. */
export function bytesPerSynapse(spec: SynapseSpec): number {
  const base = 4 + 8 + 8 + 2; // target, weight, the weight a reset goes back to, delay
  if (spec.plasticity.rule === 'izhikevich2006') return base + 8 + 4 + 4; // derivative, incoming index, pre index
  if (spec.plasticity.rule === 'stdp') return base + 8 + 8 + 8 + 4 + 4; // two traces, last update, incoming index, pre index
  return base;
}

/** Builds the connections of a validated spec between validated sides. */
export function buildConnectivity(spec: SynapseSpec, sides: SynapseSides, random: SynapseRandom): Connectivity {
  checkSynapse(spec, sides);
  const { nPre, nPost } = sides;
  const targets = spec.rule === 'list' ? listTargets(spec, sides) : spec.rule === 'in-degree' ? inDegreeTargets(spec, sides, random) : outTargets(spec, sides, random);
  const rowStart = targets.rowStart;
  const total = rowStart[nPre];
  for (let s = 0; s < total; s++) targets.target[s] += sides.postOffset;
  const weight = new Float64Array(total);
  const delay = new Uint16Array(total);
  const dt = sides.dt;
  const stream = (purpose: number, j: number) => new Stream([random.seed, random.key, purpose, j]);
  const constantDelay = spec.delay.kind === 'constant' && !Number.isNaN(spec.delay.ms) ? delaySteps(spec.delay.ms, dt) : 0;
  const scope: Record<string, number> = { i: 0, j: 0, Npre: nPre, Npost: nPost };
  const w = spec.weight;
  const draws = w.kind === 'expression' ? Math.max(0, ...[...w.formula.uses].filter((v) => v.startsWith('r')).map((v) => (v === 'r' ? 1 : Number(v.slice(1))))) : 0;
  let maxDelay = 1;
  for (let j = 0; j < nPre; j++) {
    const from = rowStart[j], to = rowStart[j + 1];
    if (from === to) continue;
    const weights = w.kind === 'constant' ? null : stream(PURPOSE.weights, j);
    for (let s = from; s < to; s++) {
      switch (w.kind) {
        case 'constant': weight[s] = w.value; break;
        case 'uniform': weight[s] = w.low + (w.high - w.low) * weights!.uniform(); break;
        case 'normal': weight[s] = Math.min(w.high, Math.max(w.low, w.mean + w.sd * weights!.gaussian())); break;
        case 'expression': {
          scope.i = j + sides.preOffset;
          scope.j = targets.target[s];
          for (let k = 1; k <= draws; k++) scope[k === 1 ? 'r' : `r${k}`] = weights!.uniform();
          weight[s] = w.formula.evaluate(scope);
          break;
        }
      }
    }
    const d = spec.delay;
    if (d.kind === 'constant') {
      delay.fill(constantDelay, from, to);
    } else if (d.kind === 'uniform') {
      const delays = stream(PURPOSE.delays, j);
      const lo = delaySteps(d.min, dt, 'delayMin'), hi = delaySteps(d.max, dt, 'delayMax');
      for (let s = from; s < to; s++) delay[s] = lo + delays.below(hi - lo + 1);
    } else {
      // evenly over 1 .. D ms: a seeded shuffle of the row decides which synapse gets which delay
      const count = to - from;
      const order = Array.from({ length: count }, (_, k) => k);
      const delays = stream(PURPOSE.delays, j);
      for (let k = count - 1; k > 0; k--) {
        const m = delays.below(k + 1);
        [order[k], order[m]] = [order[m], order[k]];
      }
      const perMs = delaySteps(1, dt, 'delayMax');
      for (let k = 0; k < count; k++) delay[from + order[k]] = (1 + Math.floor((k * d.max) / count)) * perMs;
    }
    if (spec.rule === 'list') {
      targets.listed!.forEach(([listedWeight, listedDelay], k) => {
        if (k < from || k >= to) return;
        if (listedWeight !== null) weight[k] = listedWeight;
        if (listedDelay !== null) delay[k] = delaySteps(listedDelay, dt, 'connections.delay');
      });
    }
    for (let s = from; s < to; s++) if (delay[s] > maxDelay) maxDelay = delay[s];
  }
  for (let s = 0; s < total; s++) {
    if (!Number.isFinite(weight[s])) throw new ConfigError('weight', weight[s], message('errors.weightFinite'));
    if (spec.plasticity.rule !== 'none' && weight[s] < 0) {
      throw new ConfigError('plasticity', spec.plasticity.rule, message('errors.plasticNegativeSynapse', { synapse: s, weight: weight[s] }));
    }
  }
  let minDelay = maxDelay;
  for (let s = 0; s < total; s++) if (delay[s] < minDelay) minDelay = delay[s];
  const dense = spec.rule === 'all-to-all' && sides.postOffset === 0 && total === nPre * nPost;
  return { nPre, preOffset: sides.preOffset, nPost, rowStart, target: targets.target, weight, delay, maxDelay, minDelay, dense };
}

interface Targets {
  rowStart: Int32Array;
  target: Int32Array;
  /** rule list: the listed weight and delay of each synapse, in CSR order */
  listed?: Array<[number | null, number | null]>;
}

/** Rows built per presynaptic neuron: all-to-all, one-to-one, probability, out-degree. */
function outTargets(spec: SynapseSpec, sides: SynapseSides, random: SynapseRandom): Targets {
  const { nPre, nPost } = sides;
  const rowStart = new Int32Array(nPre + 1);
  let target = new Int32Array(Math.max(16, Math.min(MAX_SYNAPSES, Math.ceil(expectedSynapses(spec, sides) * 1.1) + 16)));
  let count = 0;
  const push = (x: number) => {
    if (count === target.length) {
      const bigger = new Int32Array(target.length * 2);
      bigger.set(target);
      target = bigger;
    }
    target[count++] = x;
  };
  const marks = spec.rule === 'out-degree' && !spec.duplicates ? new Uint8Array(nPost) : null;
  for (let j = 0; j < nPre; j++) {
    rowStart[j] = count;
    const self = spec.autapses ? -1 : selfTarget(sides, j);
    switch (spec.rule) {
      case 'all-to-all':
        for (let i = 0; i < nPost; i++) if (i !== self) push(i);
        break;
      case 'one-to-one':
        push(j);
        break;
      case 'probability': {
        // geometric skips: the gap to the next target is floor(log(u) / log(1 - p))
        const p = spec.probability;
        if (p <= 0) break;
        const connect = new Stream([random.seed, random.key, PURPOSE.connect, j]);
        const logq = Math.log(1 - p);
        for (let i = p >= 1 ? 0 : Math.floor(Math.log(connect.uniform()) / logq); i < nPost; i += p >= 1 ? 1 : 1 + Math.floor(Math.log(connect.uniform()) / logq)) {
          if (i !== self) push(i);
        }
        break;
      }
      case 'out-degree': {
        const connect = new Stream([random.seed, random.key, PURPOSE.connect, j]);
        const chosen = sample(connect, nPost, spec.degree, self, marks);
        for (const i of chosen) push(i);
        break;
      }
    }
  }
  rowStart[nPre] = count;
  return { rowStart, target: target.slice(0, count) };
}

/**
 * `k` targets out of 0 .. n - 1 (skipping `skip`), sorted: distinct ones by Floyd's algorithm
 * when `marks` is given, independent draws (duplicates allowed) otherwise.
 */
function sample(stream: Stream, n: number, k: number, skip: number, marks: Uint8Array | null): number[] {
  const m = skip >= 0 ? n - 1 : n;
  const map = (x: number) => (skip >= 0 && x >= skip ? x + 1 : x);
  const chosen: number[] = [];
  if (!marks) {
    for (let c = 0; c < k; c++) chosen.push(map(stream.below(m)));
  } else {
    for (let x = m - k; x < m; x++) {
      const t = stream.below(x + 1);
      const pick = marks[t] ? x : t;
      marks[pick] = 1;
      chosen.push(pick);
    }
    for (const x of chosen) marks[x] = 0;
    for (let c = 0; c < chosen.length; c++) chosen[c] = map(chosen[c]);
  }
  return chosen.sort((x, y) => x - y);
}

/** The in-degree rule: `degree` sources drawn per target neuron, then sorted into rows by source. */
function inDegreeTargets(spec: SynapseSpec, sides: SynapseSides, random: SynapseRandom): Targets {
  const { nPre, nPost } = sides;
  const marks = spec.duplicates ? null : new Uint8Array(nPre);
  const sources = new Int32Array(nPost * spec.degree);
  for (let i = 0; i < nPost; i++) {
    const connect = new Stream([random.seed, random.key, PURPOSE.connect, i]);
    // the source that is this target itself (same population), in local presynaptic indices
    const selfSource = spec.autapses || !sides.samePopulation ? -1 : i + sides.postOffset - sides.preOffset;
    const chosen = sample(connect, nPre, spec.degree, selfSource >= 0 && selfSource < nPre ? selfSource : -1, marks);
    sources.set(chosen, i * spec.degree);
  }
  return byRow(nPre, sources.length, (s) => sources[s], (s) => Math.floor(s / spec.degree));
}

/** The list rule (global indices, made local here), in CSR order (listed order within a row after sorting by target). */
function listTargets(spec: SynapseSpec, sides: SynapseSides): Targets {
  const c = spec.connections;
  const rows = byRow(sides.nPre, c.length, (s) => c[s][0] - sides.preOffset, (s) => c[s][1] - sides.postOffset, true);
  return { ...rows, listed: rows.order!.map((s) => [spec.connections[s][2], spec.connections[s][3]]) };
}

/** Counting sort of synapses given by (pre, post) into CSR rows sorted by target. */
function byRow(nPre: number, total: number, preOf: (s: number) => number, postOf: (s: number) => number, keepOrder = false): Targets & { order?: number[] } {
  const rowStart = new Int32Array(nPre + 1);
  for (let s = 0; s < total; s++) rowStart[preOf(s) + 1]++;
  for (let j = 0; j < nPre; j++) rowStart[j + 1] += rowStart[j];
  const fill = rowStart.slice(0, nPre);
  const order = new Array<number>(total);
  for (let s = 0; s < total; s++) order[fill[preOf(s)]++] = s;
  for (let j = 0; j < nPre; j++) {
    const row = order.slice(rowStart[j], rowStart[j + 1]).sort((x, y) => postOf(x) - postOf(y) || x - y);
    for (let k = 0; k < row.length; k++) order[rowStart[j] + k] = row[k];
  }
  const target = Int32Array.from(order, postOf);
  return keepOrder ? { rowStart, target, order } : { rowStart, target };
}

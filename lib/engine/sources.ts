/**
 * Current sources (NEST: stimulation devices). Each one gives I(t) in the model's current
 * unit at the grid time t = k * dt of every step. Sources that feed the same neuron add up.
 *
 * Windowed shapes (step, pulses, ramp, sine) are "on" for onset < t < offset by default,
 * exactly the strict inequalities of the published scripts; `edges: closed` makes the
 * window onset <= t <= offset instead.
 */
import { compileExpression, type CompiledExpression } from './expression';
import { addGaussians, PURPOSE, Stream, StreamBank, streamKey } from './rng';
import { EDGES, fieldOf, INTERPOLATIONS, MAX_SEED, readerOf, ruleOf, SOURCE_KINDS } from './schema';
import { ConfigError, isBlank, toNumber, toNumberList } from './validate';
import { message } from './messages';

/**
 * `noise` gives every target neuron its own Gaussian value each step; `random-neuron` gives one
 * neuron of each target population, chosen at random each step, the amplitude (the thalamic
 * input of Izhikevich's 2006 network). Both draw from the streams of lib/engine/rng.ts. The
 * kinds, their fields, defaults and bounds are the schema's (lib/engine/schema.ts).
 */
export { SOURCE_KINDS, EDGES, INTERPOLATIONS };
export type SourceKind = (typeof SOURCE_KINDS)[number];
export type Edges = (typeof EDGES)[number];

/** At most this many explicit pulse times or table rows in one source. */
export const MAX_LIST_LENGTH = fieldOf('izh-source', 'times').maxLength!;

export type SourceSpec =
  | { kind: 'constant'; amplitude: number }
  | { kind: 'step'; amplitude: number; baseline: number; onset: number; offset: number; edges: Edges }
  | { kind: 'pulses'; amplitude: number; baseline: number; onsets: number[]; start: number; period: number; count: number; width: number; edges: Edges }
  | { kind: 'ramp'; slope: number; baseline: number; onset: number; offset: number; edges: Edges }
  | { kind: 'sine'; amplitude: number; frequency: number; phase: number; baseline: number; onset: number; offset: number; edges: Edges }
  | { kind: 'noise'; mean: number; std: number; seed: number | null }
  | { kind: 'random-neuron'; amplitude: number; seed: number | null }
  | { kind: 'table'; points: Array<[number, number]>; interpolation: (typeof INTERPOLATIONS)[number] }
  | { kind: 'expression'; expression: string };

/** The runtime form of a source. */
export interface CurrentSource {
  readonly spec: SourceSpec;
  /** true when every target neuron receives its own value (noise, random-neuron) */
  readonly perNeuron: boolean;
  /** the value shared by all targets at time t (ms); 0 for per-neuron sources */
  value(t: number): number;
  /**
   * Adds this source's per-neuron values at time t to `out`, the input of the target population
   * whose stream key is `target` (only when perNeuron). Called once per target and step.
   */
  addTo(out: Float64Array, t: number, target: number): void;
}

/** Where a source's random numbers come from: the run seed and the source node's stream key. */
export interface SourceRandom {
  seed: number;
  key: number;
}


/**
 * Validates a source description from a node config or a message and fills in defaults (a
 * typed amplitude given as an environment variable is resolved before, see prepareConfig).
 */
export function normalizeSource(raw: Record<string, unknown>): SourceSpec {
  const read = readerOf('izh-source', raw);
  const kind = read.choice<SourceKind>('kind');
  const baseline = () => read.number('baseline');
  const edges = () => read.choice<Edges>('edges');
  const amplitude = () => read.number('amplitude');
  const window = () => {
    const onset = read.number('onset');
    const offset = read.number('offset');
    if (!(offset > onset)) throw new ConfigError('offset', raw.offset, message('errors.offsetOnset', { onset }));
    return { onset, offset, edges: edges() };
  };
  switch (kind) {
    case 'constant':
      return { kind, amplitude: amplitude() };
    case 'step':
      return { kind, amplitude: amplitude(), baseline: baseline(), ...window() };
    case 'pulses': {
      const width = read.number('width');
      const onsets = isBlank(raw.times) ? [] : toNumberList('times', raw.times);
      if (onsets.length > MAX_LIST_LENGTH) throw new ConfigError('times', `${onsets.length} times`, message('errors.pulseTimesMany', { limit: MAX_LIST_LENGTH }));
      let start = 0, period = 0, count = 0;
      if (onsets.length === 0) {
        start = read.number('start');
        // required without explicit times
        period = toNumber('period', raw.period, ruleOf(read.field('period')));
        if (width > period) throw new ConfigError('width', raw.width, message('errors.widthPeriod', { period }));
        count = read.number('count');
      }
      return { kind, amplitude: amplitude(), baseline: baseline(), onsets: onsets.sort((x, y) => x - y), start, period, count, width, edges: edges() };
    }
    case 'ramp':
      return { kind, slope: read.number('slope'), baseline: baseline(), ...window() };
    case 'sine':
      return {
        kind,
        amplitude: amplitude(),
        frequency: read.number('frequency'),
        phase: read.number('phase'),
        baseline: baseline(),
        ...window(),
      };
    case 'noise':
      return {
        kind,
        mean: read.number('mean'),
        std: read.number('std'),
        seed: seedOf(raw.seed),
      };
    case 'random-neuron':
      return { kind, amplitude: amplitude(), seed: seedOf(raw.seed) };
    case 'table':
      return { kind, points: toTable(raw.table), interpolation: read.choice('interpolation') };
    case 'expression':
      compileExpression(raw.expression); // validate now, compile per runtime source
      return { kind, expression: String(raw.expression).trim() };
  }
}

/** A node's seed: a whole number from 0 to 2^32 - 1, or null when blank (the node's id keys its streams). */
export function seedOf(raw: unknown, field = 'seed'): number | null {
  return isBlank(raw) ? null : toNumber(field, raw, { integer: true, min: 0, max: MAX_SEED });
}

/**
 * A piecewise-linear table given as [[t, I], ...] (array or JSON text) or as text with one
 * "t, I" pair per line. Times must increase.
 */
function toTable(raw: unknown): Array<[number, number]> {
  let rows: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        rows = JSON.parse(text);
      } catch {
        throw new ConfigError('table', raw, message('errors.tableJson'));
      }
    } else {
      rows = text.split(/\n|;/).map((line) => line.trim()).filter((line) => line !== '').map((line) => line.split(/[\s,]+/));
    }
  }
  if (!Array.isArray(rows) || rows.length === 0) throw new ConfigError('table', raw, message('errors.tableEmpty'));
  if (rows.length > MAX_LIST_LENGTH) throw new ConfigError('table', `${rows.length} rows`, message('errors.tableMany', { limit: MAX_LIST_LENGTH }));
  const points = rows.map((row, i): [number, number] => {
    if (!Array.isArray(row) || row.length !== 2) throw new ConfigError(`table[${i}]`, row, message('errors.tablePair'));
    return [toNumber(`table[${i}].t`, row[0]), toNumber(`table[${i}].I`, row[1])];
  });
  for (let i = 1; i < points.length; i++) {
    if (!(points[i][0] > points[i - 1][0])) throw new ConfigError(`table[${i}].t`, points[i][0], message('errors.tableOrder'));
  }
  return points;
}

function inWindow(t: number, onset: number, offset: number, edges: Edges): boolean {
  return edges === 'open' ? onset < t && t < offset : onset <= t && t <= offset;
}

/**
 * Builds the runtime form of a validated source. Random kinds start their streams afresh:
 * noise draws from one stream per target neuron, (seed, key, NOISE, target, i); random-neuron
 * from one per target population, (seed, key, PICK, target).
 */
export function createSource(spec: SourceSpec, random: SourceRandom = { seed: 1, key: 0 }): CurrentSource {
  // a source with a seed of its own draws the same numbers wherever it is (copies of a node too)
  const key = 'seed' in spec && spec.seed !== null ? streamKey('', spec.seed) : random.key;
  const shared = (value: (t: number) => number): CurrentSource => ({ spec, perNeuron: false, value, addTo: () => undefined });
  switch (spec.kind) {
    case 'constant':
      return shared(() => spec.amplitude);
    case 'step':
      return shared((t) => (inWindow(t, spec.onset, spec.offset, spec.edges) ? spec.amplitude : spec.baseline));
    case 'pulses':
      return shared((t) => (pulseIsOn(spec, t) ? spec.amplitude : spec.baseline));
    case 'ramp':
      return shared((t) => (inWindow(t, spec.onset, spec.offset, spec.edges) ? spec.baseline + spec.slope * (t - spec.onset) : spec.baseline));
    case 'sine':
      return shared((t) =>
        inWindow(t, spec.onset, spec.offset, spec.edges)
          ? spec.baseline + spec.amplitude * Math.sin((2 * Math.PI * spec.frequency * t) / 1000 + spec.phase)
          : spec.baseline,
      );
    case 'table':
      return shared((t) => interpolate(spec.points, t, spec.interpolation === 'hold'));
    case 'expression': {
      const compiled: CompiledExpression = compileExpression(spec.expression);
      return shared((t) => compiled.evaluate(t));
    }
    case 'noise': {
      const banks = new Map<number, StreamBank>();
      const { mean, std } = spec;
      return {
        spec,
        perNeuron: true,
        value: () => 0,
        addTo(out: Float64Array, _t: number, target: number) {
          let bank = banks.get(target);
          if (!bank) banks.set(target, (bank = new StreamBank(out.length, [random.seed, key, PURPOSE.noise, target])));
          addGaussians(bank.state, out, mean, std);
        },
      };
    }
    case 'random-neuron': {
      const streams = new Map<number, Stream>();
      return {
        spec,
        perNeuron: true,
        value: () => 0,
        addTo(out: Float64Array, _t: number, target: number) {
          let stream = streams.get(target);
          if (!stream) streams.set(target, (stream = new Stream([random.seed, key, PURPOSE.pick, target])));
          out[stream.below(out.length)] += spec.amplitude;
        },
      };
    }
  }
}

function pulseIsOn(spec: Extract<SourceSpec, { kind: 'pulses' }>, t: number): boolean {
  const on = (onset: number) => inWindow(t, onset, onset + spec.width, spec.edges);
  if (spec.onsets.length > 0) {
    // the last onset at or before t is the only candidate, since pulses are sorted and may not overlap much
    let lo = 0, hi = spec.onsets.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spec.onsets[mid] <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (let i = found; i >= 0 && spec.onsets[i] + spec.width >= t; i--) if (on(spec.onsets[i])) return true;
    return false;
  }
  if (t < spec.start) return false;
  const index = Math.floor((t - spec.start) / spec.period);
  if (index >= spec.count) return on(spec.start + (spec.count - 1) * spec.period);
  return on(spec.start + index * spec.period) || (index > 0 && on(spec.start + (index - 1) * spec.period));
}

function interpolate(points: Array<[number, number]>, t: number, hold: boolean): number {
  if (t <= points[0][0]) return points[0][1];
  const last = points[points.length - 1];
  if (t >= last[0]) return last[1];
  let lo = 0, hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= t) lo = mid; else hi = mid;
  }
  const [t0, i0] = points[lo];
  if (hold) return i0;
  const [t1, i1] = points[hi];
  return i0 + ((i1 - i0) * (t - t0)) / (t1 - t0);
}

/**
 * The same current as a mathjs expression of t, e.g. `(10 < t) ? 14 : 0`; the arithmetic is
 * written in the order createSource() uses, so both give identical values. Noise has no
 * expression form, and a periodic pulse train without a count is written out for its first
 * 1000 pulses only.
 */
export function sourceExpression(spec: SourceSpec): string {
  const window = (onset: number, offset: number, edges: Edges): string => {
    const lt = edges === 'open' ? '<' : '<=';
    const parts = [Number.isFinite(onset) ? `${num(onset)} ${lt} t` : '', Number.isFinite(offset) ? `t ${lt} ${num(offset)}` : ''].filter((p) => p);
    return parts.length === 0 ? 'true' : parts.join(' and ');
  };
  switch (spec.kind) {
    case 'constant':
      return num(spec.amplitude);
    case 'step':
      return `(${window(spec.onset, spec.offset, spec.edges)}) ? ${num(spec.amplitude)} : ${num(spec.baseline)}`;
    case 'pulses': {
      const onsets = spec.onsets.length > 0 ? spec.onsets : Array.from({ length: Math.min(spec.count, 1000) }, (_, i) => spec.start + i * spec.period);
      const on = onsets.map((s) => `(${window(s, s + spec.width, spec.edges)})`).join(' or ');
      return `(${on}) ? ${num(spec.amplitude)} : ${num(spec.baseline)}`;
    }
    case 'ramp':
      return `(${window(spec.onset, spec.offset, spec.edges)}) ? ${num(spec.baseline)} + ${num(spec.slope)} * (t - ${num(spec.onset)}) : ${num(spec.baseline)}`;
    case 'sine':
      return `(${window(spec.onset, spec.offset, spec.edges)}) ? ${num(spec.baseline)} + ${num(spec.amplitude)} * sin(2 * pi * ${num(spec.frequency)} * t / 1000 + ${num(spec.phase)}) : ${num(spec.baseline)}`;
    case 'table': {
      if (spec.points.length === 1) return num(spec.points[0][1]);
      // nested conditionals from the last segment backwards
      let text = num(spec.points[spec.points.length - 1][1]);
      for (let i = spec.points.length - 2; i >= 0; i--) {
        const [t0, i0] = spec.points[i];
        const [t1, i1] = spec.points[i + 1];
        const value = spec.interpolation === 'hold' ? num(i0) : `${num(i0)} + (${num(i1 - i0)}) * (t - ${num(t0)}) / ${num(t1 - t0)}`;
        text = `t < ${num(t1)} ? ${value} : (${text})`;
      }
      return `t <= ${num(spec.points[0][0])} ? ${num(spec.points[0][1])} : (${text})`;
    }
    case 'expression':
      return spec.expression;
    case 'noise':
    case 'random-neuron':
      throw new ConfigError('kind', spec.kind, message('errors.randomKind'));
  }
}

/** A number as mathjs reads it back exactly (shortest round-trip form; negatives in parentheses). */
function num(x: number): string {
  const text = String(x);
  return x < 0 ? `(${text})` : text;
}

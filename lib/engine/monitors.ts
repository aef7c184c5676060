/**
 * Monitors observe a population and never change it (as in Brian2).
 *  - SpikeMonitor: every spike as (time in ms, neuron index), counts and rates per neuron.
 *  - StateMonitor: chosen variables (v, u, I) of chosen neurons every k-th step.
 * Both can hand out what they recorded since the last call (`takeChunk`) for live charts,
 * and everything since the last reset at the end of a run: `result()` at once, or
 * `snapshot()`, a job that copies it a slice at a time (lib/engine/slices.ts) so the end of a
 * big run does not block the event loop. Recordings live in block columns (column.ts): a
 * snapshot stays valid while the network goes on or is reset. `typedSnapshot()` gives the same
 * result in typed arrays, for results too long for plain arrays (a plain array of millions of
 * numbers is allocated in one piece, which blocks the event loop however it is filled).
 *
 * With a window, a monitor keeps only the last `window` ms. What the window drops before a
 * live chunk handed it out is counted: the next chunk says `dropped: n`. Nothing recorded
 * vanishes unannounced.
 */
import { Column, copyViews, copyViewsTyped, RowBlocks, RunColumn, type View } from './column';
import type { NeuronGroup, SpikingGroup } from './neuron';
import { finishNow, type Incremental } from './slices';
import { DEFAULT_MAX_SPIKES, DEFAULT_MAX_VALUES, fieldOf, readerOf, STATE_VARIABLES } from './schema';
import { ConfigError, oneOf, toNumberList } from './validate';
import { message } from './messages';

/** Spike counts and rates per neuron are included in results up to this population size. */
export const MAX_PER_NEURON_SUMMARY = 10_000;

/**
 * Default cap on the spikes one spike monitor stores: 4 million spikes, 48 MB; default budget
 * of a state monitor: 8 million values, 64 MB (the monitors' fields: lib/engine/schema.ts).
 */
export { DEFAULT_MAX_SPIKES, DEFAULT_MAX_VALUES, STATE_VARIABLES };

/**
 * The mean rate of `spikes` over `size` neurons and `steps` steps of dt ms, in Hz: the one rule
 * of every rate a status or a result gives (a run of `steps` steps covers steps · dt ms).
 */
export function meanRateHz(spikes: number, size: number, steps: number, dt: number): number {
  const seconds = (steps * dt) / 1000;
  return seconds > 0 && size > 0 ? spikes / size / seconds : 0;
}

/** Steps a window of `window` ms covers at dt; 0 means no window (keep the whole run). */
export function windowSteps(window: number | null | undefined, dt: number): number {
  return window == null || !Number.isFinite(window) ? 0 : Math.max(1, Math.round(window / dt));
}

export interface SpikeMonitorSpec {
  /** ms of simulated time kept (the last `window` ms); null: the monitor's default (see the compiler) */
  window: number | null;
  /** most spikes stored; later ones are still counted, and the result says truncated */
  maxSpikes: number;
}


/**
 * The absolute position before which a monitor with a window of `w` steps may drop samples at
 * `step`: nothing until it holds two windows, then everything older than one window, so
 * trimming is rare and amortised O(1).
 */
function windowStart(times: Column | RunColumn, step: number, w: number, dt: number): number {
  if (w <= 0 || times.length === 0 || times.at(times.start) > (step - 2 * w) * dt) return times.start;
  return times.firstAbove((step - w) * dt);
}

/** Validates a spike monitor's config: window (ms, blank for the default) and maxSpikes. */
export function normalizeSpikeMonitor(raw: Record<string, unknown>): SpikeMonitorSpec {
  const read = readerOf('izh-spike-monitor', raw);
  return {
    // blank: null, the default for the clock's kind of run
    window: read.optional('window'),
    maxSpikes: read.number('maxSpikes'),
  };
}

export type SpikeResult = SpikeResultOf<number[], number[]>;
/** A spike result in typed arrays (SpikeMonitor.typedSnapshot). */
export type TypedSpikeResult = SpikeResultOf<Float64Array, Int32Array>;

export interface SpikeResultOf<Times, Indices> {
  population: string;
  size: number;
  /** first and last recorded grid time (ms) */
  t0: number;
  t1: number;
  times: Times;
  indices: Indices;
  total: number;
  /** mean rate over the population and the recorded time (Hz) */
  meanRate: number;
  counts?: number[];
  rates?: number[];
  /** true when the monitor's maxSpikes was reached and later spikes were not stored */
  truncated?: boolean;
  /** with a window: times and indices cover only the last `window` ms (total, counts and rates the whole run) */
  window?: number;
}

/** What a live chunk of spikes holds: the spikes since the last chunk. */
export interface SpikeChunk {
  times: number[];
  indices: number[];
  /** spikes the window dropped before this chunk could hand them out */
  dropped?: number;
}

export class SpikeMonitor {
  /** spike times, one run per step with spikes (a synchronous step of a million spikes is one run) */
  private times = new RunColumn();
  private indices = Column.int32();
  private readonly counts: Int32Array;
  /** absolute position of the first spike the next chunk hands out */
  private chunkStart = 0;
  private firstStep = -1;
  private lastStep = -1;
  private spikes = 0;
  private truncated = false;
  private readonly windowSteps: number;
  private readonly maxSpikes: number;

  constructor(
    readonly group: SpikingGroup,
    readonly populationName: string,
    private readonly dt: number,
    private readonly retain = true,
    spec: Partial<SpikeMonitorSpec> = {},
  ) {
    this.counts = new Int32Array(group.size);
    this.windowSteps = windowSteps(spec.window, dt);
    this.maxSpikes = spec.maxSpikes ?? DEFAULT_MAX_SPIKES;
  }

  /** Called after the group advanced by the step with index `step` at time t. */
  record(step: number, t: number): void {
    if (this.firstStep < 0) this.firstStep = step;
    this.lastStep = step;
    const g = this.group;
    if (g.spikeCount === 0) return;
    const keepFrom = windowStart(this.times, step, this.windowSteps, this.dt);
    if (keepFrom > this.times.start) {
      this.times.dropBefore(keepFrom);
      this.indices.dropBefore(keepFrom);
    }
    const n = g.spikeCount;
    const spiked = g.spikeIndices;
    const counts = this.counts;
    for (let s = 0; s < n; s++) counts[spiked[s]]++;
    this.spikes += n;
    // the first spikes of the step up to the cap are stored, a block at a time (a synchronous
    // population may fire all at once)
    const kept = Math.min(n, Math.max(0, this.maxSpikes - this.times.length));
    if (kept < n) this.truncated = true;
    if (kept > 0) {
      this.times.pushRepeated(t, kept);
      this.indices.pushFrom(spiked, kept);
    }
  }

  /** Spikes since the last reset (stored or not). */
  get total(): number {
    return this.spikes;
  }

  reset(): void {
    this.times.clear();
    this.indices.clear();
    this.counts.fill(0); // a snapshot copies the counts when it is taken
    this.chunkStart = 0;
    this.firstStep = this.lastStep = -1;
    this.spikes = 0;
    this.truncated = false;
  }

  /** Recorded simulated time in ms (number of recorded steps times dt). */
  get span(): number {
    return this.firstStep < 0 ? 0 : (this.lastStep - this.firstStep + 1) * this.dt;
  }

  /** Spikes recorded since the last chunk was taken, and how many the window dropped before that. */
  takeChunk(): SpikeChunk {
    const from = Math.max(this.chunkStart, this.times.start);
    const dropped = from - this.chunkStart;
    const chunk: SpikeChunk = { times: this.times.slice(from), indices: this.indices.slice(from) };
    if (dropped > 0) chunk.dropped = dropped;
    this.chunkStart = this.times.end;
    if (!this.retain) {
      // spike events keep only what the next chunk hands out
      this.times.dropBefore(this.times.end);
      this.indices.dropBefore(this.indices.end);
    }
    return chunk;
  }

  /** The result so far, built a slice at a time (finishInSlices) or at once (finishNow). */
  snapshot(): Incremental<SpikeResult> {
    const { views, assemble } = this.parts();
    return copyViews(views, ([times, indices]) => assemble(times, indices));
  }

  /** The same result with times in a Float64Array and indices in an Int32Array. */
  typedSnapshot(): Incremental<TypedSpikeResult> {
    const { views, assemble } = this.parts();
    return copyViewsTyped(views, ([times, indices]) => assemble(times as Float64Array, indices as Int32Array));
  }

  /** Spikes a snapshot taken now would hold (the length of its arrays). */
  get resultLength(): number {
    return this.times.end - this.firstStored();
  }

  private firstStored(): number {
    return this.windowSteps > 0 ? this.times.firstAbove((this.lastStep - this.windowSteps) * this.dt) : this.times.start;
  }

  /** What a snapshot copies (views of the stored spikes), and how it becomes a result: everything else is read now. */
  private parts(): { views: View[]; assemble: <T, I>(times: T, indices: I) => SpikeResultOf<T, I> } {
    const seconds = this.span / 1000;
    const size = this.group.size;
    const steps = this.firstStep < 0 ? 0 : this.lastStep - this.firstStep + 1;
    const from = this.firstStored();
    const base = {
      population: this.populationName,
      size,
      t0: this.firstStep < 0 ? 0 : this.firstStep * this.dt,
      t1: this.lastStep < 0 ? 0 : this.lastStep * this.dt,
      total: this.total,
      meanRate: meanRateHz(this.total, size, steps, this.dt),
      truncated: this.truncated,
      window: this.windowSteps > 0 ? this.windowSteps * this.dt : undefined,
      counts: size <= MAX_PER_NEURON_SUMMARY ? Array.from(this.counts) : undefined,
    };
    const assemble = <T, I>(times: T, indices: I): SpikeResultOf<T, I> => {
      const result: SpikeResultOf<T, I> = { population: base.population, size, t0: base.t0, t1: base.t1, times, indices, total: base.total, meanRate: base.meanRate };
      if (base.counts) {
        result.counts = base.counts;
        result.rates = base.counts.map((c) => (seconds > 0 ? c / seconds : 0));
      }
      if (base.truncated) result.truncated = true;
      if (base.window !== undefined) result.window = base.window;
      return result;
    };
    return { views: [this.times.view(from), this.indices.view(from)], assemble };
  }

  result(): SpikeResult {
    return finishNow(this.snapshot());
  }
}

export type StateVariable = (typeof STATE_VARIABLES)[number];

export interface StateMonitorSpec {
  variables: StateVariable[];
  /** neuron indices to record; null means all */
  indices: number[] | null;
  /** record every k-th step */
  every: number;
  /** most values (samples x series) kept; recording stops beyond it and says so */
  maxValues: number;
  /** ms of simulated time kept (the last `window` ms); null: the monitor's default (see the compiler) */
  window?: number | null;
}

/** Validates a state monitor's config: variables "v,I", indices "0, 3" or "all", every k. */
export function normalizeStateMonitor(raw: Record<string, unknown>): StateMonitorSpec {
  const variablesRaw = raw.variables ?? fieldOf('izh-state-monitor', 'variables').default;
  if (typeof variablesRaw !== 'string' && !Array.isArray(variablesRaw)) throw new ConfigError('variables', variablesRaw, message('errors.variables'));
  const list = Array.isArray(variablesRaw) ? variablesRaw : variablesRaw.split(/[\s,;]+/).filter((s) => s !== '');
  if (list.length === 0) throw new ConfigError('variables', variablesRaw, message('errors.variables'));
  const variables = [...new Set(list.map((x) => oneOf('variables', x, STATE_VARIABLES)))];
  const indicesRaw = raw.indices;
  const indices =
    indicesRaw === undefined || indicesRaw === null || indicesRaw === '' || indicesRaw === 'all'
      ? null
      : [...new Set(toNumberList('indices', indicesRaw, { integer: true, min: 0 }))];
  if (indices !== null && indices.length === 0) throw new ConfigError('indices', indicesRaw, message('errors.indicesEmpty'));
  const read = readerOf('izh-state-monitor', raw);
  return {
    variables,
    indices,
    every: read.number('every'),
    maxValues: read.number('maxValues'),
    window: read.optional('window'),
  };
}

export type StateResult = StateResultOf<number[]>;
/** Values a block of a state monitor's rows holds at most (8 MB), unless one row is longer. */
const ROW_BLOCK_VALUES = 1 << 20;
/** Rows a block holds at most (a monitor of a few neurons allocates 32 kB per series at a time). */
const ROWS_PER_BLOCK = 4096;

/** A state result in typed arrays (StateMonitor.typedSnapshot). */
export type TypedStateResult = StateResultOf<Float64Array>;

export interface StateResultOf<Values> {
  population: string;
  /** sampling interval (ms) and sample times (ms) */
  dt: number;
  t: Values;
  indices: number[];
  /** one array per recorded neuron for each recorded variable: v[j][sample] */
  v?: Values[];
  u?: Values[];
  I?: Values[];
  /** true when the recording budget was reached and later samples were dropped */
  truncated: boolean;
  /** with a window: the samples cover only the last `window` ms */
  window?: number;
  /** live chunks: samples the window dropped before this chunk could hand them out */
  dropped?: number;
}

export class StateMonitor {
  readonly indices: number[];
  private t = Column.float64(4096);
  /** one row per sample: for each recorded variable in spec order, one value per recorded neuron */
  private rows: RowBlocks;
  /** absolute position of the first sample the next chunk hands out */
  private chunkStart = 0;
  private truncated = false;
  private lastStep = -1;
  private readonly windowSteps: number;

  constructor(readonly group: NeuronGroup, readonly populationName: string, readonly spec: StateMonitorSpec, private readonly dt: number) {
    this.windowSteps = windowSteps(spec.window, dt);
    if (spec.indices === null) {
      this.indices = Array.from({ length: group.size }, (_, i) => i);
    } else {
      const bad = spec.indices.find((i) => i >= group.size);
      if (bad !== undefined) throw new ConfigError('indices', bad, message('errors.indicesSize', { size: group.size }));
      this.indices = spec.indices;
    }
    const width = Math.max(1, this.valuesPerSample);
    this.rows = new RowBlocks(width, Math.max(1, Math.min(ROWS_PER_BLOCK, Math.floor(ROW_BLOCK_VALUES / width))));
  }

  /** Values one sample costs (one per variable and neuron). */
  get valuesPerSample(): number {
    return this.spec.variables.length * this.indices.length;
  }

  /** Values a run of `steps` steps would record; compare with spec.maxValues before a run. */
  valuesFor(steps: number): number {
    return Math.ceil(steps / this.spec.every) * this.valuesPerSample;
  }

  record(step: number, t: number): void {
    if (step % this.spec.every !== 0) return;
    this.lastStep = step;
    const keepFrom = windowStart(this.t, step, this.windowSteps, this.dt);
    if (keepFrom > this.t.start) {
      this.t.dropBefore(keepFrom);
      this.rows.dropBefore(keepFrom);
    }
    if ((this.t.length + 1) * this.valuesPerSample > this.spec.maxValues) {
      this.truncated = true;
      return;
    }
    const g = this.group;
    this.t.push(t);
    const indices = this.indices;
    const [row, first] = this.rows.appendRow();
    let at = first;
    for (const name of this.spec.variables) {
      // one loop per variable: a monitor of every neuron records millions of values
      if (name === 'v') for (let j = 0; j < indices.length; j++) row[at++] = g.displayV(indices[j], step);
      else if (name === 'u') for (let j = 0, U = g.u; j < indices.length; j++) row[at++] = U[indices[j]];
      else for (let j = 0; j < indices.length; j++) row[at++] = g.inputOf(indices[j]);
    }
  }

  reset(): void {
    this.t.clear();
    this.rows.clear();
    this.chunkStart = 0;
    this.truncated = false;
    this.lastStep = -1;
  }

  /** Samples [from, to) as a result, copied a slice at a time. */
  private between(from: number, to: number, dropped = 0): Incremental<StateResult> {
    const { views, assemble } = this.parts(from, to, dropped);
    return copyViews(views, assemble);
  }

  /** What a result of samples [from, to) copies, and how the copies become the result. */
  private parts(from: number, to: number, dropped = 0): { views: View[]; assemble: <A>(arrays: A[]) => StateResultOf<A> } {
    const names = this.spec.variables;
    const views = [this.t.view(from, to), ...Array.from({ length: this.valuesPerSample }, (_, k) => this.rows.view(k, from, to))];
    const head = { population: this.populationName, dt: this.dt * this.spec.every, indices: this.indices.slice(), truncated: this.truncated };
    const window = this.windowSteps > 0 ? this.windowSteps * this.dt : undefined;
    const perVariable = this.indices.length;
    const assemble = <A>([t, ...columns]: A[]): StateResultOf<A> => {
      const result: StateResultOf<A> = { ...head, t };
      names.forEach((name, n) => (result[name] = columns.slice(n * perVariable, (n + 1) * perVariable)));
      if (window !== undefined) result.window = window;
      if (dropped > 0) result.dropped = dropped;
      return result;
    };
    return { views, assemble };
  }

  /** Samples since the last chunk (at once: a chunk is at most a slice of steps or a window). */
  takeChunk(): StateResult {
    const from = Math.max(this.chunkStart, this.t.start);
    const dropped = from - this.chunkStart;
    this.chunkStart = this.t.end;
    return finishNow(this.between(from, this.t.end, dropped));
  }

  /** The result so far (the last window of it with a window), built a slice at a time. */
  snapshot(): Incremental<StateResult> {
    return this.between(this.firstKept(), this.t.end);
  }

  /** The same result with every series (and t) in a Float64Array. */
  typedSnapshot(): Incremental<TypedStateResult> {
    const { views, assemble } = this.parts(this.firstKept(), this.t.end);
    return copyViewsTyped(views, (arrays) => assemble(arrays as Float64Array[]));
  }

  /** Samples a snapshot taken now would hold (the length of each of its arrays). */
  get resultLength(): number {
    return this.t.end - this.firstKept();
  }

  private firstKept(): number {
    return this.windowSteps > 0 ? this.t.firstAbove((this.lastStep - this.windowSteps) * this.dt) : this.t.start;
  }

  result(): StateResult {
    return finishNow(this.snapshot());
  }

  get sampleCount(): number {
    return this.t.length;
  }
}

// ---- population rate -----------------------------------------------------------------------

export interface RateMonitorSpec {
  /** bin width (ms, a whole number of steps) */
  bin: number;
  /** running mean over the last `smoothing` ms of bins (null: none) */
  smoothing: number | null;
  /** ms kept (the last `window` ms); null: the monitor's default (see the compiler) */
  window: number | null;
}

export function normalizeRateMonitor(raw: Record<string, unknown>): RateMonitorSpec {
  const read = readerOf('izh-rate-monitor', raw);
  return {
    bin: read.number('bin'),
    smoothing: read.optional('smoothing'),
    window: read.optional('window'),
  };
}

/** Steps of a bin; refused unless the bin is a whole number of steps. */
export function binSteps(bin: number, dt: number, field = 'bin'): number {
  const steps = bin / dt;
  const whole = Math.round(steps);
  if (whole < 1 || Math.abs(steps - whole) > 1e-9 * Math.max(1, steps)) {
    throw new ConfigError(field, bin, message('errors.binSteps', { dt, example: Math.max(1, whole) * dt }));
  }
  return whole;
}

export interface RateResult {
  population: string;
  size: number;
  /** bin width (ms) and the start time of every bin (ms) */
  bin: number;
  t: number[];
  /** spikes per neuron per second in each bin (Hz) */
  rate: number[];
  /** the running mean over `smoothing` ms, when asked for */
  smoothed?: number[];
  smoothing?: number;
  window?: number;
  dropped?: number;
}

/** The population rate (Hz per neuron) in bins of whole steps. */
export class RateMonitor {
  private t = Column.float64(4096);
  private rate = Column.float64(4096);
  private smoothed = Column.float64(4096);
  private chunkStart = 0;
  private count = 0;
  private stepsInBin = 0;
  private binStart = -1;
  private readonly binSteps: number;
  private readonly smoothBins: number;
  private readonly windowSteps: number;
  /** the last smoothBins rates, for the running mean */
  private readonly recent: Float64Array;
  private recentCount = 0;
  private recentSum = 0;

  constructor(readonly group: SpikingGroup, readonly populationName: string, private readonly dt: number, readonly spec: RateMonitorSpec) {
    this.binSteps = binSteps(spec.bin, dt);
    this.smoothBins = spec.smoothing === null ? 0 : Math.max(1, Math.round(spec.smoothing / spec.bin));
    this.recent = new Float64Array(Math.max(1, this.smoothBins));
    this.windowSteps = windowSteps(spec.window, dt);
  }

  record(step: number): void {
    if (this.binStart < 0) this.binStart = step;
    this.count += this.group.spikeCount;
    if (++this.stepsInBin < this.binSteps) return;
    const rate = this.count / this.group.size / (this.spec.bin / 1000);
    const keepFrom = windowStart(this.t, step, this.windowSteps, this.dt);
    if (keepFrom > this.t.start) for (const c of [this.t, this.rate, this.smoothed]) c.dropBefore(keepFrom);
    this.t.push(this.binStart * this.dt);
    this.rate.push(rate);
    if (this.smoothBins > 0) {
      const slot = this.recentCount % this.smoothBins;
      if (this.recentCount >= this.smoothBins) this.recentSum -= this.recent[slot];
      this.recent[slot] = rate;
      this.recentSum += rate;
      this.recentCount++;
      this.smoothed.push(this.recentSum / Math.min(this.recentCount, this.smoothBins));
    }
    this.count = 0;
    this.stepsInBin = 0;
    this.binStart = -1;
  }

  reset(): void {
    for (const c of [this.t, this.rate, this.smoothed]) c.clear();
    this.chunkStart = 0;
    this.count = this.stepsInBin = 0;
    this.binStart = -1;
    this.recentCount = 0;
    this.recentSum = 0;
  }

  private between(from: number, to: number, dropped = 0): Incremental<RateResult> {
    const smoothing = this.smoothBins > 0;
    const views = [this.t.view(from, to), this.rate.view(from, to), ...(smoothing ? [this.smoothed.view(from, to)] : [])];
    const head = { population: this.populationName, size: this.group.size, bin: this.spec.bin };
    const window = this.windowSteps > 0 ? this.windowSteps * this.dt : undefined;
    return copyViews(views, ([t, rate, smoothed]) => {
      const result: RateResult = { ...head, t, rate };
      if (smoothing) {
        result.smoothed = smoothed;
        result.smoothing = this.spec.smoothing!;
      }
      if (window !== undefined) result.window = window;
      if (dropped > 0) result.dropped = dropped;
      return result;
    });
  }

  takeChunk(): RateResult {
    const from = Math.max(this.chunkStart, this.t.start);
    const dropped = from - this.chunkStart;
    this.chunkStart = this.t.end;
    return finishNow(this.between(from, this.t.end, dropped));
  }

  snapshot(): Incremental<RateResult> {
    return this.between(this.t.start, this.t.end);
  }

  result(): RateResult {
    return finishNow(this.snapshot());
  }
}

// ---- weights ----------------------------------------------------------------------------------

export interface WeightMonitorSpec {
  /** sample every `every` ms (a whole number of steps) */
  every: number;
  /** histogram bins over [low, high]; null bounds: the plastic bounds, or the weights' range at the start */
  bins: number;
  low: number | null;
  high: number | null;
}

export function normalizeWeightMonitor(raw: Record<string, unknown>): WeightMonitorSpec {
  const read = readerOf('izh-weight-monitor', raw);
  const low = read.optional('low');
  const high = read.optional('high');
  if (low !== null && high !== null && !(high > low)) throw new ConfigError('high', raw.high, message('errors.highLow', { low }));
  return {
    every: read.number('every'),
    bins: read.number('bins'),
    low,
    high,
  };
}

export interface WeightResult {
  synapses: number;
  /** sample times (ms), the mean weight at each, and the histogram bin edges and counts */
  t: number[];
  mean: number[];
  edges: number[];
  /** histogram[sample][bin] */
  histogram: number[][];
  /** the weights at the last sample */
  min: number;
  max: number;
}

/** What a weight monitor watches: a projection's weights and the bounds of its learning rule. */
export interface WeightSource {
  readonly weight: Float64Array;
  readonly bounds: [number, number] | null;
}

/** The weights of one synapse node: their mean and histogram every `every` ms. */
export class WeightMonitor {
  private t: number[] = [];
  private mean: number[] = [];
  private histogram: number[][] = [];
  private chunkStart = 0;
  private readonly everySteps: number;
  private edges: number[] = [];

  constructor(readonly source: WeightSource, private readonly dt: number, readonly spec: WeightMonitorSpec) {
    this.everySteps = binSteps(spec.every, dt, 'every');
    this.reset();
  }

  private bounds(): [number, number] {
    const w = this.source.weight;
    let lo = this.spec.low ?? this.source.bounds?.[0] ?? Infinity;
    let hi = this.spec.high ?? this.source.bounds?.[1] ?? -Infinity;
    if (this.spec.low === null && this.source.bounds === null) for (let k = 0; k < w.length; k++) lo = Math.min(lo, w[k]);
    if (this.spec.high === null && this.source.bounds === null) for (let k = 0; k < w.length; k++) hi = Math.max(hi, w[k]);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
    return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
  }

  record(step: number): void {
    if (step % this.everySteps !== 0) return;
    const w = this.source.weight;
    const bins = this.spec.bins;
    const lo = this.edges[0], hi = this.edges[bins];
    const counts = new Array<number>(bins).fill(0);
    let sum = 0;
    for (let k = 0; k < w.length; k++) {
      const x = w[k];
      sum += x;
      const b = Math.floor(((x - lo) / (hi - lo)) * bins);
      counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
    }
    this.t.push(step * this.dt);
    this.mean.push(w.length > 0 ? sum / w.length : 0);
    this.histogram.push(counts);
  }

  reset(): void {
    this.t = [];
    this.mean = [];
    this.histogram = [];
    this.chunkStart = 0;
    const [lo, hi] = this.bounds();
    this.edges = Array.from({ length: this.spec.bins + 1 }, (_, b) => lo + ((hi - lo) * b) / this.spec.bins);
  }

  private between(from: number): WeightResult {
    const w = this.source.weight;
    let min = Infinity, max = -Infinity;
    for (let k = 0; k < w.length; k++) {
      if (w[k] < min) min = w[k];
      if (w[k] > max) max = w[k];
    }
    return {
      synapses: w.length,
      t: this.t.slice(from),
      mean: this.mean.slice(from),
      edges: this.edges.slice(),
      histogram: this.histogram.slice(from).map((h) => h.slice()),
      min: w.length > 0 ? min : 0,
      max: w.length > 0 ? max : 0,
    };
  }

  takeChunk(): WeightResult {
    const chunk = this.between(this.chunkStart);
    this.chunkStart = this.t.length;
    return chunk;
  }

  snapshot(): Incremental<WeightResult> {
    const value = this.between(0);
    return { work: () => true, value };
  }

  result(): WeightResult {
    return this.between(0);
  }
}

/** What every monitor offers the network and the nodes. */
export interface Monitor {
  record(step: number, t: number): void;
  reset(): void;
  takeChunk(): object;
  snapshot(): Incremental<object>;
  result(): object;
}

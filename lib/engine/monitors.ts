/**
 * Monitors observe a population and never change it (as in Brian2).
 *  - SpikeMonitor: every spike as (time in ms, neuron index), counts and rates per neuron.
 *  - StateMonitor: chosen variables (v, u, I) of chosen neurons every k-th step.
 * Both can hand out what they recorded since the last call (`takeChunk`) for live charts,
 * and everything since the last reset (`result`) at the end of a run.
 */
import type { NeuronGroup } from './neuron';
import { ConfigError, isBlank, oneOf, optionalNumber, toNumber, toNumberList } from './validate';

/** A growable typed array: amortised O(1) push, no per-element objects. */
class Growable<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(private data: T, private readonly make: (n: number) => T) {}
  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(Math.max(16, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }
  slice(from: number, to = this.length): number[] {
    return Array.from(this.data.subarray(from, to));
  }
  clear(): void {
    this.length = 0;
  }
  get(i: number): number {
    return this.data[i];
  }
  /** Forgets the first n elements (a window moving on); the capacity is kept for reuse. */
  dropFirst(n: number): void {
    if (n <= 0) return;
    this.data.copyWithin(0, n, this.length);
    this.length -= n;
  }
  /** Index of the first element greater than `bound`, for ascending data (binary search). */
  firstAbove(bound: number): number {
    let lo = 0, hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.data[mid] > bound) hi = mid; else lo = mid + 1;
    }
    return lo;
  }
}
const float64 = () => new Growable(new Float64Array(16), (n) => new Float64Array(n));
const int32 = () => new Growable(new Int32Array(16), (n) => new Int32Array(n));

/** Spike counts and rates per neuron are included in results up to this population size. */
export const MAX_PER_NEURON_SUMMARY = 10_000;

/** Default cap on the spikes one spike monitor stores: 4 million spikes, 48 MB. */
export const DEFAULT_MAX_SPIKES = 4_000_000;

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

/** A monitor's window in ms; blank gives null (the default for the clock's kind of run). */
function windowOf(raw: unknown): number | null {
  return isBlank(raw) ? null : toNumber('window', raw, { above: 0 });
}

/**
 * How many leading samples a monitor with a window of `w` steps drops at `step`: none until it
 * holds two windows, then everything older than one window, so trimming is rare and amortised O(1).
 */
function windowTrim(times: Growable<Float64Array>, step: number, w: number, dt: number): number {
  if (w <= 0 || times.length === 0 || times.get(0) > (step - 2 * w) * dt) return 0;
  return times.firstAbove((step - w) * dt);
}

/** Validates a spike monitor's config: window (ms, blank for the default) and maxSpikes. */
export function normalizeSpikeMonitor(raw: Record<string, unknown>): SpikeMonitorSpec {
  return {
    window: windowOf(raw.window),
    maxSpikes: optionalNumber('maxSpikes', raw.maxSpikes, DEFAULT_MAX_SPIKES, { integer: true, min: 1 }),
  };
}

export interface SpikeResult {
  population: string;
  size: number;
  /** first and last recorded grid time (ms) */
  t0: number;
  t1: number;
  times: number[];
  indices: number[];
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

export class SpikeMonitor {
  private readonly times = float64();
  private readonly indices = int32();
  private readonly counts: Int32Array;
  private chunkStart = 0;
  private firstStep = -1;
  private lastStep = -1;
  private spikes = 0;
  private truncated = false;
  private readonly windowSteps: number;
  private readonly maxSpikes: number;

  constructor(
    readonly group: NeuronGroup,
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
    const drop = windowTrim(this.times, step, this.windowSteps, this.dt);
    if (drop > 0) {
      this.times.dropFirst(drop);
      this.indices.dropFirst(drop);
      this.chunkStart = Math.max(0, this.chunkStart - drop);
    }
    for (let s = 0; s < g.spikeCount; s++) {
      const i = g.spikeIndices[s];
      this.counts[i]++;
      this.spikes++;
      if (this.times.length >= this.maxSpikes) {
        this.truncated = true;
        continue;
      }
      this.times.push(t);
      this.indices.push(i);
    }
  }

  /** Spikes since the last reset (stored or not). */
  get total(): number {
    return this.spikes;
  }

  reset(): void {
    this.times.clear();
    this.indices.clear();
    this.counts.fill(0);
    this.chunkStart = 0;
    this.firstStep = this.lastStep = -1;
    this.spikes = 0;
    this.truncated = false;
  }

  /** Recorded simulated time in ms (number of recorded steps times dt). */
  get span(): number {
    return this.firstStep < 0 ? 0 : (this.lastStep - this.firstStep + 1) * this.dt;
  }

  /** Spikes recorded since the last chunk was taken. */
  takeChunk(): { times: number[]; indices: number[] } {
    const from = this.chunkStart;
    const chunk = { times: this.times.slice(from), indices: this.indices.slice(from) };
    if (this.retain) {
      this.chunkStart = this.times.length;
    } else {
      this.times.clear();
      this.indices.clear();
    }
    return chunk;
  }

  result(): SpikeResult {
    const seconds = this.span / 1000;
    const size = this.group.size;
    const from = this.windowSteps > 0 ? this.times.firstAbove((this.lastStep - this.windowSteps) * this.dt) : 0;
    const result: SpikeResult = {
      population: this.populationName,
      size,
      t0: this.firstStep < 0 ? 0 : this.firstStep * this.dt,
      t1: this.lastStep < 0 ? 0 : this.lastStep * this.dt,
      times: this.times.slice(from),
      indices: this.indices.slice(from),
      total: this.total,
      meanRate: seconds > 0 ? this.total / size / seconds : 0,
    };
    if (size <= MAX_PER_NEURON_SUMMARY) {
      result.counts = Array.from(this.counts);
      result.rates = result.counts.map((c) => (seconds > 0 ? c / seconds : 0));
    }
    if (this.truncated) result.truncated = true;
    if (this.windowSteps > 0) result.window = this.windowSteps * this.dt;
    return result;
  }
}

export const STATE_VARIABLES = ['v', 'u', 'I'] as const;
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

/** Default recording budget: 8 million values, 64 MB. */
export const DEFAULT_MAX_VALUES = 8_000_000;

/** Validates a state monitor's config: variables "v,I", indices "0, 3" or "all", every k. */
export function normalizeStateMonitor(raw: Record<string, unknown>): StateMonitorSpec {
  const variablesRaw = raw.variables ?? 'v';
  if (typeof variablesRaw !== 'string' && !Array.isArray(variablesRaw)) throw new ConfigError('variables', variablesRaw, 'must name at least one of v, u, I');
  const list = Array.isArray(variablesRaw) ? variablesRaw : variablesRaw.split(/[\s,;]+/).filter((s) => s !== '');
  if (list.length === 0) throw new ConfigError('variables', variablesRaw, 'must name at least one of v, u, I');
  const variables = [...new Set(list.map((x) => oneOf('variables', x, STATE_VARIABLES)))];
  const indicesRaw = raw.indices;
  const indices =
    indicesRaw === undefined || indicesRaw === null || indicesRaw === '' || indicesRaw === 'all'
      ? null
      : [...new Set(toNumberList('indices', indicesRaw, { integer: true, min: 0 }))];
  if (indices !== null && indices.length === 0) throw new ConfigError('indices', indicesRaw, 'must list at least one neuron index, or say "all"');
  return {
    variables,
    indices,
    every: optionalNumber('every', raw.every, 1, { integer: true, min: 1 }),
    maxValues: optionalNumber('maxValues', raw.maxValues, DEFAULT_MAX_VALUES, { integer: true, min: 1 }),
    window: windowOf(raw.window),
  };
}

export interface StateResult {
  population: string;
  /** sampling interval (ms) and sample times (ms) */
  dt: number;
  t: number[];
  indices: number[];
  /** one array per recorded neuron for each recorded variable: v[j][sample] */
  v?: number[][];
  u?: number[][];
  I?: number[][];
  /** true when the recording budget was reached and later samples were dropped */
  truncated: boolean;
}

export class StateMonitor {
  readonly indices: number[];
  private readonly t = float64();
  private readonly series: Map<StateVariable, Array<Growable<Float64Array>>>;
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
      if (bad !== undefined) throw new ConfigError('indices', bad, `must be below the population size ${group.size}`);
      this.indices = spec.indices;
    }
    this.series = new Map(spec.variables.map((name) => [name, this.indices.map(() => float64())]));
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
    const drop = windowTrim(this.t, step, this.windowSteps, this.dt);
    if (drop > 0) {
      this.t.dropFirst(drop);
      for (const perNeuron of this.series.values()) perNeuron.forEach((s) => s.dropFirst(drop));
      this.chunkStart = Math.max(0, this.chunkStart - drop);
    }
    if ((this.t.length + 1) * this.valuesPerSample > this.spec.maxValues) {
      this.truncated = true;
      return;
    }
    const g = this.group;
    this.t.push(t);
    for (const [name, perNeuron] of this.series) {
      for (let j = 0; j < this.indices.length; j++) {
        const i = this.indices[j];
        let x: number;
        if (name === 'v') x = g.lastSpikeStep[i] === step ? g.peakValue : g.v[i];
        else if (name === 'u') x = g.u[i];
        else x = g.inputOf(i);
        perNeuron[j].push(x);
      }
    }
  }

  reset(): void {
    this.t.clear();
    for (const perNeuron of this.series.values()) perNeuron.forEach((s) => s.clear());
    this.chunkStart = 0;
    this.truncated = false;
    this.lastStep = -1;
  }

  private between(from: number, to: number): StateResult {
    const result: StateResult = {
      population: this.populationName,
      dt: this.dt * this.spec.every,
      t: this.t.slice(from, to),
      indices: this.indices.slice(),
      truncated: this.truncated,
    };
    for (const [name, perNeuron] of this.series) result[name] = perNeuron.map((s) => s.slice(from, to));
    return result;
  }

  takeChunk(): StateResult {
    const from = this.chunkStart;
    this.chunkStart = this.t.length;
    return this.between(from, this.t.length);
  }

  result(): StateResult {
    const from = this.windowSteps > 0 ? this.t.firstAbove((this.lastStep - this.windowSteps) * this.dt) : 0;
    return this.between(from, this.t.length);
  }

  get sampleCount(): number {
    return this.t.length;
  }
}


/**
 * Features of one neuron's spike train, the numbers that tell firing patterns apart:
 * counts, first-spike latency, inter-spike intervals, bursts, adaptation and rate.
 * Times are in ms; rates in Hz. Pure functions of the spike times (sorted ascending) and,
 * where a duration matters, of the recorded span.
 */
import type { SpikeResult } from '../engine/monitors';

/** The recorded time: spikes may fall in [t0, t1]. */
export interface Span {
  t0: number;
  t1: number;
}

export interface Burst {
  /** times of the first and last spike of the burst (ms) */
  start: number;
  end: number;
  count: number;
}

export interface IsiStats {
  mean: number;
  /** coefficient of variation: standard deviation (population, over n) / mean */
  cv: number;
  min: number;
  max: number;
}

export interface SpikeSummary {
  count: number;
  /** mean firing rate over the span (Hz) */
  rate: number;
  /** time of the first spike (ms), null without spikes */
  firstSpike: number | null;
  /** inter-spike interval statistics, null with fewer than two spikes */
  isi: IsiStats | null;
  /** number of bursts (see detectBursts) and their mean number of spikes (0 without bursts) */
  bursts: number;
  spikesPerBurst: number;
  /** mean normalised ISI difference (see adaptationIndex), null with fewer than three spikes */
  adaptationIndex: number | null;
}

export interface BurstOptions {
  /** consecutive spikes closer than this (ms) belong to the same run; default 10 */
  maxIsi?: number;
  /** fewest spikes in a burst; default 2 */
  minSpikes?: number;
  /** silence (ms) that must follow a run for it to count as a burst; default 2 * maxIsi */
  minSilence?: number;
}

/** Spikes with from <= t < to. */
export function countIn(times: readonly number[], from: number, to: number): number {
  let n = 0;
  for (const t of times) if (t >= from && t < to) n++;
  return n;
}

/** Time from `onset` to the first spike at or after it (ms), or null if there is none. */
export function firstSpikeLatency(times: readonly number[], onset: number): number | null {
  const t = times.find((x) => x >= onset);
  return t === undefined ? null : t - onset;
}

/** Intervals between consecutive spikes (ms). */
export function interSpikeIntervals(times: readonly number[]): number[] {
  const isis: number[] = [];
  for (let i = 1; i < times.length; i++) isis.push(times[i] - times[i - 1]);
  return isis;
}

export function isiStats(isis: readonly number[]): IsiStats | null {
  if (isis.length === 0) return null;
  const mean = isis.reduce((s, x) => s + x, 0) / isis.length;
  const variance = isis.reduce((s, x) => s + (x - mean) ** 2, 0) / isis.length;
  return { mean, cv: mean > 0 ? Math.sqrt(variance) / mean : 0, min: Math.min(...isis), max: Math.max(...isis) };
}

/**
 * The adaptation index of the Allen Institute's feature extraction (IPFX) and Brian's
 * examples: the mean over consecutive intervals of (ISI[n+1] - ISI[n]) / (ISI[n+1] + ISI[n]).
 * Positive when the intervals grow (the cell slows down), negative when they shrink, 0 for
 * a regular train; it lies in (-1, 1). Null with fewer than two intervals.
 */
export function adaptationIndex(times: readonly number[]): number | null {
  const isis = interSpikeIntervals(times);
  if (isis.length < 2) return null;
  let sum = 0;
  for (let n = 0; n + 1 < isis.length; n++) sum += (isis[n + 1] - isis[n]) / (isis[n + 1] + isis[n]);
  return sum / (isis.length - 1);
}

/** Spikes per second over the span (0 for an empty span). */
export function meanRate(times: readonly number[], span: Span): number {
  const seconds = (span.t1 - span.t0) / 1000;
  return seconds > 0 ? times.length / seconds : 0;
}

/**
 * Bursts: maximal runs of at least `minSpikes` spikes whose consecutive intervals are shorter
 * than `maxIsi`, after which the neuron stays silent for at least `minSilence` ms (until the
 * next spike, or until the end of the span). The silence is what tells a burst from the
 * start of fast tonic firing, so a run cut short by the end of the span is not a burst.
 */
export function detectBursts(times: readonly number[], span: Span, options: BurstOptions = {}): Burst[] {
  const maxIsi = options.maxIsi ?? 10;
  const minSpikes = options.minSpikes ?? 2;
  const minSilence = options.minSilence ?? 2 * maxIsi;
  const bursts: Burst[] = [];
  let first = 0;
  for (let i = 0; i < times.length; i++) {
    const next = i + 1 < times.length ? times[i + 1] : null;
    if (next !== null && next - times[i] < maxIsi) continue; // the run goes on
    const count = i - first + 1;
    const silence = (next ?? span.t1) - times[i];
    if (count >= minSpikes && silence >= minSilence) bursts.push({ start: times[first], end: times[i], count });
    first = i + 1;
  }
  return bursts;
}

/** All of the above for one neuron's spike train over the recorded span. */
export function summarizeSpikes(times: readonly number[], span: Span, burstOptions: BurstOptions = {}): SpikeSummary {
  const bursts = detectBursts(times, span, burstOptions);
  const inBursts = bursts.reduce((s, b) => s + b.count, 0);
  return {
    count: times.length,
    rate: meanRate(times, span),
    firstSpike: times.length > 0 ? times[0] : null,
    isi: isiStats(interSpikeIntervals(times)),
    bursts: bursts.length,
    spikesPerBurst: bursts.length > 0 ? inBursts / bursts.length : 0,
    adaptationIndex: adaptationIndex(times),
  };
}

/** A spike monitor's result with the features of its train, for a population of one neuron. */
export type SummarizedSpikeResult = SpikeResult & {
  /** features of the train, present for a population of one neuron when no spike was dropped */
  summary?: SpikeSummary;
};

/** Adds the train's summary to the result of a one-neuron spike monitor recorded at step dt. */
export function withSummary(result: SpikeResult, dt: number): SummarizedSpikeResult {
  if (result.size !== 1 || result.truncated) return result;
  // the recorded steps cover [t0, t1 + dt), the stored spikes the window's end of it
  const end = result.t1 + dt;
  return { ...result, summary: summarizeSpikes(result.times, { t0: Math.max(result.t0, end - (result.window ?? Infinity)), t1: end }) };
}

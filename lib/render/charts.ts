/**
 * Monitor results in the shape a FlowFuse Dashboard 2 `ui-chart` takes (one message per line,
 * `payload` an array of points, `topic` the series):
 *  - voltage (or u, I) against simulated time: a line chart with a linear x axis, x key `t`
 *    and y key the variable's name (`v`, `u` or `I`);
 *  - the spike raster: a scatter chart, x key `t`, y key `neuron`;
 *  - the population rate: a line chart, x key `t`, y key `rate` (the smoothed rate a second
 *    series of the same chart);
 *  - synaptic weights: the mean weight against time, a line chart with x key `t` and y key
 *    `mean`; and the latest histogram, a bar chart with a categorical x axis, x key `weight`
 *    (the bin centre) and y key `count`, sent with `action: "replace"` so each one replaces
 *    the last.
 * An empty array clears a chart. Long traces are decimated with a min-max rule that keeps
 * every spike peak, so a message never carries more than `maxPoints` points per line.
 */
import type { RateResult, SpikeResult, StateResult, StateVariable, WeightResult } from '../engine/monitors';
import { STATE_VARIABLES } from '../engine/monitors';
import { DEFAULT_CHART_POINTS } from '../engine/schema';

export interface ChartMessage {
  topic: string;
  payload: Array<Record<string, number>>;
  /** `replace`: the chart drops what it holds before it takes this message (a bar chart of the latest histogram) */
  action?: 'replace';
}

/** Default number of points per line (or raster) in one chart message (a monitor's chartPoints, lib/engine/schema.ts). */
export { DEFAULT_CHART_POINTS };

/**
 * Keeps at most `maxPoints` points: the first and last, and in each bucket the lowest and the
 * highest (in time order), so peaks and troughs survive.
 */
export function decimateMinMax(t: readonly number[], y: readonly number[], maxPoints: number): number[] {
  const n = t.length;
  if (n <= maxPoints || maxPoints < 4) return Array.from({ length: n }, (_, i) => i);
  const keep: number[] = [0];
  const buckets = Math.floor((maxPoints - 2) / 2);
  const width = (n - 2) / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor(b * width);
    const to = Math.min(n - 1, 1 + Math.floor((b + 1) * width));
    if (from >= to) continue;
    let lo = from, hi = from;
    for (let i = from; i < to; i++) {
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
    }
    if (lo === hi) keep.push(lo);
    else keep.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  keep.push(n - 1);
  return keep;
}

/** One line-chart message per recorded variable and neuron. */
export function stateChartMessages(result: StateResult, label: string, maxPoints = DEFAULT_CHART_POINTS): ChartMessage[] {
  const messages: ChartMessage[] = [];
  const several = result.indices.length > 1;
  for (const variable of STATE_VARIABLES) {
    const series = result[variable as StateVariable];
    if (!series) continue;
    series.forEach((values, j) => {
      const keep = decimateMinMax(result.t, values, maxPoints);
      messages.push({
        topic: `${label} ${variable}${several ? ` #${result.indices[j]}` : ''}`,
        payload: keep.map((i) => ({ t: result.t[i], [variable]: values[i] })),
      });
    });
  }
  return messages;
}

/** The raster as scatter points; at most `maxPoints` spikes per message (evenly thinned beyond). */
export function spikeChartMessage(result: Pick<SpikeResult, 'times' | 'indices'>, label: string, maxPoints = DEFAULT_CHART_POINTS): ChartMessage {
  const n = result.times.length;
  const stride = n > maxPoints ? n / maxPoints : 1;
  const payload: Array<Record<string, number>> = [];
  for (let k = 0; k < Math.min(n, maxPoints); k++) {
    const i = Math.floor(k * stride);
    payload.push({ t: result.times[i], neuron: result.indices[i] });
  }
  return { topic: label, payload };
}

/**
 * The population rate as line-chart messages: `{topic: label, payload: [{t, rate}, ...]}` (bin
 * start times in ms, Hz), and with smoothing a second series `label + " smoothed"` with the same
 * keys. Long runs are thinned by the min-max rule, at most `maxPoints` points per line.
 */
export function rateChartMessages(result: Pick<RateResult, 't' | 'rate' | 'smoothed'>, label: string, maxPoints = DEFAULT_CHART_POINTS): ChartMessage[] {
  const line = (topic: string, values: readonly number[]): ChartMessage => ({
    topic,
    payload: decimateMinMax(result.t, values, maxPoints).map((i) => ({ t: result.t[i], rate: values[i] })),
  });
  const messages = [line(label, result.rate)];
  if (result.smoothed) messages.push(line(`${label} smoothed`, result.smoothed));
  return messages;
}

/** The centres of histogram bins with these edges. */
export function binCentres(edges: readonly number[]): number[] {
  return edges.slice(1).map((high, b) => (edges[b] + high) / 2);
}

/** The mean weight against time: `{topic: label + " mean", payload: [{t, mean}, ...]}` for a line chart. */
export function weightMeanChartMessage(result: Pick<WeightResult, 't' | 'mean'>, label: string, maxPoints = DEFAULT_CHART_POINTS): ChartMessage {
  return { topic: `${label} mean`, payload: decimateMinMax(result.t, result.mean, maxPoints).map((i) => ({ t: result.t[i], mean: result.mean[i] })) };
}

/**
 * The latest histogram of a weight result as a bar chart: `{topic: label + " histogram",
 * action: "replace", payload: [{weight, count}, ...]}`, one point per bin (x: the bin centre),
 * or null when the result holds no sample.
 */
export function weightHistogramChartMessage(result: Pick<WeightResult, 'edges' | 'histogram'>, label: string): ChartMessage | null {
  const latest = result.histogram.at(-1);
  if (!latest) return null;
  const centres = binCentres(result.edges);
  return { topic: `${label} histogram`, action: 'replace', payload: latest.map((count, b) => ({ weight: centres[b], count })) };
}

// ---- single-neuron analysis: ISI histogram, phase plane, shared time axis, CSV ---------------

/**
 * Edges (ms) of the inter-spike interval histogram: about three bins per decade from 1 ms to 1 s,
 * so the short intervals inside a burst and the pauses between bursts both get bins of their own.
 * The first bin is [0, 1), the last [1000, infinity).
 */
export const ISI_EDGES: readonly number[] = [0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000];

/** The label of ISI bin k: `"2-3"`, the last one `">=1000"` (ms). */
export function isiBinLabel(k: number, edges: readonly number[] = ISI_EDGES): string {
  return k === edges.length - 1 ? `>=${edges[k]}` : `${edges[k]}-${edges[k + 1]}`;
}

/** Counts of the intervals between successive spike times in the bins of `edges` (ms). */
export function isiHistogram(times: readonly number[], edges: readonly number[] = ISI_EDGES): number[] {
  const counts = new Array<number>(edges.length).fill(0);
  for (let i = 1; i < times.length; i++) {
    const isi = times[i] - times[i - 1];
    let k = edges.length - 1;
    while (k > 0 && isi < edges[k]) k--;
    counts[k]++;
  }
  return counts;
}

/**
 * The ISI histogram as a bar-chart message for a categorical x axis: `{topic: label, action:
 * "replace", payload: [{bin: "2-3", count}, ...]}`, every bin (x key `bin`, y key `count`).
 */
export function isiHistogramChartMessage(times: readonly number[], label: string): { topic: string; action: 'replace'; payload: Array<{ bin: string; count: number }> } {
  return { topic: label, action: 'replace', payload: isiHistogram(times).map((count, k) => ({ bin: isiBinLabel(k), count })) };
}

/** What the nullclines of the 2003 form depend on. */
export interface PhaseParams {
  b: number;
  /** v' = k1 v^2 + k2 v + k3 - u + I (0.04, 5, 140 unless a preset says otherwise) */
  k1: number;
  k2: number;
  k3: number;
  /** `accommodation` (pattern R): u' = a b (v + 65), whose nullcline is v = -65 */
  recovery: 'standard' | 'accommodation';
}

/**
 * The nullclines of the 2003 form for input I, sampled every `step` mV over [vMin, vMax]:
 * v' = 0 on u = k1 v^2 + k2 v + k3 + I, u' = 0 on u = b v (the standard law) or on the vertical
 * line v = -65 (accommodation; two points, at uMin and uMax).
 */
export function nullclines(p: PhaseParams, I: number, [vMin, vMax]: readonly [number, number], step = 1, [uMin, uMax]: readonly [number, number] = [-100, 100]): { v: Array<[number, number]>; u: Array<[number, number]> } {
  const vs: number[] = [];
  for (let k = 0; vMin + k * step <= vMax + 1e-9; k++) vs.push(vMin + k * step);
  return {
    v: vs.map((v) => [v, p.k1 * v * v + p.k2 * v + p.k3 + I]),
    u: p.recovery === 'accommodation' ? [[-65, uMin], [-65, uMax]] : vs.map((v) => [v, p.b * v]),
  };
}

/** The plot area of charts that share a time axis: fixed margins (px), whatever the width of their y labels. */
export const CHART_GRID = { left: 72, right: 28, bottom: 44, outerBoundsMode: 'none', containLabel: false } as const;

/**
 * A message that fixes the x axis of a Dashboard 2 `ui-chart` to [min, max] and its plot area to
 * the margins of CHART_GRID (`msg.ui_update.chartOptions`, which the chart merges into its
 * eCharts options and keeps for pages opened later): every chart of one run gets the same range
 * at the same place, so their time axes line up.
 */
export function timeAxisMessage(min: number, max: number): { ui_update: { chartOptions: { xAxis: { min: number; max: number }; grid: typeof CHART_GRID } } } {
  return { ui_update: { chartOptions: { xAxis: { min, max }, grid: CHART_GRID } } };
}

/** One neuron's run as recorded: the times (ms) and v, u, I at each, and its spike times. */
export interface RunRecord {
  t: readonly number[];
  v: readonly number[];
  u: readonly number[];
  I: readonly number[];
  spikes: readonly number[];
}

/**
 * The run as CSV text: a header `t_ms,v_mV,u,I,spike` and one row per recorded step, numbers
 * in JavaScript's shortest exact form, `spike` 1 in the steps whose time is a spike time.
 */
export function runCsv(run: RunRecord): string {
  const lines = ['t_ms,v_mV,u,I,spike'];
  let s = 0;
  for (let k = 0; k < run.t.length; k++) {
    const t = run.t[k];
    while (s < run.spikes.length && run.spikes[s] < t - 1e-9) s++;
    const spike = s < run.spikes.length && Math.abs(run.spikes[s] - t) <= 1e-9 ? 1 : 0;
    lines.push(`${t},${run.v[k]},${run.u[k]},${run.I[k]},${spike}`);
  }
  return `${lines.join('\n')}\n`;
}

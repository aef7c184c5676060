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
import { DEFAULT_CHART_POINTS } from '../flow/schema';

export interface ChartMessage {
  topic: string;
  payload: Array<Record<string, number>>;
  /** `replace`: the chart drops what it holds before it takes this message (a bar chart of the latest histogram) */
  action?: 'replace';
}

/** Default number of points per line (or raster) in one chart message (a monitor's chartPoints, lib/flow/schema.ts). */
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

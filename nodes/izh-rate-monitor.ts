/** izh-rate-monitor: the population rate (spikes per neuron per second) of a neuron or spike generator, in bins. */
import { normalizeRateMonitor, type RateResult } from '../lib/engine/monitors';
import { rateChartMessages } from '../lib/render/charts';
import type { NodeRED } from './api';
import { formatCount, formatNumber } from './shared';
import { registerMonitor } from './monitor';

/** The mean of a rate over its bins (Hz), 0 without bins. */
function meanRate(rate: readonly number[]): number {
  let sum = 0;
  for (const x of rate) sum += x;
  return rate.length > 0 ? sum / rate.length : 0;
}

export default function register(RED: NodeRED): void {
  registerMonitor(RED, {
    type: 'izh-rate-monitor',
    monitor: 'rate',
    check: (config) => {
      const spec = normalizeRateMonitor(config);
      const smoothing = spec.smoothing === null ? '' : `, smoothed ${formatNumber(spec.smoothing)} ms`;
      const window = spec.window === null ? '' : `, last ${formatNumber(spec.window)} ms`;
      return `bins of ${formatNumber(spec.bin)} ms${smoothing}${window}`;
    },
    recorder: (run, id) => run.network.rateMonitors.get(id),
    chart: (result, label, maxPoints) => rateChartMessages(result as RateResult, label, maxPoints),
    summary: (result) => {
      const r = result as RateResult;
      return `${formatCount(r.t.length, 'bin')}, mean ${formatNumber(meanRate(r.rate))} Hz`;
    },
  });
}

/** izh-rate-monitor: the population rate (spikes per neuron per second) of a neuron or spike generator, in bins. */
import { normalizeRateMonitor, type RateResult } from '../lib/engine/monitors';
import { rateChartMessages } from '../lib/render/charts';
import type { NodeRED } from './api';
import { formatCount, formatNumber } from './shared';
import { say } from './i18n';
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
      let status = say('izh-rate-monitor.status.idle', { bin: formatNumber(spec.bin) });
      if (spec.smoothing !== null) status = say('izh-rate-monitor.status.smoothed', { status, smoothing: formatNumber(spec.smoothing) });
      if (spec.window !== null) status = say('izh-rate-monitor.status.last', { status, window: formatNumber(spec.window) });
      return status;
    },
    recorder: (run, id) => run.network.rateMonitors.get(id),
    chart: (result, label, maxPoints) => rateChartMessages(result as RateResult, label, maxPoints),
    summary: (result) => {
      const r = result as RateResult;
      return say('izh-rate-monitor.status.summary', { bins: formatCount(r.t.length, 'bin'), rate: formatNumber(meanRate(r.rate)) });
    },
  });
}

/**
 * izh-weight-monitor: the weights of the synapse node wired into it, every `every` ms: their
 * mean and a histogram. In the chart format the mean goes out of output 1 (a line chart) and
 * the latest histogram out of output 2 (a bar chart).
 */
import { normalizeWeightMonitor, type WeightResult } from '../lib/engine/monitors';
import { weightHistogramChartMessage, weightMeanChartMessage } from '../lib/render/charts';
import type { NodeRED } from './api';
import { formatCount, formatNumber } from './shared';
import { say } from './i18n';
import { registerMonitor } from './monitor';

export default function register(RED: NodeRED): void {
  registerMonitor(RED, {
    type: 'izh-weight-monitor',
    monitor: 'weight',
    outputs: 2,
    check: (config) => {
      const spec = normalizeWeightMonitor(config);
      const values = { every: formatNumber(spec.every), bins: formatCount(spec.bins, 'bin') };
      if (spec.low === null && spec.high === null) return say('izh-weight-monitor.status.idle', values);
      const end = (x: number | null) => (x === null ? say('izh-weight-monitor.status.auto') : formatNumber(x));
      return say('izh-weight-monitor.status.idleRange', { ...values, low: end(spec.low), high: end(spec.high) });
    },
    recorder: (run, id) => run.network.weightMonitors.get(id),
    chart: (result, label, maxPoints) => {
      const r = result as WeightResult;
      const histogram = weightHistogramChartMessage(r, label);
      return histogram ? [weightMeanChartMessage(r, label, maxPoints), histogram] : [weightMeanChartMessage(r, label, maxPoints)];
    },
    chartOutput: (message) => (message.action === 'replace' ? 1 : 0),
    summary: (result) => {
      const r = result as WeightResult;
      const mean = r.mean.at(-1);
      const synapses = formatCount(r.synapses, 'synapse');
      return mean === undefined ? say('izh-weight-monitor.status.summary', { synapses }) : say('izh-weight-monitor.status.summaryMean', { synapses, mean: formatNumber(mean) });
    },
  });
}

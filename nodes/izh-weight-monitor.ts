/**
 * izh-weight-monitor: the weights of the synapse node wired into it, every `every` ms: their
 * mean and a histogram. In the chart format the mean goes out of output 1 (a line chart) and
 * the latest histogram out of output 2 (a bar chart).
 */
import { normalizeWeightMonitor, type WeightResult } from '../lib/engine/monitors';
import { weightHistogramChartMessage, weightMeanChartMessage } from '../lib/render/charts';
import type { NodeRED } from './api';
import { formatCount, formatNumber } from './shared';
import { registerMonitor } from './monitor';

export default function register(RED: NodeRED): void {
  registerMonitor(RED, {
    type: 'izh-weight-monitor',
    monitor: 'weight',
    outputs: 2,
    check: (config) => {
      const spec = normalizeWeightMonitor(config);
      const range = spec.low !== null || spec.high !== null ? ` in ${spec.low === null ? 'auto' : formatNumber(spec.low)}..${spec.high === null ? 'auto' : formatNumber(spec.high)}` : '';
      return `every ${formatNumber(spec.every)} ms, ${formatCount(spec.bins, 'bin')}${range}`;
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
      return `${formatCount(r.synapses, 'synapse')}${mean === undefined ? '' : `, mean ${formatNumber(mean)}`}`;
    },
  });
}

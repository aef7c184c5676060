/** izh-spike-monitor: every spike of the neuron wired into it, with counts and rates. */
import { spikeChartMessage } from '../lib/charts';
import { normalizeSpikeMonitor, type SpikeResult } from '../lib/monitors';
import type { NodeRED } from './api';
import { formatNumber } from './shared';
import { registerMonitor } from './monitor';

export default function register(RED: NodeRED): void {
  registerMonitor(RED, {
    type: 'izh-spike-monitor',
    monitor: 'spike',
    check: (config) => {
      const spec = normalizeSpikeMonitor(config);
      return spec.window === null ? 'spike monitor' : `last ${formatNumber(spec.window)} ms`;
    },
    recorder: (run, id) => run.network.spikeMonitors.get(id),
    chart: (result, label, maxPoints) => [spikeChartMessage(result as SpikeResult, label, maxPoints)],
    summary: (result) => {
      const r = result as SpikeResult;
      return `${r.total} spike${r.total === 1 ? '' : 's'}, ${formatNumber(r.meanRate)} Hz${r.truncated ? ' (cap reached)' : ''}`;
    },
  });
}

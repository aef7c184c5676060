/** izh-spike-monitor: every spike of the neuron wired into it, with counts and rates. */
import { withSummary } from '../lib/analysis/features';
import { mapped } from '../lib/engine/slices';
import { spikeChartMessage } from '../lib/render/charts';
import { normalizeSpikeMonitor, type SpikeResult } from '../lib/engine/monitors';
import type { NodeRED } from './api';
import { formatCount, formatNumber } from './shared';
import { say } from './i18n';
import { registerMonitor } from './monitor';

/**
 * A one-neuron result carries the summary of its train up to this many spikes: it is computed
 * in one piece (about 25 ms for 100,000 spikes on the development machine).
 */
export const SUMMARY_MAX_SPIKES = 100_000;

export default function register(RED: NodeRED): void {
  registerMonitor(RED, {
    type: 'izh-spike-monitor',
    monitor: 'spike',
    check: (config) => {
      const spec = normalizeSpikeMonitor(config);
      return spec.window === null ? say('izh-spike-monitor.status.idle') : say('izh-spike-monitor.status.last', { window: formatNumber(spec.window) });
    },
    recorder: (run, id) => {
      const monitor = run.network.spikeMonitors.get(id);
      // a single neuron's result carries the features of its train (computed at once, so not for a very long one)
      return (
        monitor && {
          takeChunk: () => monitor.takeChunk(),
          snapshot: () => mapped(monitor.snapshot(), (result) => (result.times.length <= SUMMARY_MAX_SPIKES ? withSummary(result, run.network.dt) : result)),
          typedSnapshot: () => monitor.typedSnapshot(),
          get resultLength() {
            return monitor.resultLength;
          },
        }
      );
    },
    chart: (result, label, maxPoints) => [spikeChartMessage(result as SpikeResult, label, maxPoints)],
    summary: (result) => {
      const r = result as SpikeResult;
      return say(r.truncated ? 'izh-spike-monitor.status.summaryCapped' : 'izh-spike-monitor.status.summary', { spikes: formatCount(r.total, 'spike'), rate: formatNumber(r.meanRate) });
    },
  });
}

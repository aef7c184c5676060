/** izh-state-monitor: v, u and/or I of chosen neurons, every k-th step. */
import { stateChartMessages } from '../lib/render/charts';
import { normalizeStateMonitor, type StateResult } from '../lib/engine/monitors';
import { renderStateResult } from '../lib/render/svg';
import type { NodeRED } from './api';
import { registerMonitor } from './monitor';
import { formatCount } from './shared';
import { say } from './i18n';

export default function register(RED: NodeRED): void {
  registerMonitor(RED, {
    type: 'izh-state-monitor',
    monitor: 'state',
    check: (config) => {
      const spec = normalizeStateMonitor(config);
      const neurons = spec.indices === null ? say('izh-state-monitor.status.all') : spec.indices.length === 1 ? `#${spec.indices[0]}` : formatCount(spec.indices.length, 'neuron');
      return say('izh-state-monitor.status.idle', { variables: spec.variables.join(', '), neurons });
    },
    recorder: (run, id) => run.network.stateMonitors.get(id),
    chart: (result, label, maxPoints) => stateChartMessages(result as StateResult, label, maxPoints),
    decorate: (msg, result, config, output) => {
      if (!output.svg) return;
      const svg = renderStateResult(result as StateResult, config.name || 'state monitor');
      if (svg !== null) msg.svg = svg;
    },
    summary: (result) => {
      const r = result as StateResult;
      return say(r.truncated ? 'izh-state-monitor.status.summaryCapped' : 'izh-state-monitor.status.summary', { samples: formatCount(r.t.length, 'sample') });
    },
  });
}

/**
 * Records a published pattern through the engine (its preset, input, dt and duration) in the
 * shape the signature checks of lib/analysis/signatures.ts read.
 */
import type { Recording } from '../analysis/signatures';
import { normalizeStateMonitor } from '../engine/monitors';
import { Network } from '../engine/network';
import { normalizeNeuron, type Scheme } from '../engine/neuron';
import { lastStepOf } from '../engine/simulation';
import { normalizeSource } from '../engine/sources';
import { findPreset } from './presets';

/** Runs a published pattern through the engine: its preset, input, dt and duration, by default with its published scheme. */
export function recordPreset(code: string, options: { scheme?: Scheme; dtFactor?: number } = {}): Recording {
  const preset = findPreset(code);
  if (!preset) throw new Error(`no preset ${code}`);
  const dt = preset.clock.dt * (options.dtFactor ?? 1);
  const network = new Network({
    dt,
    populations: [{ id: 'n', name: code, spec: normalizeNeuron({ ...preset.neuron, scheme: options.scheme ?? preset.scheme }) }],
    sources: preset.inputs.map((input, i) => ({ id: `s${i}`, name: `s${i}`, spec: normalizeSource(input), targets: ['n'] })),
    spikeMonitors: [{ id: 'spikes', name: 'spikes', population: 'n' }],
    stateMonitors: [{ id: 'trace', name: 'trace', population: 'n', spec: normalizeStateMonitor({ variables: 'v,I', indices: '0' }) }],
  });
  network.run(lastStepOf(preset.clock.duration, dt) + 1);
  const spikes = network.spikeMonitors.get('spikes')!.result();
  const trace = network.stateMonitors.get('trace')!.result();
  return { times: spikes.times, span: { t0: spikes.t0, t1: spikes.t1 }, t: trace.t, v: trace.v![0], I: trace.I![0] };
}

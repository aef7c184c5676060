/**
 * Memory limits, announced before they bite. Before a run starts, the compiler estimates what a
 * network will hold (the neurons' state, noise buffers, and what each monitor records over the
 * run, or over its window for an open-ended run) and refuses a run that would exceed
 *  - a state monitor's own `maxValues`, for a run whose length is known, or
 *  - the memory budget of the whole network (DEFAULT_MEMORY_BUDGET_MB, or the Node-RED setting
 *    `izhClockMemoryBudget`, or `izh-flow --memory-budget`).
 * The refusal names the node that needs the most, says how much and what to change. While a run
 * goes on, the caps of the monitors (maxValues, maxSpikes) and their windows keep it bounded.
 */
import { DEFAULT_MAX_SPIKES, windowSteps, type SpikeMonitorSpec } from './monitors';
import type { NetworkDescription, StateMonitorDescription } from './network';
import { neuronBytes } from './neuron';
import { BYTES_PER_STREAM } from './rng';
import { bytesPerSynapse, expectedSynapses, maxDelaySteps, sidesOf } from './synapses';
import { lastStepOf, type ClockSettings } from './simulation';
import { ConfigError } from './validate';
import { message, type Message, type MessageId, type Value } from './messages';

/** Memory a network may use unless the budget is raised (MB). */
export const DEFAULT_MEMORY_BUDGET_MB = 256;
/** What live monitors keep of an open-ended (real-time, no duration) run unless given a window (ms). */
export const DEFAULT_LIVE_WINDOW_MS = 10_000;
/** The spike rate assumed for estimates (Hz per neuron); the cap maxSpikes bounds the real thing. */
export const ASSUMED_RATE_HZ = 100;
/**
 * Recorded data is counted three times: a growable buffer holds up to twice its data while it
 * grows, and the result sent at the end is a copy.
 */
export const RECORDING_OVERHEAD = 3;
/** Bytes of one stored spike (time and neuron index). */
export const BYTES_PER_SPIKE = 8 + 4;
/** The Node-RED setting (in settings.js) that raises or lowers the budget, in MB. */
export const BUDGET_SETTING = 'izhClockMemoryBudget';

const MB = 1024 * 1024;

export interface MemoryItem {
  /** the node the memory belongs to: a neuron, or a monitor (a neuron's spike events count as the neuron's) */
  id: string;
  what: 'neurons' | 'noise buffer' | 'spike generator' | 'synapses' | 'delay buffers' | 'spike recording' | 'state recording' | 'rate recording' | 'weight recording';
  bytes: number;
  /** how the figure was reached, for messages */
  detail: Message;
}

export interface MemoryEstimate {
  bytes: number;
  items: MemoryItem[];
}

/** "412", "3.5", "0.01" MB. */
export function formatMB(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unbounded';
  const mb = bytes / MB;
  return mb >= 100 ? Math.round(mb).toLocaleString('en-US') : mb >= 1 ? String(Math.round(mb * 10) / 10) : String(Math.max(0.01, Math.round(mb * 100) / 100));
}

const count = (x: number): Value => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : message('words.unbounded'));
/** formatMB for messages */
const megabytes = (bytes: number): Value => (Number.isFinite(bytes) ? formatMB(bytes) : message('words.unbounded'));

/** Steps of a run: t = 0, dt, ..., duration; Infinity for an open-ended run. */
function stepsOf(settings: ClockSettings, dt: number): number {
  return Number.isFinite(settings.duration) ? lastStepOf(settings.duration, dt) + 1 : Infinity;
}

/** Steps a monitor keeps at most: the whole run, or two windows (a window trims itself when it holds two). */
function keptSteps(runSteps: number, window: number | null | undefined, dt: number): number {
  const w = windowSteps(window, dt);
  return w > 0 ? Math.min(runSteps, 2 * w + 1) : runSteps;
}

/** Samples and values (samples × series) a state monitor records over a run, or keeps of it with a window. */
export function stateRecording(m: StateMonitorDescription, populationSize: number, runSteps: number, dt: number): { samples: number; series: number; values: number } {
  const series = m.spec.variables.length * (m.spec.indices?.length ?? populationSize);
  const samples = Math.ceil(keptSteps(runSteps, m.spec.window, dt) / m.spec.every);
  return { samples, series, values: samples * series };
}

/** Spikes a spike monitor is expected to store: at the assumed rate, at most one per neuron and step, at most its cap. */
export function expectedSpikes(spec: Partial<SpikeMonitorSpec> | undefined, populationSize: number, runSteps: number, dt: number): number {
  const kept = keptSteps(runSteps, spec?.window, dt);
  const atRate = Math.ceil((populationSize * ASSUMED_RATE_HZ * kept * dt) / 1000);
  return Math.min(spec?.maxSpikes ?? DEFAULT_MAX_SPIKES, atRate, populationSize * kept);
}

/** What a network will hold during a run of the clock's duration. */
export function estimateMemory(description: NetworkDescription, settings: ClockSettings): MemoryEstimate {
  return estimateMemoryFor(description, stepsOf(settings, description.dt));
}

/** What a network will hold once it has computed `runSteps` steps since its start (Infinity: open-ended). */
export function estimateMemoryFor(description: NetworkDescription, runSteps: number): MemoryEstimate {
  const dt = description.dt;
  const sizeOf = (id: string) => description.populations.find((p) => p.id === id)?.spec.size ?? description.generators?.find((g) => g.id === id)?.spec.size ?? 0;
  const items: MemoryItem[] = [];
  for (const p of description.populations) {
    const size = p.spec.size;
    const bytes = neuronBytes(p.spec);
    items.push({ id: p.id, what: 'neurons', bytes, detail: message('detail.neurons', { neurons: count(size), bytes: formatBytes(bytes / size) }) });
    const noisy = description.sources.filter((s) => (s.spec.kind === 'noise' || s.spec.kind === 'random-neuron') && s.targets.includes(p.id)).length;
    const synaptic = (description.projections ?? []).some((q) => q.post === p.id);
    if (noisy > 0 || synaptic) {
      const perNeuron = 8 + noisy * BYTES_PER_STREAM;
      items.push({ id: p.id, what: 'noise buffer', bytes: size * perNeuron, detail: message('detail.noise', { neurons: count(size), bytes: perNeuron }) });
    }
  }
  for (const g of description.generators ?? []) {
    const perChannel = 4 + (g.spec.kind === 'poisson' ? BYTES_PER_STREAM : 0);
    const explicit = g.spec.kind === 'times' ? g.spec.spikes.length * 8 : 0;
    items.push({ id: g.id, what: 'spike generator', bytes: g.spec.size * perChannel + explicit, detail: explicit ? message('detail.channelsTimes', { channels: count(g.spec.size), bytes: perChannel, times: count(explicit / 8) }) : message('detail.channels', { channels: count(g.spec.size), bytes: perChannel }) });
  }
  const rings = new Map<string, { id: string; slots: number; size: number; exponential: boolean }>();
  for (const q of description.projections ?? []) {
    const sides = sidesOf(q.spec, sizeOf(q.pre), sizeOf(q.post), q.pre === q.post, dt);
    const synapses = expectedSynapses(q.spec, sides);
    const perSynapse = bytesPerSynapse(q.spec);
    const maxDelay = maxDelaySteps(q.spec, dt);
    const rule = q.spec.plasticity.rule;
    // a learning rule's state beside its per-synapse part: the trace history and the LTD trace of each target (2006), the index of incoming synapses by target
    const history = rule === 'izhikevich2006' ? (maxDelay + 1) * sides.nPre * 8 + sides.nPost * 8 : 0;
    const incoming = rule === 'none' ? 0 : (sides.nPost + 1) * 4;
    items.push({
      id: q.id,
      what: 'synapses',
      bytes: synapses * perSynapse + (sides.nPre + 1) * 4 + incoming + history,
      detail: message(history ? 'detail.synapsesHistory' : 'detail.synapses', { synapses: count(synapses), bytes: perSynapse }),
    });
    const key = `${q.post}|${q.spec.kind}|${q.spec.tau}`;
    const ring = rings.get(key);
    if (!ring) rings.set(key, { id: q.id, slots: maxDelay + 1, size: sizeOf(q.post), exponential: q.spec.kind === 'exponential' });
    else ring.slots = Math.max(ring.slots, maxDelay + 1);
  }
  for (const ring of rings.values()) {
    const bytes = (ring.slots + (ring.exponential ? 1 : 0)) * ring.size * 8;
    items.push({ id: ring.id, what: 'delay buffers', bytes, detail: message('detail.delays', { steps: count(ring.slots), neurons: count(ring.size) }) });
  }
  for (const m of description.spikeMonitors) {
    const size = sizeOf(m.population);
    const counts = size * 4;
    if (m.retain === false) {
      // spike events: only the spikes of one chunk are held
      items.push({ id: m.population, what: 'spike recording', bytes: counts, detail: message('detail.spikeCounts', { neurons: count(size) }) });
      continue;
    }
    const spikes = expectedSpikes(m.spec, size, runSteps, dt);
    items.push({
      id: m.id,
      what: 'spike recording',
      bytes: counts + spikes * BYTES_PER_SPIKE * RECORDING_OVERHEAD,
      detail: message('detail.spikes', { spikes: count(spikes), neurons: count(size), rate: ASSUMED_RATE_HZ, bytes: BYTES_PER_SPIKE, overhead: RECORDING_OVERHEAD }),
    });
  }
  for (const m of description.stateMonitors) {
    const { samples, series } = stateRecording(m, sizeOf(m.population), runSteps, dt);
    items.push({
      id: m.id,
      what: 'state recording',
      bytes: samples * (series + 1) * 8 * RECORDING_OVERHEAD,
      detail: message('detail.samples', { samples: count(samples), series: count(series), overhead: RECORDING_OVERHEAD }),
    });
  }
  for (const m of description.rateMonitors ?? []) {
    const bins = Math.ceil(keptSteps(runSteps, m.spec.window, dt) / Math.max(1, Math.round(m.spec.bin / dt)));
    items.push({ id: m.id, what: 'rate recording', bytes: bins * 3 * 8 * RECORDING_OVERHEAD, detail: message('detail.bins', { bins: count(bins), overhead: RECORDING_OVERHEAD }) });
  }
  for (const m of description.weightMonitors ?? []) {
    const samples = Math.ceil(runSteps / Math.max(1, Math.round(m.spec.every / dt)));
    items.push({ id: m.id, what: 'weight recording', bytes: samples * (m.spec.bins + 2) * 8 * RECORDING_OVERHEAD, detail: message('detail.weights', { samples: count(samples), values: m.spec.bins + 2, overhead: RECORDING_OVERHEAD }) });
  }
  return { bytes: items.reduce((sum, item) => sum + item.bytes, 0), items };
}

/** A few bytes, e.g. "28" or "36.5". */
function formatBytes(x: number): string {
  return String(Math.round(x * 10) / 10);
}


/**
 * Refuses a run that would not fit: a state monitor whose maxValues is too small for a run of
 * known length (or for its window), or a network whose estimate exceeds the budget. The error
 * names the node (through `label`), what it needs and what to change. Returns the estimate.
 */
export function checkMemory(
  description: NetworkDescription,
  settings: ClockSettings,
  budgetMB: number = DEFAULT_MEMORY_BUDGET_MB,
  label: (id: string) => Message | string = (id) => id,
): MemoryEstimate {
  return checkRunMemory(description, stepsOf(settings, description.dt), budgetMB, label, message('words.runMs', { ms: settings.duration }));
}

/**
 * The same check for a network that will have computed `runSteps` steps since its start (a run
 * continued with `run` or `step` counts what it asks for, not the clock's duration); `span`
 * says what the steps are in messages.
 */
export function checkRunMemory(
  description: NetworkDescription,
  runSteps: number,
  budgetMB: number = DEFAULT_MEMORY_BUDGET_MB,
  label: (id: string) => Message | string = (id) => id,
  span: Value = message('words.run', { steps: runSteps }),
): MemoryEstimate {
  const dt = description.dt;
  for (const m of description.stateMonitors) {
    const size = description.populations.find((p) => p.id === m.population)?.spec.size ?? 0;
    const { samples, series, values } = stateRecording(m, size, runSteps, dt);
    if (values > m.spec.maxValues) {
      const what = windowSteps(m.spec.window, dt) > 0 && Number.isFinite(m.spec.window) ? message('words.window', { window: String(m.spec.window) }) : span;
      throw new ConfigError(
        'maxValues',
        m.spec.maxValues,
        message('errors.maxValues', { what, values: count(values), samples: count(samples), series: count(series), advice: message('advice.state recording') }),
        label(m.id),
      );
    }
  }
  const estimate = estimateMemoryFor(description, runSteps);
  if (estimate.bytes > budgetMB * MB) {
    const largest = estimate.items.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    throw new ConfigError(
      'memory',
      `${formatMB(estimate.bytes)} MB`,
      message('errors.memory', {
        mb: megabytes(estimate.bytes),
        budget: budgetMB,
        what: message(`memory.${largest.what}` as MessageId),
        largest: megabytes(largest.bytes),
        detail: largest.detail,
        advice: message(`advice.${largest.what}` as MessageId),
        setting: BUDGET_SETTING,
      }),
      label(largest.id),
    );
  }
  return estimate;
}

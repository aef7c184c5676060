/**
 * Spike generators (NEST: poisson_generator, spike_generator; Brian2: PoissonGroup,
 * SpikeGeneratorGroup): N channels that emit spikes, which drive neurons through synapses.
 *  - poisson: every channel fires in each step with probability rate * dt / 1000, from its own
 *    stream (seed, key, POISSON, channel), one uniform draw per channel and step;
 *  - times: explicit spikes, [[t, channel], ...] or a list of times for every channel; a time is
 *    emitted in the step whose grid time is nearest to it.
 * A generator's spike is recorded in the step it is emitted (lag 0), so a synapse of delay d
 * delivers it d steps later.
 */
import type { SpikingGroup } from './neuron';
import { PURPOSE, StreamBank } from './rng';
import { seedOf } from './sources';
import { fieldOf, GENERATOR_KINDS, MAX_CHANNELS, readerOf } from './schema';
import { ConfigError, toNumber, toNumberList } from './validate';
import { message } from './messages';

/** The kinds, fields, defaults and bounds are the schema's (lib/engine/schema.ts). */
export { GENERATOR_KINDS, MAX_CHANNELS };
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];

/** Most explicit spikes (MAX_CHANNELS: the largest generator). */
export const MAX_EXPLICIT_SPIKES = fieldOf('izh-spike-generator', 'times').maxLength!;

export type GeneratorSpec =
  | { kind: 'poisson'; size: number; rate: number; seed: number | null }
  | { kind: 'times'; size: number; spikes: Array<[t: number, channel: number]> };

export function normalizeGenerator(raw: Record<string, unknown>): GeneratorSpec {
  const read = readerOf('izh-spike-generator', raw);
  const kind = read.choice<GeneratorKind>('kind');
  const size = read.number('size');
  if (kind === 'poisson') return { kind, size, rate: read.number('rate'), seed: seedOf(raw.seed) };
  const spikes = spikesOf(raw.times, size);
  return { kind, size, spikes };
}

/** [[t, channel], ...] (array or JSON), or plain times "5, 10, 20" that every channel fires at. */
function spikesOf(raw: unknown, size: number): Array<[number, number]> {
  let value: unknown = raw;
  if (typeof raw === 'string' && raw.trim().startsWith('[')) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError('times', raw, message('errors.spikesJson'));
    }
  }
  let spikes: Array<[number, number]>;
  if (Array.isArray(value) && value.some(Array.isArray)) {
    spikes = value.map((row, n): [number, number] => {
      if (!Array.isArray(row) || row.length !== 2) throw new ConfigError(`times[${n}]`, row, message('errors.spikePair'));
      return [toNumber(`times[${n}].t`, row[0], { min: 0 }), toNumber(`times[${n}].channel`, row[1], { integer: true, min: 0, max: size - 1 })];
    });
  } else {
    const times = toNumberList('times', value, { min: 0 });
    spikes = times.flatMap((t) => Array.from({ length: size }, (_, channel): [number, number] => [t, channel]));
  }
  if (spikes.length === 0) throw new ConfigError('times', raw, message('errors.spikesNone'));
  if (spikes.length > MAX_EXPLICIT_SPIKES) throw new ConfigError('times', `${spikes.length} spikes`, message('errors.atMost', { limit: MAX_EXPLICIT_SPIKES.toLocaleString('en-US') }));
  return spikes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Where a generator's random numbers come from. */
export interface GeneratorRandom {
  seed: number;
  key: number;
}

export class SpikeGenerator implements SpikingGroup {
  readonly size: number;
  readonly spikeIndices: Int32Array;
  spikeCount = 0;
  totalSpikes = 0;
  readonly lag = 0;
  private readonly streams: StreamBank | null;
  /** explicit spikes as steps, sorted, and the next one to emit */
  private readonly steps: Int32Array | null;
  private readonly channels: Int32Array | null;
  private next = 0;

  constructor(readonly spec: GeneratorSpec, private readonly dt: number, random: GeneratorRandom = { seed: 1, key: 0 }) {
    this.size = spec.size;
    this.spikeIndices = new Int32Array(spec.size);
    if (spec.kind === 'poisson') {
      this.streams = new StreamBank(spec.size, [random.seed, random.key, PURPOSE.poisson]);
      this.steps = this.channels = null;
    } else {
      this.streams = null;
      // by step, then channel: times that round to one step may come in any channel order
      const spikes = spec.spikes.map(([t, c]): [number, number] => [Math.round(t / dt), c]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      this.steps = Int32Array.from(spikes, ([step]) => step);
      this.channels = Int32Array.from(spikes, ([, c]) => c);
    }
  }

  /** Emits the spikes of step `step` into spikeIndices (at most one per channel and step). */
  emit(step: number): void {
    let count = 0;
    if (this.streams) {
      const p = (this.spec as { rate: number }).rate * this.dt / 1000;
      const streams = this.streams;
      for (let c = 0; c < this.size; c++) if (streams.uniform(c) < p) this.spikeIndices[count++] = c;
    } else {
      const steps = this.steps!, channels = this.channels!;
      while (this.next < steps.length && steps[this.next] < step) this.next++;
      let previous = -1;
      while (this.next < steps.length && steps[this.next] === step) {
        const c = channels[this.next++];
        if (c !== previous) this.spikeIndices[count++] = c;
        previous = c;
      }
    }
    this.spikeCount = count;
    this.totalSpikes += count;
  }

  reset(): void {
    this.streams?.reset();
    this.next = 0;
    this.spikeCount = 0;
    this.totalSpikes = 0;
  }
}

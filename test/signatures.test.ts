/**
 * Each of the 28 published patterns, run through the engine with its preset, must show the
 * qualitative signature of docs/patterns.md, as checked by lib/analysis/signatures.ts (the checks
 * bin/robustness.ts applies to other schemes and steps); so must the book's cell types under the
 * book's scheme and stimuli (docs/book-cells.md). The checks must also be able to say no: each
 * rejects most other patterns (or book cells) and recordings altered to lose the signature.
 */
import { describe, expect, it } from 'vitest';
import {
  adaptationIndex, countIn, detectBursts, firstSpikeLatency, interSpikeIntervals, isiStats, meanRate, summarizeSpikes, withSummary,
} from '../lib/analysis/features';
import { Network } from '../lib/engine/network';
import { normalizeNeuron } from '../lib/engine/neuron';
import { PRESETS } from '../lib/flow/presets';
import { normalizeSource } from '../lib/engine/sources';
import { BOOK_SIGNATURES, checkSignature, SIGNATURES, turningPoints, type Recording } from '../lib/analysis/signatures';
import { recordPreset } from '../lib/flow/record';

const PATTERNS = PRESETS.filter((p) => p.group !== 'book');
const BOOK = PRESETS.filter((p) => p.group === 'book');
const recordings = new Map<string, Recording>(PRESETS.map((p) => [p.code, recordPreset(p.code)]));
const published = (code: string) => recordings.get(code)!;

describe('spike train features', () => {
  const span = { t0: 0, t1: 100 };

  it('counts, latency, intervals and rate', () => {
    const times = [10, 12, 20, 40];
    expect(countIn(times, 10, 20)).toBe(2);
    expect(firstSpikeLatency(times, 15)).toBe(5);
    expect(firstSpikeLatency(times, 41)).toBeNull();
    expect(interSpikeIntervals(times)).toEqual([2, 8, 20]);
    expect(meanRate(times, span)).toBe(40);
    const stats = isiStats([2, 8, 20])!;
    expect(stats).toMatchObject({ mean: 10, min: 2, max: 20 });
    expect(stats.cv).toBeCloseTo(Math.sqrt(56) / 10, 12);
    expect(isiStats([])).toBeNull();
  });

  it('adaptation index: positive when intervals grow, negative when they shrink, 0 when regular', () => {
    expect(adaptationIndex([0, 10, 30])).toBeCloseTo((20 - 10) / 30, 12);
    expect(adaptationIndex([0, 20, 30, 35])).toBeCloseTo(((10 - 20) / 30 + (5 - 10) / 15) / 2, 12);
    expect(adaptationIndex([0, 10, 20, 30])).toBe(0);
    expect(adaptationIndex([0, 10])).toBeNull();
  });

  it('bursts are runs of close spikes followed by a silence; a run cut off by the end is not one', () => {
    // two bursts, a lone spike, and a fast run reaching the end of the span
    const times = [10, 12, 14, 50, 53, 75, 92, 94, 96, 98];
    expect(detectBursts(times, span)).toEqual([
      { start: 10, end: 14, count: 3 },
      { start: 50, end: 53, count: 2 },
    ]);
    expect(detectBursts(times, { t0: 0, t1: 200 })).toHaveLength(3);
    expect(detectBursts(times, span, { minSpikes: 3 })).toEqual([{ start: 10, end: 14, count: 3 }]);
    // a silence shorter than minSilence (default 2 * maxIsi) does not end a burst
    expect(detectBursts([0, 5, 20, 25], { t0: 0, t1: 40 })).toEqual([]);
  });

  it('summarises a train', () => {
    expect(summarizeSpikes([], span)).toEqual({ count: 0, rate: 0, firstSpike: null, isi: null, bursts: 0, spikesPerBurst: 0, adaptationIndex: null });
    const s = summarizeSpikes([10, 12, 14, 50, 53, 75], span);
    expect(s).toMatchObject({ count: 6, rate: 60, firstSpike: 10, bursts: 2, spikesPerBurst: 2.5 });
    expect(s.isi!.max).toBe(36);
  });

  it('come with the spike monitor result of a single neuron', () => {
    // pattern A in populations of 1 and 2, with and without a window or a spike cap
    const run = (size: number, spec: Record<string, number | null> = {}) => {
      const network = new Network({
        dt: 0.25,
        populations: [{ id: 'n', name: 'n', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 6, v0: -70, size }) }],
        sources: [{ id: 's', name: 's', spec: normalizeSource({ kind: 'step', amplitude: 14, onset: 10 }), targets: ['n'] }],
        spikeMonitors: [{ id: 'm', name: 'm', population: 'n', spec }],
        stateMonitors: [],
      });
      network.run(401);
      return withSummary(network.spikeMonitors.get('m')!.result(), 0.25);
    };
    const one = run(1);
    expect(one.summary).toEqual(summarizeSpikes(one.times, { t0: 0, t1: 100.25 }));
    expect(one.summary!.rate).toBeCloseTo(one.rates![0], 12);
    expect(one.summary).toMatchObject({ count: 5, firstSpike: 13, bursts: 0 });
    const windowed = run(1, { window: 50 });
    expect(windowed.summary).toMatchObject({ count: 2, firstSpike: 59.25, rate: 40 });
    expect(run(1, { maxSpikes: 3 }).summary).toBeUndefined();
    expect(run(2).summary).toBeUndefined();
  });

  it('turning points ignore wiggles below the tolerance', () => {
    const t = Array.from({ length: 400 }, (_, i) => i);
    const v = t.map((x) => Math.exp(-x / 100) * Math.sin(x / 10) + 0.001 * Math.sin(x * 3));
    const turns = turningPoints(t, v, 0, 0.01);
    expect(turns.map((p) => p.kind).slice(0, 4)).toEqual(['max', 'min', 'max', 'min']);
    expect(turns.length).toBeGreaterThanOrEqual(6);
  });
});

describe('signatures of the published patterns', () => {
  it('cover all 28 patterns', () => {
    expect(Object.keys(SIGNATURES).sort()).toEqual(PATTERNS.map((p) => p.code).sort());
  });

  for (const preset of PATTERNS) {
    const says = preset.signature.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase());
    it(`${preset.code} ${preset.name}: ${says}`, () => {
      const verdict = checkSignature(preset.code, published(preset.code));
      expect(verdict.checks.length).toBeGreaterThanOrEqual(2);
      expect(verdict.failed).toEqual([]);
    });
  }
});

describe('the signature checks can fail', () => {
  it('each signature rejects at least 20 of the 27 other published patterns', () => {
    for (const { code } of PATTERNS) {
      const accepted = PATTERNS.filter((other) => other.code !== code && checkSignature(code, published(other.code)).ok);
      expect(accepted.length, `${code} accepts ${accepted.map((p) => p.code).join(' ')}`).toBeLessThanOrEqual(7);
    }
  });

  it.each([
    ['A', 'C', 'no bursts'],
    ['C', 'A', 'at least 3 bursts'],
    ['D', 'C', 'exactly one burst'],
    ['E', 'C', 'exactly one burst'],
    ['IB', 'CH', 'exactly one burst'],
    ['FS', 'RS', 'little adaptation'],
    ['FS', 'LTS', 'regular'],
    ['LTS', 'FS', 'strong adaptation'],
    ['G', 'H', 'starts slowly'],
    ['H', 'G', 'starts abruptly'],
    ['N', 'M', 'one burst of at least 3 spikes'],
    ['TCB', 'TC', 'one burst of at least 3 spikes'],
  ])('%s rejects the published %s: %s', (code, other, reason) => {
    const verdict = checkSignature(code, published(other));
    expect(verdict.failed.some((what) => what.startsWith(reason)), verdict.failed.join('; ')).toBe(true);
  });

  const withSpikes = (r: Recording, times: number[]): Recording => ({ ...r, times: [...r.times, ...times].sort((a, b) => a - b) });

  it('notices one spike too many', () => {
    expect(checkSignature('B', withSpikes(published('B'), [150])).failed).toContain('exactly one spike');
    expect(checkSignature('I', withSpikes(published('I'), [60])).failed).toContain('exactly one spike');
    expect(checkSignature('P', withSpikes(published('P'), [263])).failed).toEqual(['switched off: no spike from 20 ms after the second pulse (241 ms)']);
    expect(checkSignature('S', withSpikes(published('S'), [256.5])).failed).toEqual(['no spike once the input is back up (after 250 ms)']);
    expect(checkSignature('K', withSpikes(published('K'), [70])).failed).toEqual(['no spike before the resonant pair ends (320 ms)']);
    expect(checkSignature('D', withSpikes(published('D'), [150])).ok).toBe(false);
  });

  it('notices an oscillation that is not damped, and an after-potential that is missing', () => {
    const j = published('J');
    const growing = { ...j, v: j.v.map((v, i) => (j.t[i] > 30 ? -62 + 0.5 * Math.exp((j.t[i] - 30) / 100) * Math.sin(j.t[i] / 8) : v)) };
    expect(checkSignature('J', growing).failed).toEqual(['damped: every swing smaller than the one before']);
    const q = published('Q');
    const flat = { ...q, v: q.v.map((v, i) => (q.t[i] > q.times[0] ? -70 : v)) };
    expect(checkSignature('Q', flat).failed).toEqual([
      'after-potential: v climbs back to at least 5 mV above the reset value',
      'v stays above the reset value for at least 5 ms',
    ]);
  });

  it('notices when a pattern changes with the integration step (T bursts turn into tonic firing at dt/2)', () => {
    const verdict = checkSignature('T', recordPreset('T', { dtFactor: 0.5 }));
    expect(verdict.failed).toContain('no spike once the input is back up (after 250 ms)');
  });
});

describe('signatures of the book cells (book scheme and stimuli)', () => {
  it('cover every book preset', () => {
    expect(Object.keys(BOOK_SIGNATURES).sort()).toEqual(BOOK.map((p) => p.code).sort());
  });

  for (const preset of BOOK) {
    const says = preset.signature.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase());
    it(`${preset.code} ${preset.name}: ${says}`, () => {
      const verdict = checkSignature(preset.code, published(preset.code));
      expect(verdict.checks.length).toBeGreaterThanOrEqual(4);
      expect(verdict.failed).toEqual([]);
    });
  }

  it('each rejects at least 7 of the 8 other book recordings (only the two tonic thalamic cells accept each other)', () => {
    for (const { code } of BOOK) {
      const accepted = BOOK.filter((other) => other.code !== code && checkSignature(code, published(other.code)).ok).map((p) => p.code);
      expect(accepted, `${code} accepts ${accepted.join(' ')}`).toEqual(code === 'book TC' ? ['book RTN'] : code === 'book RTN' ? ['book TC'] : []);
    }
  });

  it.each([
    ['book FS', 'book LTS', 'no adaptation'],
    ['book LTS', 'book FS', 'adapts: the intervals never shorten'],
    ['book IB', 'book CH', 'exactly one burst'],
    ['book CH', 'book IB', 'at least 4 bursts'],
    ['book TC', 'book TCB', 'tonic: no interval below 20 ms'],
    ['book TCB', 'book TC', 'no spike while held hyperpolarized'],
    ['book RTN', 'book RTNB', 'tonic: no interval below 20 ms'],
    ['book RTNB', 'book RTN', 'a rebound burst'],
    ['book RS', 'book TC', 'no spike before the step'],
  ])('%s rejects %s: %s', (code, other, reason) => {
    const verdict = checkSignature(code, published(other));
    expect(verdict.failed.some((what) => what.startsWith(reason)), verdict.failed.join('; ')).toBe(true);
  });

  it('notice a burst that is lost or a rebound that goes on firing', () => {
    const tcb = published('book TCB');
    // keep only every other spike of the rebound burst: no longer a burst
    const thinned = { ...tcb, times: tcb.times.filter((_, i) => i % 2 === 0) };
    expect(checkSignature('book TCB', thinned).failed).toContain('a rebound burst: at least 4 spikes within 60 ms of the first');
    const firing = { ...tcb, times: [...tcb.times, 500, 600, 700] };
    expect(checkSignature('book TCB', firing).failed).toEqual(['then silent for the last 400 ms']);
    const fs = published('book FS');
    // stretch the later intervals: adaptation appears
    const slowing = { ...fs, times: fs.times.map((t, i) => t + i * i * 0.5) };
    expect(checkSignature('book FS', slowing).ok).toBe(false);
  });

  it('under the 2003 scheme the book FS cell fires too slowly for its book signature', () => {
    const verdict = checkSignature('book FS', recordPreset('book FS', { scheme: 'izhikevich' }));
    expect(verdict.failed).toContain('fast: at least 100 Hz');
  });
});

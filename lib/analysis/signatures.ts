/**
 * The qualitative signature of each of the 28 published firing patterns (docs/patterns.md)
 * and of the 2007 book's cell types (docs/book-cells.md) as a list of checks on a recording of
 * one neuron under the published input. The checks say
 * what the figure shows (one spike, long after the pulse; bursts only while the input is
 * lowered; ...) with thresholds that leave room for a different integration step, so they
 * also tell whether a pattern survives another scheme or dt (bin/robustness.ts, with recordings
 * made by lib/flow/record.ts); the
 * signature tests (test/signatures.test.ts) use the very same checks.
 */
import { adaptationIndex, countIn, detectBursts, interSpikeIntervals, isiStats, type BurstOptions, type Span } from './features';

/** One neuron's run: spike times, the recorded span, and v and I at every step. */
export interface Recording {
  times: number[];
  span: Span;
  t: number[];
  v: number[];
  I: number[];
}

export interface Check {
  /** what must hold, in words */
  what: string;
  ok: boolean;
}

export interface Verdict {
  ok: boolean;
  checks: Check[];
  /** the `what` of every failed check */
  failed: string[];
}

// ---- small vocabulary for the checks -------------------------------------------------------

const check = (what: string, ok: boolean): Check => ({ what, ok });
const none = (r: Recording, from: number, to: number) => countIn(r.times, from, to) === 0;
const last = (xs: readonly number[]) => xs[xs.length - 1];

/** Firing lasts to the end of the run: the final silence is shorter than the longest interval. */
function firesToTheEnd(r: Recording): boolean {
  const isis = interSpikeIntervals(r.times);
  return isis.length > 0 && r.span.t1 - last(r.times) < Math.max(...isis);
}

const bursts = (r: Recording, options?: BurstOptions) => detectBursts(r.times, r.span, options);

/** Turning points of v from time `from` on: a reversal counts once v has moved back by `tolerance` mV. */
export function turningPoints(t: readonly number[], v: readonly number[], from: number, tolerance = 0.05): Array<{ t: number; v: number; kind: 'max' | 'min' }> {
  const points: Array<{ t: number; v: number; kind: 'max' | 'min' }> = [];
  const start = t.findIndex((x) => x >= from);
  if (start < 0) return points;
  let extreme = start; // the running extreme since the last turning point
  let rising: boolean | null = null;
  for (let i = start + 1; i < v.length; i++) {
    if (rising === null) {
      if (Math.abs(v[i] - v[start]) >= tolerance) {
        rising = v[i] > v[start];
        extreme = i;
      }
      continue;
    }
    if (rising ? v[i] > v[extreme] : v[i] < v[extreme]) extreme = i;
    else if (Math.abs(v[i] - v[extreme]) >= tolerance) {
      points.push({ t: t[extreme], v: v[extreme], kind: rising ? 'max' : 'min' });
      rising = !rising;
      extreme = i;
    }
  }
  return points;
}

/** Largest v from time `from` to time `to`. */
function maxV(r: Recording, from: number, to = Infinity): number {
  let m = -Infinity;
  r.t.forEach((x, i) => {
    if (x >= from && x <= to) m = Math.max(m, r.v[i]);
  });
  return m;
}

/** Rates in equal windows rise: each window has at least as many spikes as the one before, the last more than the first. */
function rateRises(r: Recording, from: number, to: number, windows: number): boolean {
  const w = (to - from) / windows;
  const counts = Array.from({ length: windows }, (_, k) => countIn(r.times, from + k * w, k === windows - 1 ? to + 1e-9 : from + (k + 1) * w));
  return counts.every((c, k) => k === 0 || c >= counts[k - 1]) && last(counts) > counts[0];
}

// ---- the 28 signatures ----------------------------------------------------------------------

type Signature = (r: Recording) => Check[];

export const SIGNATURES: Record<string, Signature> = {
  // cortical classes (2003): step onsets RS, IB, CH, FS 15 ms, TC 30, LTS 25; TCB released at 45; RZ pulse 60-65
  RS: (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike before the step (15 ms)', none(r, 0, 15)),
      check('at least 4 spikes', r.times.length >= 4),
      check('fires to the end of the step', firesToTheEnd(r)),
      check('adapts: adaptation index > 0.1', (adaptationIndex(r.times) ?? 0) > 0.1),
      check('adapts: last interval at least twice the first', isis.length > 1 && last(isis) >= 2 * isis[0]),
      check('no burst of 3 or more spikes', bursts(r).every((b) => b.count < 3)),
    ];
  },
  IB: (r) => {
    const found = bursts(r);
    return [
      check('no spike before the step (15 ms)', none(r, 0, 15)),
      check('exactly one burst, starting with the first spike', found.length === 1 && found[0].start === r.times[0]),
      check('the burst has at least 3 spikes', found.length > 0 && found[0].count >= 3),
      check('at least 3 single spikes after the burst', found.length > 0 && countIn(r.times, found[0].end + 1e-9, Infinity) >= 3),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  CH: (r) => {
    const found = bursts(r);
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike before the step (15 ms)', none(r, 0, 15)),
      check('at least 2 bursts', found.length >= 2),
      check('at least 4 spikes per burst on average', found.length > 0 && found.reduce((s, b) => s + b.count, 0) / found.length >= 4),
      check('closely spaced spikes: shortest interval below 3 ms', isis.length > 0 && Math.min(...isis) < 3),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  FS: (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike before the step (15 ms)', none(r, 0, 15)),
      check('high rate: at least 80 Hz during the step', countIn(r.times, 15, Infinity) / ((r.span.t1 - 15) / 1000) >= 80),
      check('little adaptation: |adaptation index| < 0.05', Math.abs(adaptationIndex(r.times) ?? 1) < 0.05),
      check('regular: ISI CV below 0.2', isis.length > 1 && isiStats(isis)!.cv < 0.2),
      check('no bursts', bursts(r).length === 0),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  TC: (r) => [
    check('no spike before the step (30 ms)', none(r, 0, 30)),
    check('at least 3 spikes', r.times.length >= 3),
    check('no bursts', bursts(r).length === 0),
    check('fires to the end of the step', firesToTheEnd(r)),
  ],
  TCB: (r) => {
    // a thalamic rebound burst decelerates (intervals 5 to 11 ms): burst threshold 15 ms
    const found = bursts(r, { maxIsi: 15 });
    return [
      check('no spike while hyperpolarized (until 45 ms)', none(r, 0, 45.000001)),
      check('first spike within 10 ms of the release', r.times.length > 0 && r.times[0] - 45 <= 10),
      check('one burst of at least 3 spikes holding every spike', found.length === 1 && found[0].count >= 3 && found[0].count === r.times.length),
      check('then silent for at least 40 ms', r.times.length > 0 && r.span.t1 - last(r.times) >= 40),
    ];
  },
  RZ: (r) => [
    check('no spike before the pulse (60 ms)', none(r, 0, 60)),
    check('fires within 15 ms of the pulse onset', countIn(r.times, 60, 75) >= 1),
    check('silent afterwards (from 80 ms)', none(r, 80, Infinity)),
  ],
  LTS: (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike before the step (25 ms)', none(r, 0, 25)),
      check('high frequency at first: first interval at most 5 ms', isis.length > 0 && isis[0] <= 5),
      check('strong adaptation: last interval at least 3 times the first', isis.length > 1 && last(isis) >= 3 * isis[0]),
      check('no bursts', bursts(r).length === 0),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },

  // neuro-computational features (2004)
  A: (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike before the step (10 ms)', none(r, 0, 10)),
      check('at least 4 spikes', r.times.length >= 4),
      check('no bursts', bursts(r).length === 0),
      check('settles to regular firing: the last two intervals within 10%', isis.length >= 2 && Math.abs(last(isis) - isis[isis.length - 2]) <= 0.1 * last(isis)),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  B: (r) => [
    check('exactly one spike', r.times.length === 1),
    check('after the onset (20 ms), within 40 ms of it', r.times.length > 0 && r.times[0] > 20 && r.times[0] <= 60),
  ],
  C: (r) => {
    const found = bursts(r);
    return [
      check('no spike before the step (22 ms)', none(r, 0, 22)),
      check('at least 3 bursts', found.length >= 3),
      check('at least 3 spikes in every burst', found.length > 0 && found.every((b) => b.count >= 3)),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  D: (r) => {
    const found = bursts(r);
    return [
      check('no spike before the step (20 ms)', none(r, 0, 20)),
      check('exactly one burst, holding every spike', found.length === 1 && found[0].count === r.times.length),
      check('the burst starts within 30 ms of the onset', found.length > 0 && found[0].start - 20 <= 30),
      check('then silent for at least 100 ms', r.times.length > 0 && r.span.t1 - last(r.times) >= 100),
    ];
  },
  E: (r) => {
    const found = bursts(r);
    const after = found.length > 0 ? r.times.filter((t) => t > found[0].end) : [];
    const afterIsis = interSpikeIntervals(after);
    return [
      check('no spike before the step (16 ms)', none(r, 0, 16)),
      check('exactly one burst, starting with the first spike', found.length === 1 && found[0].start === r.times[0]),
      check('at least 2 single spikes after it', after.length >= 2),
      check('single spikes at least 20 ms apart', afterIsis.length > 0 && Math.min(...afterIsis) >= 20),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  F: (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike before the step (8.5 ms)', none(r, 0, 8.5)),
      check('at least 4 spikes', r.times.length >= 4),
      check('intervals grow: adaptation index > 0.1', (adaptationIndex(r.times) ?? 0) > 0.1),
      check('the last interval at least 3 times the first', isis.length > 1 && last(isis) >= 3 * isis[0]),
    ];
  },
  G: (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike in the first 20 ms of the ramp (30-50 ms)', none(r, 0, 50)),
      check('at least 5 spikes', r.times.length >= 5),
      check('the rate rises along the ramp (spikes in thirds of 30-300 ms)', rateRises(r, 30, 300, 3)),
      check('starts slowly: first interval at least 30 ms', isis.length > 0 && isis[0] >= 30),
      check('starts slowly: first interval at least twice the last', isis.length > 1 && isis[0] >= 2 * last(isis)),
    ];
  },
  H: (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike in the first 20 ms of the ramp (30-50 ms)', none(r, 0, 50)),
      check('at least 5 spikes', r.times.length >= 5),
      check('keeps firing along the ramp (spikes in thirds of 30-300 ms do not fall)', rateRises(r, 30, 300, 3)),
      check('starts abruptly: first interval at most 25 ms (40 Hz or more)', isis.length > 0 && isis[0] <= 25),
    ];
  },
  I: (r) => [
    check('exactly one spike', r.times.length === 1),
    check('long after the pulse (10-13 ms): at least 3 ms after it ended', r.times.length > 0 && r.times[0] >= 16),
  ],
  J: (r) => {
    const spike = r.times[0];
    const turns = r.times.length === 1 ? turningPoints(r.t, r.v, spike + 1) : [];
    const swings = turns.slice(1).map((p, i) => Math.abs(p.v - turns[i].v));
    return [
      check('exactly one spike, during or just after the pulse (20-35 ms)', r.times.length === 1 && spike > 20 && spike < 35),
      check('then subthreshold: v below -55 mV', r.times.length === 1 && maxV(r, spike + 1) < -55),
      check('oscillates: at least 4 turning points after the spike', turns.length >= 4),
      check('damped: every swing smaller than the one before', swings.length >= 3 && swings.every((s, i) => i === 0 || s < swings[i - 1])),
    ];
  },
  K: (r) => [
    check('no spike before the resonant pair ends (320 ms)', none(r, 0, 320)),
    check('fires within 40 ms of the pair (320-360 ms)', countIn(r.times, 320, 360) >= 1),
    check('silent afterwards (from 360 ms)', none(r, 360, Infinity)),
  ],
  L: (r) => [
    check('no spike before the second close pulse (14.09 ms)', none(r, 0, 100 / 11 + 5)),
    check('fires after the close pair (14.09-40 ms)', countIn(r.times, 100 / 11 + 5, 40) >= 1),
    check('the distant pair (70, 80 ms) does not fire', none(r, 40, Infinity)),
  ],
  M: (r) => [
    check('exactly one spike', r.times.length === 1),
    check('after the release from inhibition (25 ms)', r.times.length > 0 && r.times[0] > 25),
  ],
  N: (r) => {
    const found = bursts(r);
    return [
      check('no spike before the release from inhibition (25 ms)', none(r, 0, 25)),
      check('one burst of at least 3 spikes, holding every spike', found.length === 1 && found[0].count >= 3 && found[0].count === r.times.length),
    ];
  },
  O: (r) => [
    check('the first excitatory pulse (10-15 ms) alone does not fire', none(r, 0, 70)),
    check('nor does the inhibitory pulse (70-75 ms)', none(r, 70, 80)),
    check('the excitatory pulse after it (80-85 ms) fires', countIn(r.times, 80, Infinity) >= 1),
  ],
  P: (r) => {
    const on = r.times.filter((t) => t > 42.5 && t < 216);
    const isis = interSpikeIntervals(on);
    return [
      check('no spike before the first pulse (37.5 ms)', none(r, 0, 37.5)),
      check('tonic firing between the pulses: at least 3 spikes', on.length >= 3),
      check('regular: ISI CV below 0.2', isis.length > 1 && isiStats(isis)!.cv < 0.2),
      check('switched off: no spike from 20 ms after the second pulse (241 ms)', none(r, 241, Infinity)),
    ];
  },
  Q: (r) => {
    const spike = r.times[0] ?? NaN;
    // after the reset to c = -60 mV, v climbs back and stays depolarized for a while
    const above = r.t.filter((x, i) => x > spike && r.v[i] > -60);
    return [
      check('exactly one spike, during the pulse or right after it (9-13 ms)', r.times.length === 1 && spike > 9 && spike < 13),
      check('after-potential: v climbs back to at least 5 mV above the reset value', maxV(r, spike + 0.5, spike + 15) >= -55),
      check('v stays above the reset value for at least 5 ms', above.length > 0 && last(above) - spike >= 5),
      check('then back to rest (v at the end within 1 mV of -70)', Math.abs(last(r.v) + 70) <= 1),
    ];
  },
  R: (r) => [
    check('the slow ramp (0-200 ms) does not fire', none(r, 0, 300)),
    check('the fast ramp (300-312.5 ms) fires within 30 ms', countIn(r.times, 300, 330) >= 1),
  ],
  S: (r) => [
    check('no spike at the high input (before 50 ms)', none(r, 0, 50)),
    check('at least 2 spikes while the input is lowered (50-250 ms)', countIn(r.times, 50, 250.000001) >= 2),
    check('no spike once the input is back up (after 250 ms)', none(r, 250.000001, Infinity)),
  ],
  T: (r) => {
    const found = bursts(r);
    return [
      check('no spike at the high input (before 50 ms)', none(r, 0, 50)),
      check('at least 2 bursts while the input is lowered', found.filter((b) => b.start >= 50 && b.end <= 250).length >= 2),
      check('every spike in a burst', found.reduce((s, b) => s + b.count, 0) === r.times.length),
      check('no spike once the input is back up (after 250 ms)', none(r, 250.000001, Infinity)),
    ];
  },
};

// ---- the book's cell types (2007), under the stimuli of docs/book-cells.md ----------------------

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const cvOf = (isis: readonly number[]) => (isis.length > 1 ? isiStats(isis)!.cv : Infinity);
/** Spikes from the first one on that come within `window` ms of it. */
const firstWithin = (r: Recording, window: number) => (r.times.length > 0 ? countIn(r.times, r.times[0], r.times[0] + window + 1e-9) : 0);

export const BOOK_SIGNATURES: Record<string, Signature> = {
  // Fig. 8.5 listing: 70 pA from 100 ms
  'book RS': (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike before the step (100 ms)', none(r, 0, 100)),
      check('slow start: the first spike more than 50 ms after the step', r.times.length > 0 && r.times[0] - 100 > 50),
      check('at least 4 spikes', r.times.length >= 4),
      check('low rate: every interval longer than 50 ms', isis.length > 0 && Math.min(...isis) > 50),
      check('regular: ISI CV below 0.1', cvOf(isis) < 0.1),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  // 550 pA from t = 0: a doublet (or burst), then single spikes
  'book IB': (r) => {
    const found = bursts(r, { maxIsi: 30, minSilence: 60 });
    const after = found.length > 0 ? r.times.filter((t) => t > found[0].end) : [];
    return [
      check('fires at once: the first spike within 50 ms', r.times.length > 0 && r.times[0] <= 50),
      check('exactly one burst (intervals below 30 ms), starting with the first spike', found.length === 1 && found[0].start === r.times[0]),
      check('the burst has 2 to 5 spikes', found.length > 0 && found[0].count >= 2 && found[0].count <= 5),
      check('at least 3 single spikes after it', after.length >= 3),
      check('regular single spikes: ISI CV below 0.1', cvOf(interSpikeIntervals(after)) < 0.1),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  // 600 pA from t = 0: repetitive bursts
  'book CH': (r) => {
    const found = bursts(r);
    const starts = found.map((b) => b.start);
    const periods = interSpikeIntervals(starts);
    const isis = interSpikeIntervals(r.times);
    return [
      check('at least 4 bursts', found.length >= 4),
      check('closely spaced spikes: shortest interval below 5 ms', isis.length > 0 && Math.min(...isis) < 5),
      check('bursts repeat at 25 to 40 Hz (onsets 25 to 40 ms apart)', periods.length >= 3 && periods.every((p) => p >= 25 && p <= 40)),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  // 300 pA from t = 0: fast tonic spiking that slows down
  'book LTS': (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('high rate: at least 50 Hz', r.times.length / ((r.span.t1 - r.span.t0) / 1000) >= 50),
      check('adapts: the intervals never shorten', isis.length > 1 && isis.every((x, i) => i === 0 || x >= isis[i - 1] - 1e-9)),
      check('adapts: the last interval at least 15% longer than the first', isis.length > 1 && last(isis) >= 1.15 * isis[0]),
      check('no bursts', bursts(r).length === 0),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  // 400 pA from t = 0, 100 ms
  'book FS': (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('fast: at least 100 Hz', r.times.length / ((r.span.t1 - r.span.t0) / 1000) >= 100),
      check('no adaptation: the last 4 intervals within 10% of the first 4 on average',
        isis.length >= 8 && Math.abs(mean(isis.slice(-4)) / mean(isis.slice(0, 4)) - 1) <= 0.1),
      check('fires from the start: the first spike within 10 ms', r.times.length > 0 && r.times[0] <= 10),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  // tonic mode: 150 pA from rest
  'book TC': (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('fires from rest at once: the first spike within 50 ms', r.times.length > 0 && r.times[0] <= 50),
      check('at least 5 spikes', r.times.length >= 5),
      check('tonic: no interval below 20 ms (no bursts)', isis.length > 0 && Math.min(...isis) >= 20),
      check('regular: ISI CV below 0.1', cvOf(isis) < 0.1),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  // burst mode: -1200 pA until 120 ms, then 0
  'book TCB': (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('no spike while held hyperpolarized (before 120 ms)', none(r, 0, 120)),
      check('first spike within 50 ms of the release', r.times.length > 0 && r.times[0] - 120 <= 50),
      check('a rebound burst: at least 4 spikes within 60 ms of the first', firstWithin(r, 60) >= 4),
      check('the burst starts fast: first interval below 15 ms', isis.length > 0 && isis[0] < 15),
      check('then silent for the last 400 ms', r.times.length > 0 && r.span.t1 - last(r.times) >= 400),
    ];
  },
  // tonic mode: 70 pA from rest
  'book RTN': (r) => {
    const isis = interSpikeIntervals(r.times);
    return [
      check('fires from rest at once: the first spike within 50 ms', r.times.length > 0 && r.times[0] <= 50),
      check('at least 4 spikes', r.times.length >= 4),
      check('tonic: no interval below 20 ms (no bursts)', isis.length > 0 && Math.min(...isis) >= 20),
      check('regular: ISI CV below 0.1', cvOf(isis) < 0.1),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
  // burst mode: -350 pA until 120 ms, then 50 pA
  'book RTNB': (r) => {
    const isis = interSpikeIntervals(r.times);
    const burst = firstWithin(r, 40);
    const singles = interSpikeIntervals(r.times.slice(Math.max(burst - 1, 0)));
    return [
      check('no spike while held hyperpolarized (before 120 ms)', none(r, 0, 120)),
      check('a rebound burst: at least 3 spikes within 40 ms of the first', burst >= 3),
      check('the burst starts fast: first interval below 15 ms', isis.length > 0 && isis[0] < 15),
      check('then tonic: at least 2 single spikes, every interval after the burst longer than 100 ms',
        r.times.length - burst >= 2 && singles.length > 0 && singles.every((x) => x > 100)),
      check('fires to the end of the step', firesToTheEnd(r)),
    ];
  },
};

/** Checks a recording against the signature of pattern `code` (a published pattern or a book preset, `book FS`). */
export function checkSignature(code: string, recording: Recording): Verdict {
  const signature = SIGNATURES[code] ?? BOOK_SIGNATURES[code];
  if (!signature) throw new Error(`no signature for pattern ${code}`);
  const checks = signature(recording);
  const failed = checks.filter((c) => !c.ok).map((c) => c.what);
  return { ok: failed.length === 0, checks, failed };
}

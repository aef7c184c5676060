/**
 * An independent transcription of the simulation loop of Izhikevich's 2007 book ("Dynamical
 * Systems in Neuroscience", ch. 8, the listing of Fig. 8.5) for its seven cell types, written
 * from docs/book-cells.md and NOT using lib/: the cells' parameters, special rules and stimuli
 * are typed in here again. Tests compare the engine's spike times and v traces with these.
 *
 * The loop, one step of dt at t = k dt (k = 0, 1, ..., T/dt), I = I(t):
 *   v' = v + dt (k (v - vr)(v - vt) - u + I) / C      both from the OLD v and u
 *   u' = u + dt a (U(v) - u)                           U(v) = b (v - vr) unless a rule says otherwise
 *   if v' >= peak:  spike at t,  v' <- reset,  u' <- u' + d
 * The cubic of FS is written x * x * x, as in the engine, so that rounding agrees.
 */
export type BookRule = 'plain' | 'LTS' | 'FS' | 'TC' | 'RTN';

export interface BookCell {
  C: number; k: number; vr: number; vt: number; vpeak: number;
  a: number; b: number; c: number; d: number;
  rule: BookRule;
}

/** The seven cells of ch. 8 (Fig. 8.12, 8.19, 8.23, 8.25, 8.27, 8.31, 8.32). */
export const BOOK_CELLS: Record<string, BookCell> = {
  RS: { C: 100, k: 0.7, vr: -60, vt: -40, vpeak: 35, a: 0.03, b: -2, c: -50, d: 100, rule: 'plain' },
  IB: { C: 150, k: 1.2, vr: -75, vt: -45, vpeak: 50, a: 0.01, b: 5, c: -56, d: 130, rule: 'plain' },
  CH: { C: 50, k: 1.5, vr: -60, vt: -40, vpeak: 25, a: 0.03, b: 1, c: -40, d: 150, rule: 'plain' },
  LTS: { C: 100, k: 1, vr: -56, vt: -42, vpeak: 40, a: 0.03, b: 8, c: -53, d: 20, rule: 'LTS' },
  FS: { C: 20, k: 1, vr: -55, vt: -40, vpeak: 25, a: 0.2, b: 0.025, c: -45, d: 0, rule: 'FS' },
  TC: { C: 200, k: 1.6, vr: -60, vt: -50, vpeak: 35, a: 0.01, b: 15, c: -60, d: 10, rule: 'TC' },
  RTN: { C: 40, k: 0.25, vr: -65, vt: -45, vpeak: 0, a: 0.015, b: 10, c: -55, d: 50, rule: 'RTN' },
};

export interface BookStimulus {
  /** cell of BOOK_CELLS */
  cell: string;
  /** e.g. "70 pA" or "-1200 pA for 120 ms, then 50 pA" */
  label: string;
  dt: number;
  T: number;
  I: (t: number) => number;
  /** the same current as current-source configurations (plain data), to drive the engine */
  inputs: Array<Record<string, unknown>>;
}

/** A constant current from t = 0 (izhi2007.m's tonic runs). */
const constant = (cell: string, pA: number, T: number): BookStimulus => ({
  cell, label: `${pA} pA`, dt: 0.25, T, I: () => pA, inputs: [{ kind: 'constant', amplitude: pA }],
});
/** izhi2007.m's burst mode: `hold` pA for the first 120 ms (t < 120), then `pA`; T counts from 0. */
const released = (cell: string, hold: number, pA: number, T: number): BookStimulus => ({
  cell, label: `${hold} pA for 120 ms, then ${pA} pA`, dt: 0.25, T, I: (t) => (t < 120 ? hold : pA),
  inputs: [{ kind: 'step', amplitude: hold, offset: 120, baseline: pA }],
});

/**
 * Every stimulus of the book that we could find: the Fig. 8.5 listing (RS, 70 pA from 100 ms,
 * tau = 1 ms, 1000 ms) and every current level of ModelDB 39948's izhi2007.m (tau = 0.25 ms).
 */
export const BOOK_STIMULI: BookStimulus[] = [
  {
    cell: 'RS', label: 'Fig. 8.5 listing: 70 pA from 100 ms, dt 1 ms', dt: 1, T: 1000, I: (t) => (t >= 100 ? 70 : 0),
    inputs: [{ kind: 'step', amplitude: 70, onset: 100, edges: 'closed' }],
  },
  ...[60, 70, 85, 100].map((pA) => constant('RS', pA, 520)),
  ...[290, 370, 500, 550].map((pA) => constant('IB', pA, 600)),
  ...[200, 300, 400, 600].map((pA) => constant('CH', pA, 210)),
  ...[100, 125, 200, 300].map((pA) => constant('LTS', pA, 320)),
  ...[73.2, 100, 200, 400].map((pA) => constant('FS', pA, 100)),
  ...[50, 100, 150].map((pA) => constant('TC', pA, 650)),
  ...[0, 50, 100].map((pA) => released('TC', -1200, pA, 770)),
  ...[50, 70, 110].map((pA) => constant('RTN', pA, 650)),
  ...[30, 50, 90].map((pA) => released('RTN', -350, pA, 840)),
];

/**
 * Runs the book's loop. Returns the spike times and v at every step as the engine's state
 * monitor records it: the cell's vpeak in the step of a spike, else the new v.
 * `tcRecoveryAt` replaces vr in TC's recovery b (v - vr): -65 gives the alternative reading
 * b (v + 65) that docs/book-cells.md weighs (not the one the presets use).
 */
export function simulateBook(p: BookCell, s: Pick<BookStimulus, 'dt' | 'T' | 'I'>, options: { tcRecoveryAt?: number } = {}): { spikes: number[]; v: number[] } {
  const { C, k, vr, vt, vpeak, a, c, d } = p;
  const dt = s.dt;
  let v = vr;
  let u = 0;
  const spikes: number[] = [];
  const trace: number[] = [];
  const last = Math.floor(s.T / dt + 1e-9);
  for (let step = 0; step <= last; step++) {
    const t = step * dt;
    const I = s.I(t);
    // the recovery target U(v), from the old v
    let U: number;
    if (p.rule === 'FS') {
      const x = v - -55; // vb = -55 mV
      U = v < -55 ? 0 : p.b * x * x * x;
    } else if (p.rule === 'TC') {
      U = (v > -65 ? 0 : p.b) * (v - (options.tcRecoveryAt ?? vr));
    } else if (p.rule === 'RTN') {
      U = (v > -65 ? 2 : p.b) * (v - vr);
    } else {
      U = p.b * (v - vr);
    }
    let vNew = v + (dt * (k * (v - vr) * (v - vt) - u + I)) / C;
    let uNew = u + dt * a * (U - u);
    const peak = p.rule === 'LTS' ? vpeak - 0.1 * uNew : p.rule === 'TC' ? vpeak + 0.1 * uNew : vpeak;
    if (vNew >= peak) {
      spikes.push(t);
      trace.push(vpeak);
      if (p.rule === 'LTS') {
        vNew = c + 0.04 * uNew;
        uNew = uNew + d < 670 ? uNew + d : 670;
      } else if (p.rule === 'TC') {
        vNew = c - 0.1 * uNew;
        uNew = uNew + d;
      } else {
        vNew = c;
        uNew = uNew + d;
      }
    } else {
      trace.push(vNew);
    }
    v = vNew;
    u = uNew;
  }
  return { spikes, v: trace };
}

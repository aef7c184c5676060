/**
 * An independent implementation of the published scheme, transcribed from docs/patterns.md
 * (its tables and its description of the scheme) and NOT using lib/: each pattern's input is
 * written literally, with the inequalities of the author's script. Tests compare the product's
 * spike times and traces with these.
 */
export interface ReferencePattern {
  a: number; b: number; c: number; d: number;
  v0: number; u0?: number;
  dt: number; T: number;
  I: (t: number) => number;
  k1?: number; k2?: number; k3?: number;
  /** pattern R: u <- u + dt*a*b*(v + 65) */
  accommodation?: boolean;
}

const pulse = (t: number, onsets: number[], width: number) => onsets.some((s) => s < t && t < s + width);

export const REFERENCE: Record<string, ReferencePattern> = {
  RS: { a: 0.02, b: 0.2, c: -65, d: 8, v0: -63, dt: 0.25, T: 150, I: (t) => (t > 15 ? 14 : 0) },
  IB: { a: 0.02, b: 0.2, c: -55, d: 4, v0: -70, dt: 0.25, T: 150, I: (t) => (t > 15 ? 11 : 0) },
  CH: { a: 0.02, b: 0.2, c: -50, d: 2, v0: -70, dt: 0.25, T: 150, I: (t) => (t > 15 ? 10 : 0) },
  FS: { a: 0.1, b: 0.2, c: -65, d: 2, v0: -70, dt: 0.25, T: 150, I: (t) => (t > 15 ? 10 : 0) },
  TC: { a: 0.02, b: 0.25, c: -65, d: 0.05, v0: -63, dt: 0.25, T: 150, I: (t) => (t > 30 ? 1.5 : 0) },
  TCB: { a: 0.02, b: 0.25, c: -65, d: 0.05, v0: -87, dt: 0.25, T: 150, I: (t) => (t <= 45 ? -25 : 0) },
  RZ: { a: 0.1, b: 0.26, c: -65, d: 2, v0: -70, dt: 0.25, T: 100, I: (t) => (t <= 10 ? -2 : 60 < t && t < 65 ? 10 : -0.5) },
  LTS: { a: 0.02, b: 0.25, c: -65, d: 2, v0: -63, dt: 0.25, T: 250, I: (t) => (t > 25 ? 10 : 0) },
  A: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70, dt: 0.25, T: 100, I: (t) => (t > 10 ? 14 : 0) },
  B: { a: 0.02, b: 0.25, c: -65, d: 6, v0: -64, dt: 0.25, T: 200, I: (t) => (t > 20 ? 0.5 : 0) },
  C: { a: 0.02, b: 0.2, c: -50, d: 2, v0: -70, dt: 0.25, T: 220, I: (t) => (t > 22 ? 15 : 0) },
  D: { a: 0.02, b: 0.25, c: -55, d: 0.05, v0: -64, dt: 0.2, T: 200, I: (t) => (t > 20 ? 0.6 : 0) },
  E: { a: 0.02, b: 0.2, c: -55, d: 4, v0: -70, dt: 0.25, T: 160, I: (t) => (t > 16 ? 10 : 0) },
  F: { a: 0.01, b: 0.2, c: -65, d: 8, v0: -70, dt: 0.25, T: 85, I: (t) => (t > 8.5 ? 30 : 0) },
  G: { a: 0.02, b: -0.1, c: -55, d: 6, v0: -60, dt: 0.25, T: 300, I: (t) => (t > 30 ? 0.075 * (t - 30) : 0), k2: 4.1, k3: 108 },
  H: { a: 0.2, b: 0.26, c: -65, d: 0, v0: -64, dt: 0.25, T: 300, I: (t) => (t > 30 ? -0.5 + 0.015 * (t - 30) : -0.5) },
  I: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70, dt: 0.2, T: 100, I: (t) => (10 < t && t < 13 ? 7.04 : 0) },
  J: { a: 0.05, b: 0.26, c: -60, d: 0, v0: -62, dt: 0.25, T: 200, I: (t) => (20 < t && t < 25 ? 2 : 0) },
  K: { a: 0.1, b: 0.26, c: -60, d: -1, v0: -62, dt: 0.25, T: 400, I: (t) => (pulse(t, [40, 60, 280, 320], 4) ? 0.65 : 0) },
  L: { a: 0.02, b: -0.1, c: -55, d: 6, v0: -60, dt: 0.25, T: 100, I: (t) => (pulse(t, [100 / 11, 100 / 11 + 5, 70, 80], 2) ? 9 : 0), k2: 4.1, k3: 108 },
  M: { a: 0.03, b: 0.25, c: -60, d: 4, v0: -64, dt: 0.2, T: 200, I: (t) => (20 < t && t < 25 ? -15 : 0) },
  N: { a: 0.03, b: 0.25, c: -52, d: 0, v0: -64, dt: 0.2, T: 200, I: (t) => (20 < t && t < 25 ? -15 : 0) },
  O: {
    a: 0.03, b: 0.25, c: -60, d: 4, v0: -64, dt: 0.25, T: 100,
    I: (t) => ((10 < t && t < 15) || (80 < t && t < 85) ? 1 : 70 < t && t < 75 ? -6 : 0),
  },
  P: { a: 0.1, b: 0.26, c: -60, d: 0, v0: -61, dt: 0.25, T: 300, I: (t) => ((37.5 < t && t < 42.5) || (216 < t && t < 221) ? 1.24 : 0.24) },
  Q: { a: 1, b: 0.2, c: -60, d: -21, v0: -70, dt: 0.1, T: 50, I: (t) => (Math.abs(t - 10) < 1 ? 20 : 0) },
  R: {
    a: 0.02, b: 1, c: -55, d: 4, v0: -65, u0: -16, dt: 0.5, T: 400, accommodation: true,
    I: (t) => (t < 200 ? t / 25 : t < 300 ? 0 : t < 312.5 ? ((t - 300) / 12.5) * 4 : 0),
  },
  S: { a: -0.02, b: -1, c: -60, d: 8, v0: -63.8, dt: 0.5, T: 350, I: (t) => (t < 50 || t > 250 ? 80 : 75) },
  T: { a: -0.026, b: -1, c: -45, d: -2, v0: -63.8, dt: 0.5, T: 350, I: (t) => (t < 50 || t > 250 ? 80 : 75) },
};

/** Spike times (grid times of the steps where v > 30) and the v trace drawn as published. */
export function simulateReference(p: ReferencePattern): { spikes: number[]; v: number[] } {
  const steps = Math.floor(p.T / p.dt + 1e-9);
  const { spikes, v } = continueReference(p, { v: p.v0, u: p.u0 ?? p.b * p.v0 }, 0, steps + 1);
  return { spikes, v };
}

/**
 * The same loop from a given state: the steps k = from ... to - 1 (at t = k dt) of pattern `p`,
 * starting with v and u as given. Returns the spike times, the v trace drawn as published, the
 * u trace and the state after the last step.
 */
export function continueReference(p: ReferencePattern, start: { v: number; u: number }, from: number, to: number): { spikes: number[]; v: number[]; u: number[]; end: { v: number; u: number } } {
  const k1 = p.k1 ?? 0.04, k2 = p.k2 ?? 5, k3 = p.k3 ?? 140;
  let { v, u } = start;
  const spikes: number[] = [];
  const trace: number[] = [];
  const uTrace: number[] = [];
  for (let k = from; k < to; k++) {
    const t = k * p.dt;
    const I = p.I(t);
    v = v + p.dt * (k1 * v ** 2 + k2 * v + k3 - u + I);
    u = p.accommodation ? u + p.dt * p.a * p.b * (v + 65) : u + p.dt * p.a * (p.b * v - u);
    if (v > 30) {
      spikes.push(t);
      trace.push(30);
      v = p.c;
      u = u + p.d;
    } else {
      trace.push(v);
    }
    uTrace.push(u);
  }
  return { spikes, v: trace, u: uTrace, end: { v, u } };
}

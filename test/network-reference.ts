/**
 * An independent implementation of Izhikevich's 2003 network (net.m) and 2006 network (spnet),
 * written from docs/networks.md and docs/random-numbers.md only, with no import of lib/: the
 * random streams, the connection rules the two networks use, the half-step scheme and the
 * izhikevich2006 learning rule are transcribed from the text, in the order the docs give for
 * every formula. test/networks.test.ts compares the engine's spikes and weights with these.
 *
 * Like the published MATLAB and C code it is written as plain arrays and loops; population
 * indices are global here (0-799 excitatory, 800-999 inhibitory), as in net.m and spnet.
 */

// ---------------------------------------------------------------------------------------------
// Random numbers (docs/random-numbers.md)
// ---------------------------------------------------------------------------------------------

/** Chris Wellons' lowbias32, on and to unsigned 32-bit integers. */
export function lowbias32(input: number): number {
  let x = input >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a over the UTF-16 code units, then lowbias32. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let n = 0; n < s.length; n++) h = Math.imul(h ^ s.charCodeAt(n), 0x01000193);
  return lowbias32(h);
}

/** A node's key: from its seed field when set, else from its id. */
export function nodeKey(id: string, seed?: number): number {
  if (seed !== undefined) return lowbias32((seed ^ 0x5eed5eed) >>> 0);
  return hashString(id);
}

const INITIAL = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344];

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

// the ziggurat's tables, computed as the doc lists them
const ZM = 2 ** 24;
const ZR = 3.442619855899;
const ZV = 9.91256303526217e-3;
const ZK: number[] = new Array<number>(128).fill(0);
const ZW: number[] = new Array<number>(128).fill(0);
const ZF: number[] = new Array<number>(128).fill(0);
{
  const q = ZV / Math.exp(-(ZR * ZR) / 2);
  ZK[0] = (ZR / q) * ZM;
  ZK[1] = 0;
  ZW[0] = q / ZM;
  ZW[127] = ZR / ZM;
  ZF[0] = 1;
  ZF[127] = Math.exp(-(ZR * ZR) / 2);
  let d = ZR;
  let t = ZR;
  for (let i = 126; i >= 1; i--) {
    d = Math.sqrt(-2 * Math.log(ZV / d + Math.exp(-(d * d) / 2)));
    ZK[i + 1] = (d / t) * ZM;
    t = d;
    ZF[i] = Math.exp(-(d * d) / 2);
    ZW[i] = d / ZM;
  }
}

/** xoshiro128** started from an address (a list of unsigned 32-bit words). */
export class Stream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(address: readonly number[]) {
    const state = [0, 0, 0, 0];
    for (let c = 0; c < 4; c++) {
      let h = INITIAL[c];
      for (const w of address) h = lowbias32(h ^ w);
      state[c] = h;
    }
    if (state[0] === 0 && state[1] === 0 && state[2] === 0 && state[3] === 0) state[0] = 1;
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  /** the next 32-bit output, unsigned */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** uniform in (0, 1) */
  uniform(): number {
    return (this.next() + 0.5) / 2 ** 32;
  }

  /** uniform integer in [0, n) */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** standard normal, 128-layer ziggurat */
  gaussian(): number {
    let x = this.next();
    let layer = x & 127;
    let j = (x | 0) >> 7;
    if (Math.abs(j) < ZK[layer]) return j * ZW[layer];
    for (;;) {
      const z = j * ZW[layer];
      if (layer === 0) {
        let a: number;
        let b: number;
        do {
          a = -Math.log(this.uniform()) / ZR;
          b = -Math.log(this.uniform());
        } while (!(b + b >= a * a));
        return j > 0 ? ZR + a : -ZR - a;
      }
      const u = this.uniform();
      if (ZF[layer] + u * (ZF[layer - 1] - ZF[layer]) < Math.exp(-(z * z) / 2)) return z;
      x = this.next();
      layer = x & 127;
      j = (x | 0) >> 7;
      if (Math.abs(j) < ZK[layer]) return j * ZW[layer];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Connection rules (docs/networks.md, "Connection rules"), indices within the ranges
// ---------------------------------------------------------------------------------------------

/**
 * K distinct candidates among 0..M-1 by Floyd's algorithm (or K draws with duplicates),
 * mapped past `own` (the neuron itself, -1 when it is not a candidate), sorted.
 */
export function chooseK(stream: Stream, K: number, M: number, duplicates: boolean, own: number): number[] {
  const chosen: number[] = [];
  if (duplicates) {
    for (let n = 0; n < K; n++) chosen.push(stream.below(M));
  } else {
    const taken = new Set<number>();
    for (let x = M - K; x <= M - 1; x++) {
      const t = stream.below(x + 1);
      if (!taken.has(t)) {
        taken.add(t);
        chosen.push(t);
      } else {
        taken.add(x);
        chosen.push(x);
      }
    }
  }
  const mapped = chosen.map((x) => (own >= 0 && x >= own ? x + 1 : x));
  mapped.sort((p, q) => p - q);
  return mapped;
}

/**
 * Rows of the `probability` rule: targets by geometric gaps, autapses skipped.
 * `own(j)` is j's index among the targets, or -1 when it is not one (or autapses are on).
 */
export function probabilityRows(seed: number, key: number, nPre: number, nPost: number, p: number, own: (j: number) => number): number[][] {
  const rows: number[][] = [];
  for (let j = 0; j < nPre; j++) {
    const stream = new Stream([seed, key, 3, j]);
    const row: number[] = [];
    if (p >= 1) {
      for (let i = 0; i < nPost; i++) if (i !== own(j)) row.push(i);
    } else if (p > 0) {
      let i = Math.floor(Math.log(stream.uniform()) / Math.log(1 - p));
      while (i < nPost) {
        if (i !== own(j)) row.push(i);
        i = i + (1 + Math.floor(Math.log(stream.uniform()) / Math.log(1 - p)));
      }
    }
    rows.push(row);
  }
  return rows;
}

/** Rows of the `in-degree` rule: K sources per target i from [S, key, 3, i], then rows by source. */
export function inDegreeRows(seed: number, key: number, nPre: number, nPost: number, K: number, duplicates: boolean, own: (i: number) => number): number[][] {
  const rows: number[][] = Array.from({ length: nPre }, () => []);
  for (let i = 0; i < nPost; i++) {
    const me = own(i);
    const sources = chooseK(new Stream([seed, key, 3, i]), K, me >= 0 ? nPre - 1 : nPre, duplicates, me);
    for (const j of sources) rows[j].push(i);
  }
  for (const row of rows) row.sort((p, q) => p - q);
  return rows;
}

/** Rows of the `out-degree` rule. */
export function outDegreeRows(seed: number, key: number, nPre: number, nPost: number, K: number, duplicates: boolean, own: (j: number) => number): number[][] {
  const rows: number[][] = [];
  for (let j = 0; j < nPre; j++) {
    const me = own(j);
    rows.push(chooseK(new Stream([seed, key, 3, j]), K, me >= 0 ? nPost - 1 : nPost, duplicates, me));
  }
  return rows;
}

/** `split` delays over 1..D ms (dt 1 ms) of a row of K synapses, from the stream [S, key, 5, j]. */
export function splitDelays(stream: Stream, K: number, D: number): number[] {
  const position: number[] = [];
  for (let n = 0; n < K; n++) position.push(n);
  for (let k = K - 1; k >= 1; k--) {
    const r = stream.below(k + 1);
    const swap = position[k];
    position[k] = position[r];
    position[r] = swap;
  }
  const delay: number[] = new Array<number>(K).fill(0);
  for (let k = 0; k < K; k++) delay[position[k]] = 1 + Math.floor((k * D) / K);
  return delay;
}

// ---------------------------------------------------------------------------------------------
// One population of the half-step scheme (any dt), fed by a constant and a noise source
// ---------------------------------------------------------------------------------------------

export interface HalfStepPopulation {
  /** per-neuron parameters of the 2003 form (k1 0.04, k2 5, k3 140, vpeak 30) */
  a: number[]; b: number[]; c: number[]; d: number[];
  v0: number;
  dt: number;
  /** the shared input: one constant source */
  constant: number;
  /** one noise source: mean, std, and the stream of neuron i */
  mean: number; std: number;
  noise: (i: number) => Stream;
}

/** Runs `steps` steps; the recorded spikes and u of every neuron after every step. */
export function halfStepPopulation(p: HalfStepPopulation, steps: number): Spikes & { u: number[][] } {
  const N = p.a.length;
  const h = p.dt / 2;
  const v: number[] = [];
  const u: number[] = [];
  const noise: Stream[] = [];
  const trace: number[][] = [];
  for (let i = 0; i < N; i++) {
    v.push(p.v0);
    u.push(p.b[i] * p.v0);
    noise.push(p.noise(i));
    trace.push([]);
  }
  const out = { times: [] as number[], indices: [] as number[], u: trace };
  for (let k = 0; k < steps; k++) {
    const shared = 0 + p.constant;
    const buffer: number[] = [];
    for (let i = 0; i < N; i++) buffer.push(0 + (p.mean + p.std * noise[i].gaussian()));
    for (let i = 0; i < N; i++) {
      if (v[i] >= 30) {
        out.times.push(k * p.dt);
        out.indices.push(i);
        v[i] = p.c[i];
        u[i] = u[i] + p.d[i];
      }
    }
    for (let i = 0; i < N; i++) {
      const I = shared + buffer[i];
      v[i] = v[i] + h * ((((0.04 * (v[i] * v[i]) + 5 * v[i]) + 140) - u[i]) + I);
      v[i] = v[i] + h * ((((0.04 * (v[i] * v[i]) + 5 * v[i]) + 140) - u[i]) + I);
      u[i] = u[i] + (p.dt * p.a[i]) * (p.b[i] * v[i] - u[i]);
      trace[i].push(u[i]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The 2003 network (net.m)
// ---------------------------------------------------------------------------------------------

export interface Spikes { times: number[]; indices: number[] }

export interface Net2003Keys {
  /** the run seed S */
  seed: number;
  E: number; I: number;
  noiseE: number; noiseI: number;
  EE: number; EI: number; IE: number; II: number;
}

/**
 * Runs `steps` steps (0 .. steps-1) at dt = 1 ms; spikes per population, indices within it.
 * `onStep`, when given, sees every step's input I (global indices, after the update of that step).
 */
export function network2003(keys: Net2003Keys, steps: number, onStep?: (k: number, input: ArrayLike<number>) => void): { E: Spikes; I: Spikes } {
  const S = keys.seed;
  const Ne = 800;
  const Ni = 200;
  const N = Ne + Ni;
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const d: number[] = [];
  for (let i = 0; i < Ne; i++) {
    const r = new Stream([S, keys.E, 2, i]).uniform();
    a.push(0.02);
    b.push(0.2);
    c.push(-65 + 15 * Math.pow(r, 2));
    d.push(8 - 6 * Math.pow(r, 2));
  }
  for (let i = 0; i < Ni; i++) {
    const r = new Stream([S, keys.I, 2, i]).uniform();
    a.push(0.02 + 0.08 * r);
    b.push(0.25 - 0.05 * r);
    c.push(-65);
    d.push(2);
  }
  const v: number[] = [];
  const u: number[] = [];
  for (let i = 0; i < N; i++) {
    v.push(-65);
    u.push(b[i] * -65);
  }

  // S(post, pre) of net.m, here as rows w[pre][post] over global indices
  const w: Float64Array[] = [];
  for (let j = 0; j < N; j++) w.push(new Float64Array(N));
  const weights = (key: number, preStart: number, nPre: number, postStart: number, nPost: number, low: number, high: number) => {
    for (let j = 0; j < nPre; j++) {
      const stream = new Stream([S, key, 4, j]);
      for (let i = 0; i < nPost; i++) w[preStart + j][postStart + i] = low + (high - low) * stream.uniform();
    }
  };
  weights(keys.EE, 0, Ne, 0, Ne, 0, 0.5);
  weights(keys.EI, 0, Ne, Ne, Ni, 0, 0.5);
  weights(keys.IE, Ne, Ni, 0, Ne, -1, 0);
  weights(keys.II, Ne, Ni, Ne, Ni, -1, 0);

  const noise: Stream[] = [];
  for (let i = 0; i < Ne; i++) noise.push(new Stream([S, keys.noiseE, 1, keys.E, i]));
  for (let i = 0; i < Ni; i++) noise.push(new Stream([S, keys.noiseI, 1, keys.I, i]));
  const std: number[] = [];
  for (let i = 0; i < N; i++) std.push(i < Ne ? 5 : 2);

  const E: Spikes = { times: [], indices: [] };
  const I: Spikes = { times: [], indices: [] };
  const buffer = new Float64Array(N);
  const slot = new Float64Array(N);
  for (let k = 0; k < steps; k++) {
    // sources: noise, one Gaussian per neuron and step
    for (let i = 0; i < N; i++) {
      buffer[i] = 0;
      buffer[i] += 0 + std[i] * noise[i].gaussian();
    }
    // fire: the neurons that crossed the peak in step k - 1 (E first, then I)
    const fired: number[] = [];
    for (let i = 0; i < N; i++) {
      if (v[i] >= 30) {
        fired.push(i);
        if (i < Ne) {
          E.times.push(k);
          E.indices.push(i);
        } else {
          I.times.push(k);
          I.indices.push(i - Ne);
        }
        v[i] = c[i];
        u[i] = u[i] + d[i];
      }
    }
    // their spikes reach every neuron with delay 1: delivered now (lag 1), E's rows before I's
    slot.fill(0);
    for (const j of fired) {
      const row = w[j];
      for (let i = 0; i < N; i++) slot[i] += row[i];
    }
    for (let i = 0; i < N; i++) buffer[i] += slot[i];
    // integrate: two half steps of v, then u
    for (let i = 0; i < N; i++) {
      const input = 0 + buffer[i];
      buffer[i] = input;
      v[i] = v[i] + 0.5 * ((((0.04 * (v[i] * v[i]) + 5 * v[i]) + 140) - u[i]) + input);
      v[i] = v[i] + 0.5 * ((((0.04 * (v[i] * v[i]) + 5 * v[i]) + 140) - u[i]) + input);
      u[i] = u[i] + (1 * a[i]) * (b[i] * v[i] - u[i]);
    }
    onStep?.(k, buffer);
  }
  return { E, I };
}

// ---------------------------------------------------------------------------------------------
// The 2006 network (spnet)
// ---------------------------------------------------------------------------------------------

export interface SpnetKeys {
  seed: number;
  /** the neuron node (one population of 1000) */
  cells: number;
  /** the random-neuron source */
  thalamus: number;
  excitatory: number;
  inhibitory: number;
}

export interface SynapseTable {
  /** presynaptic and target neurons (population indices), delay (steps = ms), weight; CSR order */
  pre: number[]; post: number[]; delay: number[]; weight: number[];
}

export interface SpnetResult extends Spikes {
  excitatory: SynapseTable;
  inhibitory: SynapseTable;
  /** the derivative sd of every excitatory synapse, CSR order */
  sd: number[];
}

/**
 * Runs `steps` steps (0 .. steps-1) at dt = 1 ms; `onStep`, when given, sees every step's input
 * I (after the update of that step).
 */
export function spnet(keys: SpnetKeys, steps: number, onStep?: (k: number, input: ArrayLike<number>) => void): SpnetResult {
  const S = keys.seed;
  const N = 1000;
  const Ne = 800;
  const K = 100; // synapses per neuron
  const D = 20; // maximal delay (ms)
  const aPlus = 0.1;
  const aMinus = 0.12;
  const lambda = Math.pow(0.95, 1);
  const a: number[] = [];
  const d: number[] = [];
  const v: number[] = [];
  const u: number[] = [];
  for (let i = 0; i < N; i++) {
    a.push(i < 800 ? 0.02 : 0.1);
    d.push(i < 800 ? 8 : 2);
    v.push(-65);
    u.push(0.2 * -65);
  }

  // excitatory synapses: rows of 0-799 onto 0-999 without autapses, delays split over 1..20
  const exc: SynapseTable = { pre: [], post: [], delay: [], weight: [] };
  for (let j = 0; j < Ne; j++) {
    const targets = chooseK(new Stream([S, keys.excitatory, 3, j]), K, N - 1, false, j);
    const delays = splitDelays(new Stream([S, keys.excitatory, 5, j]), K, D);
    for (let n = 0; n < K; n++) {
      exc.pre.push(j);
      exc.post.push(targets[n]);
      exc.delay.push(delays[n]);
      exc.weight.push(6);
    }
  }
  const sm = exc.weight; // weights (spnet's s)
  const sd: number[] = new Array<number>(exc.pre.length).fill(0);
  // the plastic synapses onto each target i
  const incoming: number[][] = Array.from({ length: N }, () => []);
  for (let s = 0; s < exc.pre.length; s++) incoming[exc.post[s]].push(s);

  // inhibitory synapses: rows of 800-999 (j = 0..199 in the range) onto 0-799; the presynaptic
  // neuron is never among the targets, so all 800 are candidates
  const inh: SynapseTable = { pre: [], post: [], delay: [], weight: [] };
  for (let j = 0; j < N - Ne; j++) {
    const targets = chooseK(new Stream([S, keys.inhibitory, 3, j]), K, Ne, false, -1);
    for (let n = 0; n < K; n++) {
      inh.pre.push(Ne + j);
      inh.post.push(targets[n]);
      inh.delay.push(1);
      inh.weight.push(-5);
    }
  }

  const thalamus = new Stream([S, keys.thalamus, 7, keys.cells]);
  // LTP trace of the presynaptic neurons for the last D + 1 steps: LTP[j][k mod (D + 1)]
  const LTP: number[][] = Array.from({ length: Ne }, () => new Array<number>(D + 1).fill(0));
  const LTPat = (j: number, step: number) => (step < 0 ? 0 : LTP[j][step % (D + 1)]);
  const LTD: number[] = new Array<number>(N).fill(0);
  // plastic arrivals queued per step of arrival, in the order they were sent
  const queue: number[][] = Array.from({ length: D + 1 }, () => []);
  // the ring buffer of delta synapses onto the population, shared by both synapse nodes
  const ring: number[][] = Array.from({ length: D + 1 }, () => new Array<number>(N).fill(0));
  const buffer: number[] = new Array<number>(N).fill(0);

  const out: SpnetResult = { times: [], indices: [], excitatory: exc, inhibitory: inh, sd };
  for (let k = 0; k < steps; k++) {
    // 1. sources: every ms one neuron drawn uniformly gets 20
    for (let i = 0; i < N; i++) buffer[i] = 0;
    const lucky = thalamus.below(N);
    buffer[lucky] += 20;

    // 2. fire: the neurons with v >= 30 after the last update fire now
    const fired: number[] = [];
    for (let i = 0; i < N; i++) {
      if (v[i] >= 30) {
        fired.push(i);
        out.times.push(k);
        out.indices.push(i);
        v[i] = -65;
        u[i] = u[i] + d[i];
      }
    }
    // excitatory node: LTP traces, then every spike's row queued for its arrival k - 1 + delay
    for (let j = 0; j < Ne; j++) LTP[j][k % (D + 1)] = lambda * LTPat(j, k - 1);
    for (const j of fired) if (j < Ne) LTP[j][k % (D + 1)] = aPlus;
    for (const j of fired) {
      if (j >= Ne) continue;
      for (let s = j * K; s < (j + 1) * K; s++) queue[(k - 1 + exc.delay[s]) % (D + 1)].push(s);
    }
    // inhibitory node: delay 1 arrives in this very step
    for (const j of fired) {
      if (j < Ne) continue;
      for (let s = (j - Ne) * K; s < (j - Ne + 1) * K; s++) {
        const slot = ring[(k - 1 + inh.delay[s]) % (D + 1)];
        slot[inh.post[s]] += inh.weight[s];
      }
    }
    // the plastic node sees its target's spikes: LTD, and potentiation by LTP(k - delay)
    for (const i of fired) {
      LTD[i] = aMinus;
      for (const s of incoming[i]) sd[s] += LTPat(exc.pre[s], k - exc.delay[s]);
    }

    // 3. deliver: plastic arrivals join the ring buffer's slot of this step (after the static
    // weights already there; each depressed by the LTD of its target), then the slot joins the input
    const slot = ring[k % (D + 1)];
    const arriving = queue[k % (D + 1)];
    for (const s of arriving) {
      const i = exc.post[s];
      slot[i] += sm[s];
      sd[s] -= LTD[i];
    }
    arriving.length = 0;
    for (let i = 0; i < N; i++) {
      buffer[i] += slot[i];
      slot[i] = 0;
    }

    // 4. integrate (half-step scheme)
    for (let i = 0; i < N; i++) {
      const input = 0 + buffer[i];
      buffer[i] = input;
      v[i] = v[i] + 0.5 * ((((0.04 * (v[i] * v[i]) + 5 * v[i]) + 140) - u[i]) + input);
      v[i] = v[i] + 0.5 * ((((0.04 * (v[i] * v[i]) + 5 * v[i]) + 140) - u[i]) + input);
      u[i] = u[i] + (1 * a[i]) * (0.2 * v[i] - u[i]);
    }
    onStep?.(k, buffer);

    // 5. plasticity: LTD decays; every 1000 ms the weights move by bias + derivative
    for (let i = 0; i < N; i++) LTD[i] = lambda * LTD[i];
    if ((k + 1) % 1000 === 0) {
      for (let s = 0; s < sm.length; s++) {
        sm[s] = Math.min(Math.max(sm[s] + 0.01 + sd[s], 0), 10);
        sd[s] = 0.9 * sd[s];
      }
    }
  }
  return out;
}

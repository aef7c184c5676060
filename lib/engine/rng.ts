/**
 * Random numbers, decided once for the whole engine (docs/random-numbers.md says it in words, so
 * an independent implementation can reproduce every draw):
 *
 *  - Every random thing draws from its own stream, addressed by a list of 32-bit words:
 *    (run seed, node key, purpose, ... indices), e.g. (seed, key of a noise source, NOISE, key of
 *    the target population, neuron i). A neuron's noise is its own stream, so splitting neurons
 *    across workers cannot change a single draw.
 *  - A stream is xoshiro128** (Blackman & Vigna), whose 128-bit state is four independent
 *    lowbias32 hash chains over the address words, so distinct addresses give distinct states.
 *  - Uniform doubles in (0, 1) are (x + 0.5) / 2^32 for a 32-bit output x; uniform integers in
 *    [0, n) are floor(uniform * n).
 *  - Gaussians come from a 128-layer ziggurat (Marsaglia & Tsang 2000): one 32-bit draw gives
 *    the layer (its low 7 bits) and a signed 25-bit value (its high 25 bits), about 99 % of the
 *    time with no further draw.
 *  - A node's key is the hash of its `seed` field when it has one (so copies of a node draw the
 *    same numbers), otherwise of its id.
 */

/** A 32-bit integer hash with low bias (Chris Wellons' "lowbias32"); a bijection on 32 bits. */
export function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, finished with lowbias32. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return lowbias32(h >>> 0);
}

/** The key of a node's streams: from its seed when it has one, else from its id. */
export function streamKey(id: string, seed?: number | null): number {
  return seed === undefined || seed === null ? hashString(id) : lowbias32((seed >>> 0) ^ 0x5eed5eed);
}

/** What a stream is for (the third address word). */
export const PURPOSE = {
  noise: 1,
  params: 2,
  connect: 3,
  weights: 4,
  delays: 5,
  poisson: 6,
  pick: 7,
} as const;

/** Initial values of the four hash chains that give the four state words. */
const CHAINS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344];

/** Writes the xoshiro128** state of the stream at `address` into state[at .. at + 4). */
export function seedState(state: Int32Array, at: number, address: readonly number[]): void {
  let zero = true;
  for (let w = 0; w < 4; w++) {
    let h = CHAINS[w];
    for (const word of address) h = lowbias32((h ^ word) >>> 0);
    state[at + w] = h;
    if (h !== 0) zero = false;
  }
  if (zero) state[at] = 1; // xoshiro must not start from the all-zero state
}

/** xoshiro128**: the next 32-bit output of the state at state[at .. at + 4). */
export function nextUint32(s: Int32Array, at: number): number {
  const s0 = s[at], s1 = s[at + 1], s2 = s[at + 2], s3 = s[at + 3];
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  s[at + 1] = s1 ^ n2;
  s[at] = s0 ^ n3;
  s[at + 2] = n2 ^ t;
  s[at + 3] = rotl(n3, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const TWO_32 = 4294967296;

/** Uniform in (0, 1), never 0 or 1. */
export function uniformOf(x: number): number {
  return (x + 0.5) / TWO_32;
}

// ---- the ziggurat ----------------------------------------------------------------------------

/** Scale of the 25-bit signed value (2^24). */
const M1 = 16777216;
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const KN = new Float64Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
(function tables() {
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  KN[0] = (dn / q) * M1;
  KN[1] = 0;
  WN[0] = q / M1;
  WN[127] = dn / M1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = (dn / tn) * M1;
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / M1;
  }
})();

/** A standard normal draw from the stream at state[at .. at + 4). */
export function gaussianFrom(s: Int32Array, at: number): number {
  const x = nextUint32(s, at);
  const layer = x & 127;
  const value = (x | 0) >> 7; // signed, in [-2^24, 2^24)
  if (Math.abs(value) < KN[layer]) return value * WN[layer];
  return gaussianSlow(s, at, value, layer);
}

/**
 * out[i] += mean + std * g_i for every i, g_i the next Gaussian of stream i of a bank's state
 * (streams at state[4 i .. 4 i + 4)): the noise loop, with xoshiro128** and the ziggurat's
 * common case written out (the same numbers as gaussianFrom, drawn faster).
 */
export function addGaussians(s: Int32Array, out: Float64Array, mean: number, std: number): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const at = 4 * i;
    const s0 = s[at], s1 = s[at + 1], s2 = s[at + 2], s3 = s[at + 3];
    const m = Math.imul(s1, 5);
    const x = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[at + 1] = s1 ^ n2;
    s[at] = s0 ^ n3;
    s[at + 2] = n2 ^ t;
    s[at + 3] = (n3 << 11) | (n3 >>> 21);
    const layer = x & 127;
    const value = x >> 7; // x is a signed 32-bit integer here: the high 25 bits, signed
    const g = Math.abs(value) < KN[layer] ? value * WN[layer] : gaussianSlow(s, at, value, layer);
    out[i] += mean + std * g;
  }
}

/** The ziggurat's rare cases: the base strip's tail and the wedges. */
function gaussianSlow(s: Int32Array, at: number, value: number, layer: number): number {
  for (;;) {
    const x = value * WN[layer];
    if (layer === 0) {
      let tail: number, y: number;
      do {
        tail = -Math.log(uniformOf(nextUint32(s, at))) / R;
        y = -Math.log(uniformOf(nextUint32(s, at)));
      } while (y + y < tail * tail);
      return value > 0 ? R + tail : -R - tail;
    }
    if (FN[layer] + uniformOf(nextUint32(s, at)) * (FN[layer - 1] - FN[layer]) < Math.exp(-0.5 * x * x)) return x;
    const next = nextUint32(s, at);
    layer = next & 127;
    value = (next | 0) >> 7;
    if (Math.abs(value) < KN[layer]) return value * WN[layer];
  }
}

// ---- streams as objects ------------------------------------------------------------------------

/** One stream (for draws that are not per neuron: a source picking a neuron, a build step). */
export class Stream {
  private readonly state = new Int32Array(4);
  constructor(address: readonly number[]) {
    seedState(this.state, 0, address);
  }
  nextUint32(): number {
    return nextUint32(this.state, 0);
  }
  uniform(): number {
    return uniformOf(nextUint32(this.state, 0));
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(uniformOf(nextUint32(this.state, 0)) * n);
  }
  gaussian(): number {
    return gaussianFrom(this.state, 0);
  }
}

/** One stream per index (neuron, channel), addressed (...prefix, index), in one typed array. */
export class StreamBank {
  /** xoshiro128** states, 4 words per stream (signed storage of the 32-bit words: V8 keeps them small integers) */
  readonly state: Int32Array;
  constructor(readonly size: number, private readonly prefix: readonly number[]) {
    this.state = new Int32Array(4 * size);
    this.reset();
  }
  /** Every stream back to its first draw. */
  reset(): void {
    for (let i = 0; i < this.size; i++) seedState(this.state, 4 * i, [...this.prefix, i]);
  }
  uniform(i: number): number {
    return uniformOf(nextUint32(this.state, 4 * i));
  }
  gaussian(i: number): number {
    return gaussianFrom(this.state, 4 * i);
  }
}

/** Bytes a StreamBank holds per index. */
export const BYTES_PER_STREAM = 16;

/**
 * A small seeded generator for uses outside the network (tests, tools): one stream addressed
 * by (seed). Same seed, same sequence, on every platform.
 */
export class Random extends Stream {
  constructor(seed: number) {
    super([seed >>> 0]);
  }
}

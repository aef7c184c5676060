/**
 * A population (Brian2: NeuronGroup) of N Izhikevich neurons sharing one parameter set.
 * State is struct-of-arrays (one Float64Array per variable) and the hot loop allocates nothing.
 *
 * Two forms of the model:
 *  - 2003 (Izhikevich, IEEE TNN 2003/2004): v' = k1 v^2 + k2 v + k3 - u + I,
 *    u' = a (b v - u)  (or, for pattern R, the accommodation law u' = a b (v + 65)),
 *    spike when v > vpeak (30 mV): v <- c, u <- u + d.
 *  - 2007 (Dynamical Systems in Neuroscience, ch. 8): C v' = k (v - vr)(v - vt) - u + I,
 *    u' = a (b (v - vr) - u), spike when v >= vpeak: v <- c, u <- u + d,
 *    with the book's optional special rules (u-dependent peak and reset, a cap on u, cubic
 *    recovery, b switching with v) so that its LTS, FS, TC and RTN cells can be expressed.
 *
 * Integration schemes (the update applied once per clock step dt, I held for the step):
 *  - izhikevich: published for 2003/2004; v first, then u from the new v (the MATLAB scripts of
 *    those papers); the default of the 2003 form;
 *  - euler: forward Euler, both variables from the old state: the loop of the 2007 book (the
 *    listing of its Fig. 8.5); the default of the 2007 form;
 *  - rk4: classical Runge-Kutta of order 4.
 */
import { ConfigError, isBlank, oneOf, optionalNumber, toNumber } from './validate';

export const SCHEMES = ['izhikevich', 'euler', 'rk4'] as const;
export type Scheme = (typeof SCHEMES)[number];
export const RECOVERY_LAWS = ['standard', 'accommodation'] as const;
export type RecoveryLaw = (typeof RECOVERY_LAWS)[number];
export const FORMS = ['2003', '2007'] as const;
export type Form = (typeof FORMS)[number];

/** The scheme each form was published with, used when `scheme` is blank or absent. */
export const DEFAULT_SCHEME: Readonly<Record<Form, Scheme>> = { '2003': 'izhikevich', '2007': 'euler' };

/** Largest population one node may hold (state costs BYTES_PER_NEURON each). */
export const MAX_POPULATION = 10_000_000;

export interface Params2003 {
  form: '2003';
  a: number; b: number; c: number; d: number;
  v0: number; u0: number;
  k1: number; k2: number; k3: number;
  vpeak: number;
  recovery: RecoveryLaw;
}

export interface Params2007 {
  form: '2007';
  C: number; k: number; vr: number; vt: number; vpeak: number;
  a: number; b: number; c: number; d: number;
  v0: number; u0: number;
  /** spike when v >= vpeak + peakU * u (book LTS: -0.1, TC: +0.1) */
  peakU: number;
  /** reset v <- c + resetU * u (book LTS: 0.04, TC: -0.1) */
  resetU: number;
  /** cap after the reset u <- min(u + d, uMax) (book LTS: 670) */
  uMax: number;
  /** cubic recovery U(v) = b (v - vb)^3 for v >= vb, else 0 (book FS, vb = -55); null: linear */
  vb: number | null;
  /** while v > bSwitchV, b is replaced by bAbove (book TC: 0, RTN: 2 above -65 mV); null: off */
  bSwitchV: number | null;
  bAbove: number;
}

export type NeuronParams = Params2003 | Params2007;

export interface NeuronSpec {
  size: number;
  scheme: Scheme;
  params: NeuronParams;
}

/** The fields a user may set, with the defaults of the 2003 form's tonic spiking neuron. */
export type RawNeuronConfig = Record<string, unknown>;

/**
 * Validates and completes a neuron description (as found in a node's config or a message).
 * Blank u0 means b * v0 (2003) or 0 (2007); blank v0 means -65 (2003) or vr (2007); a blank
 * scheme means the form's published one (DEFAULT_SCHEME).
 */
export function normalizeNeuron(raw: RawNeuronConfig): NeuronSpec {
  const size = optionalNumber('size', raw.size, 1, { integer: true, min: 1, max: MAX_POPULATION });
  const form = oneOf('form', raw.form, FORMS, '2003');
  const scheme = oneOf('scheme', raw.scheme, SCHEMES, DEFAULT_SCHEME[form]);
  return { size, scheme, params: form === '2003' ? normalize2003(raw) : normalize2007(raw) };
}

function normalize2003(raw: RawNeuronConfig): Params2003 {
  const a = toNumber('a', raw.a);
  const b = toNumber('b', raw.b);
  const c = toNumber('c', raw.c);
  const d = toNumber('d', raw.d);
  const v0 = optionalNumber('v0', raw.v0, -65);
  const vpeak = optionalNumber('vpeak', raw.vpeak, 30);
  if (c >= vpeak) throw new ConfigError('c', raw.c, `must be below the spike peak vpeak = ${vpeak} mV, or the neuron would spike forever`);
  return {
    form: '2003', a, b, c, d, v0,
    u0: isBlank(raw.u0) ? defaultU0(b, v0) : toNumber('u0', raw.u0),
    k1: optionalNumber('k1', raw.k1, 0.04),
    k2: optionalNumber('k2', raw.k2, 5),
    k3: optionalNumber('k3', raw.k3, 140),
    vpeak,
    recovery: oneOf('recovery', raw.recovery, RECOVERY_LAWS, 'standard'),
  };
}

function normalize2007(raw: RawNeuronConfig): Params2007 {
  const vr = toNumber('vr', raw.vr);
  const vpeak = toNumber('vpeak', raw.vpeak);
  const c = toNumber('c', raw.c);
  if (c >= vpeak) throw new ConfigError('c', raw.c, `must be below the spike peak vpeak = ${vpeak} mV`);
  const vbRaw = raw.vb;
  const switchRaw = raw.bSwitchV;
  return {
    form: '2007',
    C: toNumber('C', raw.C, { above: 0 }),
    k: toNumber('k', raw.k),
    vr,
    vt: toNumber('vt', raw.vt),
    vpeak,
    a: toNumber('a', raw.a),
    b: toNumber('b', raw.b),
    c,
    d: toNumber('d', raw.d),
    v0: optionalNumber('v0', raw.v0, vr),
    u0: optionalNumber('u0', raw.u0, 0),
    peakU: optionalNumber('peakU', raw.peakU, 0),
    resetU: optionalNumber('resetU', raw.resetU, 0),
    uMax: optionalNumber('uMax', raw.uMax, Infinity),
    vb: isBlank(vbRaw) ? null : toNumber('vb', vbRaw),
    bSwitchV: isBlank(switchRaw) ? null : toNumber('bSwitchV', switchRaw),
    bAbove: optionalNumber('bAbove', raw.bAbove, 0),
  };
}


/** The default u0 = b * v0, refused when the product overflows (huge b or v0). */
function defaultU0(b: number, v0: number): number {
  const product = b * v0;
  if (!Number.isFinite(product)) throw new ConfigError('u0', `b·v0 = ${b}·${v0}`, 'defaults to b·v0, which is not a finite number here; give u0 explicitly');
  return product;
}

/** Bytes of state held per neuron (v, u, last spike step, spike buffer). */
export const BYTES_PER_NEURON = 8 + 8 + 8 + 4;

export class NeuronGroup {
  readonly size: number;
  readonly v: Float64Array;
  readonly u: Float64Array;
  /** step index of each neuron's last spike, -1 if none */
  readonly lastSpikeStep: Float64Array;
  /** indices of the neurons that spiked in the last step: spikeIndices[0 .. spikeCount) */
  readonly spikeIndices: Int32Array;
  spikeCount = 0;
  /** spikes of all neurons since the last reset */
  totalSpikes = 0;
  /** the input of the last step: a value shared by all plus an optional per-neuron part */
  inputShared = 0;
  inputPerNeuron: Float64Array | null = null;
  private spec: NeuronSpec;
  private model: Model;

  constructor(spec: NeuronSpec) {
    this.spec = spec;
    this.model = modelOf(spec.params);
    this.size = spec.size;
    this.v = new Float64Array(spec.size);
    this.u = new Float64Array(spec.size);
    this.lastSpikeStep = new Float64Array(spec.size);
    this.spikeIndices = new Int32Array(spec.size);
    this.reset();
  }

  get params(): NeuronParams {
    return this.spec.params;
  }

  get scheme(): Scheme {
    return this.spec.scheme;
  }

  /** The value a state monitor shows for v in the step of a spike (the published figures draw the peak). */
  get peakValue(): number {
    return this.spec.params.vpeak;
  }

  /** Back to v0, u0 with no spikes. */
  reset(): void {
    this.v.fill(this.spec.params.v0);
    this.u.fill(this.spec.params.u0);
    this.lastSpikeStep.fill(-1);
    this.spikeCount = 0;
    this.totalSpikes = 0;
    this.inputShared = 0;
    this.inputPerNeuron = null;
  }

  /** New parameters (same size), taking effect from the next step; the state is kept. */
  setSpec(spec: NeuronSpec): void {
    if (spec.size !== this.size) throw new ConfigError('size', spec.size, `cannot change while the network exists (it is ${this.size}); redeploy or reset the clock`);
    this.spec = spec;
    this.model = modelOf(spec.params);
  }

  /** Input current seen by neuron i in the last step. */
  inputOf(i: number): number {
    return this.inputPerNeuron ? this.inputShared + this.inputPerNeuron[i] : this.inputShared;
  }

  /**
   * Advances every neuron by one step of dt at grid step `step` with input
   * I_i = shared + perNeuron[i]. Records spikes into spikeIndices/spikeCount.
   */
  step(step: number, dt: number, shared: number, perNeuron: Float64Array | null): void {
    this.inputShared = shared;
    this.inputPerNeuron = perNeuron;
    const p = this.spec.params;
    if (p.form === '2003' && p.recovery === 'standard' && this.spec.scheme === 'izhikevich') {
      this.stepPublished(p, step, dt, shared, perNeuron);
    } else {
      this.stepGeneral(step, dt, shared, perNeuron);
    }
  }

  /** The published 2003/2004 update, in exactly the order of the MATLAB scripts. The fast path. */
  private stepPublished(p: Params2003, step: number, dt: number, shared: number, perNeuron: Float64Array | null): void {
    const V = this.v, U = this.u, last = this.lastSpikeStep, spikes = this.spikeIndices;
    const { k1, k2, k3, b, c, d, vpeak } = p;
    const dta = dt * p.a; // MATLAB evaluates tau*a*(b*V-u) as (tau*a)*(b*V-u)
    const n = this.size;
    let count = 0;
    let sum = 0; // finite unless some v or u is not (or the sum overflows): checked once per step
    if (perNeuron === null) {
      for (let i = 0; i < n; i++) {
        let v = V[i];
        let u = U[i];
        v = v + dt * (k1 * (v * v) + k2 * v + k3 - u + shared);
        u = u + dta * (b * v - u);
        if (v > vpeak) {
          v = c;
          u = u + d;
          spikes[count++] = i;
          last[i] = step;
        }
        V[i] = v;
        U[i] = u;
        sum += v + u;
      }
    } else {
      for (let i = 0; i < n; i++) {
        let v = V[i];
        let u = U[i];
        v = v + dt * (k1 * (v * v) + k2 * v + k3 - u + (shared + perNeuron[i]));
        u = u + dta * (b * v - u);
        if (v > vpeak) {
          v = c;
          u = u + d;
          spikes[count++] = i;
          last[i] = step;
        }
        V[i] = v;
        U[i] = u;
        sum += v + u;
      }
    }
    this.spikeCount = count;
    this.totalSpikes += count;
    if (!Number.isFinite(sum)) this.checkFinite(step);
  }

  /** Throws a NonFiniteStateError for the first neuron whose v or u is not a finite number. */
  private checkFinite(step: number): void {
    for (let i = 0; i < this.size; i++) {
      if (!Number.isFinite(this.v[i]) || !Number.isFinite(this.u[i])) throw new NonFiniteStateError(i, step, this.v[i], this.u[i]);
    }
  }

  /** Every other combination of form, recovery law and scheme. */
  private stepGeneral(step: number, dt: number, shared: number, perNeuron: Float64Array | null): void {
    const V = this.v, U = this.u, last = this.lastSpikeStep, spikes = this.spikeIndices;
    const scheme = this.spec.scheme;
    const model = this.model;
    const n = this.size;
    let count = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const I = perNeuron === null ? shared : shared + perNeuron[i];
      let v = V[i];
      let u = U[i];
      if (scheme === 'izhikevich') {
        v = model.eulerV(v, u, I, dt);
        u = model.eulerU(v, u, dt);
      } else if (scheme === 'euler') {
        const vNew = model.eulerV(v, u, I, dt);
        u = model.eulerU(v, u, dt);
        v = vNew;
      } else {
        const k1v = model.dv(v, u, I), k1u = model.du(v, u);
        const k2v = model.dv(v + 0.5 * dt * k1v, u + 0.5 * dt * k1u, I), k2u = model.du(v + 0.5 * dt * k1v, u + 0.5 * dt * k1u);
        const k3v = model.dv(v + 0.5 * dt * k2v, u + 0.5 * dt * k2u, I), k3u = model.du(v + 0.5 * dt * k2v, u + 0.5 * dt * k2u);
        const k4v = model.dv(v + dt * k3v, u + dt * k3u, I), k4u = model.du(v + dt * k3v, u + dt * k3u);
        v = v + (dt / 6) * (k1v + 2 * k2v + 2 * k3v + k4v);
        u = u + (dt / 6) * (k1u + 2 * k2u + 2 * k3u + k4u);
        if (v !== v) v = Infinity; // a blow-up inside the step is a spike, not a NaN
      }
      if (model.crossed(v, u)) {
        v = model.resetV(u);
        u = model.resetU(u);
        spikes[count++] = i;
        last[i] = step;
      }
      V[i] = v;
      U[i] = u;
      sum += v + u;
    }
    this.spikeCount = count;
    this.totalSpikes += count;
    if (!Number.isFinite(sum)) this.checkFinite(step);
  }
}

/**
 * A neuron whose state stopped being a finite number (e.g. u0 = 1e300 overflows v² in the
 * first steps): the run cannot go on meaningfully, so it ends with this error.
 */
export class NonFiniteStateError extends Error {
  constructor(readonly neuron: number, readonly step: number, readonly v: number, readonly u: number) {
    super(`neuron ${neuron} left the range of finite numbers at step ${step} (v = ${v}, u = ${u}); the parameters or the input drive it beyond what floating point can hold`);
    this.name = 'NonFiniteStateError';
  }
}

function modelOf(p: NeuronParams): Model {
  return p.form === '2003' ? new Model2003(p) : new Model2007(p);
}

/** Right-hand sides and reset rules of one form; `euler*` keep the published evaluation order. */
interface Model {
  dv(v: number, u: number, I: number): number;
  du(v: number, u: number): number;
  eulerV(v: number, u: number, I: number, dt: number): number;
  eulerU(v: number, u: number, dt: number): number;
  crossed(v: number, u: number): boolean;
  resetV(u: number): number;
  resetU(u: number): number;
}

class Model2003 implements Model {
  constructor(private readonly p: Params2003) {}
  dv(v: number, u: number, I: number): number {
    const p = this.p;
    return p.k1 * (v * v) + p.k2 * v + p.k3 - u + I;
  }
  du(v: number, u: number): number {
    const p = this.p;
    return p.recovery === 'standard' ? p.a * (p.b * v - u) : p.a * p.b * (v + 65);
  }
  eulerV(v: number, u: number, I: number, dt: number): number {
    return v + dt * this.dv(v, u, I);
  }
  eulerU(v: number, u: number, dt: number): number {
    const p = this.p;
    // MATLAB order: u + tau*a*(b*V-u) and, for pattern R, u + tau*a*b*(V+65)
    return p.recovery === 'standard' ? u + dt * p.a * (p.b * v - u) : u + dt * p.a * p.b * (v + 65);
  }
  crossed(v: number): boolean {
    return v > this.p.vpeak;
  }
  resetV(): number {
    return this.p.c;
  }
  resetU(u: number): number {
    return u + this.p.d;
  }
}

class Model2007 implements Model {
  constructor(private readonly p: Params2007) {}
  private bAt(v: number): number {
    const p = this.p;
    return p.bSwitchV !== null && v > p.bSwitchV ? p.bAbove : p.b;
  }
  private target(v: number): number {
    const p = this.p;
    if (p.vb !== null) {
      if (v < p.vb) return 0;
      const x = v - p.vb;
      return this.bAt(v) * x * x * x;
    }
    return this.bAt(v) * (v - p.vr);
  }
  dv(v: number, u: number, I: number): number {
    const p = this.p;
    return (p.k * (v - p.vr) * (v - p.vt) - u + I) / p.C;
  }
  du(v: number, u: number): number {
    return this.p.a * (this.target(v) - u);
  }
  eulerV(v: number, u: number, I: number, dt: number): number {
    const p = this.p;
    // the book's order: v + tau*(k*(v-vr)*(v-vt)-u+I)/C
    return v + (dt * (p.k * (v - p.vr) * (v - p.vt) - u + I)) / p.C;
  }
  eulerU(v: number, u: number, dt: number): number {
    return u + dt * this.p.a * (this.target(v) - u);
  }
  crossed(v: number, u: number): boolean {
    return v >= this.p.vpeak + this.p.peakU * u;
  }
  resetV(u: number): number {
    return this.p.c + this.p.resetU * u;
  }
  resetU(u: number): number {
    return Math.min(u + this.p.d, this.p.uMax);
  }
}

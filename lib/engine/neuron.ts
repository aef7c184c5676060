/**
 * A population (Brian2: NeuronGroup) of N Izhikevich neurons. State is struct-of-arrays (one
 * Float64Array per variable) and the hot loops allocate nothing.
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
 *  - izhikevich-net: the half-step scheme of the published networks (2003 net.m, 2006 spnet):
 *    v advances in two half-steps of dt/2 with u and I held, then u a full step from the new v;
 *    a neuron with v >= vpeak after its update fires at the start of the next step, where its
 *    spike is recorded and it is reset (docs/networks.md);
 *  - euler: forward Euler, both variables from the old state: the loop of the 2007 book (the
 *    listing of its Fig. 8.5); the default of the 2007 form;
 *  - rk4: classical Runge-Kutta of order 4.
 *
 * Any parameter may differ per neuron: a text such as `-65 + 15 * r^2` is an expression of the
 * neuron's index i, the population size N and seeded uniform draws r, r2, ..., r9 that one
 * neuron shares between all its parameters (net 2003 draws one r for both c and d). The draws
 * come from the stream (run seed, population key, PARAMS, i) of lib/engine/rng.ts, in order:
 * r is the first, r2 the second, ... Per-neuron values live in typed arrays; a population whose
 * dynamics are uniform keeps the scalar fast path.
 */
import { compileFormula, type CompiledFormula } from './expression';
import { PURPOSE, seedState, nextUint32, uniformOf } from './rng';
import { fieldOf, FORMS, MAX_POPULATION, readChoice, readerOf, RECOVERY_LAWS, ruleOf, schemaFor, SCHEMES } from './schema';
import { ConfigError, isBlank, toNumber } from './validate';
import { LocalizedError, message } from './messages';

/**
 * The forms, schemes, recovery laws and every parameter's default and bounds are the schema's
 * (lib/engine/schema.ts); MAX_POPULATION is the largest population one node may hold (state
 * costs BYTES_PER_NEURON each).
 */
export { FORMS, MAX_POPULATION, RECOVERY_LAWS, SCHEMES };
export type Scheme = (typeof SCHEMES)[number];
export type RecoveryLaw = (typeof RECOVERY_LAWS)[number];
export type Form = (typeof FORMS)[number];

const NEURON_FORMS = schemaFor('izh-neuron').forms!;

/** The scheme each form was published with, used when `scheme` is blank or absent. */
export const DEFAULT_SCHEME: Readonly<Record<Form, Scheme>> = { '2003': NEURON_FORMS['2003'].scheme as Scheme, '2007': NEURON_FORMS['2007'].scheme as Scheme };

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
  /** the parameters; a per-neuron one is NaN here and its expression is in perNeuron */
  params: NeuronParams;
  /** per-neuron parameters: name -> expression of i, N, r, r2, ... (empty when all are uniform) */
  perNeuron: Record<string, CompiledFormula>;
}

/** Variables of a per-neuron parameter expression. */
export const NEURON_VARIABLES = ['i', 'N', 'r', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9'] as const;

/** Numeric parameters of each form (the ones that may differ per neuron). */
export const NUMERIC_PARAMETERS: Readonly<Record<Form, readonly string[]>> = {
  '2003': NEURON_FORMS['2003'].params.filter((p) => p.kind === 'number').map((p) => p.name),
  '2007': NEURON_FORMS['2007'].params.filter((p) => p.kind === 'number').map((p) => p.name),
};

/** A spec's parameter as people read it: its value, or its per-neuron expression. */
export function parameterText(spec: NeuronSpec, name: string): string {
  const formula = spec.perNeuron[name];
  return formula ? formula.text : String((spec.params as unknown as Record<string, unknown>)[name]);
}

/** The fields a user may set, with the defaults of the 2003 form's tonic spiking neuron. */
export type RawNeuronConfig = Record<string, unknown>;

/**
 * Validates and completes a neuron description (as found in a node's config or a message).
 * Blank u0 means b * v0 (2003) or 0 (2007); blank v0 means -65 (2003) or vr (2007); a blank
 * scheme means the form's published one (DEFAULT_SCHEME).
 */
export function normalizeNeuron(raw: RawNeuronConfig): NeuronSpec {
  const node = readerOf('izh-neuron', raw);
  const size = node.number('size');
  const form = node.choice<Form>('form');
  const scheme = node.choice<Scheme>('scheme', DEFAULT_SCHEME[form]);
  const perNeuron: Record<string, CompiledFormula> = {};
  const read = new ParameterReader(raw, perNeuron, form);
  const params = form === '2003' ? normalize2003(raw, read) : normalize2007(raw, read);
  if (scheme === 'izhikevich-net' && params.form === '2003' && params.recovery !== 'standard') {
    throw new ConfigError('scheme', scheme, message('errors.halfStepScheme'));
  }
  return { size, scheme, params, perNeuron };
}

/** Reads numeric parameters: a number, or a per-neuron expression (recorded in `perNeuron`, NaN returned). */
class ParameterReader {
  constructor(private readonly raw: RawNeuronConfig, private readonly perNeuron: Record<string, CompiledFormula>, private readonly form: Form) {}

  /** A parameter that must be given (or one whose blank the caller handled), with the schema's bounds. */
  number(field: string): number {
    const rule = ruleOf(fieldOf('izh-neuron', field, {}, this.form));
    const value = this.raw[field];
    try {
      return toNumber(field, value, rule);
    } catch (e) {
      const formula = this.formula(field, value);
      if (!formula) throw e;
      this.perNeuron[field] = formula;
      return NaN;
    }
  }

  /** A parameter whose blank is the schema's default. */
  optional(field: string): number {
    const fallback = fieldOf('izh-neuron', field, {}, this.form).default;
    return isBlank(this.raw[field]) ? (fallback as number) : this.number(field);
  }

  /** A parameter whose blank turns a rule off (vb, bSwitchV): null when blank. */
  nullable(field: string): number | null {
    return isBlank(this.raw[field]) ? null : this.number(field);
  }

  choice<T extends string>(field: string): T {
    return readChoice<T>(fieldOf('izh-neuron', field, {}, this.form), this.raw[field]);
  }

  /** A per-neuron expression, when the text is one (it uses i, N or r...); null otherwise. */
  private formula(field: string, value: unknown): CompiledFormula | null {
    if (typeof value !== 'string' || !/[A-Za-z]/.test(value) || !/\b(i|N|r[2-9]?)\b/.test(value)) return null;
    const formula = compileFormula(value, field, NEURON_VARIABLES);
    if (formula.uses.size === 0) return null;
    return formula;
  }
}

function normalize2003(raw: RawNeuronConfig, read: ParameterReader): Params2003 {
  const a = read.number('a');
  const b = read.number('b');
  const c = read.number('c');
  const d = read.number('d');
  const v0 = read.optional('v0');
  const vpeak = read.optional('vpeak');
  checkBelowPeak(c, vpeak, raw.c);
  return {
    form: '2003', a, b, c, d, v0,
    u0: isBlank(raw.u0) ? defaultU0(b, v0) : read.number('u0'),
    k1: read.optional('k1'),
    k2: read.optional('k2'),
    k3: read.optional('k3'),
    vpeak,
    recovery: read.choice<RecoveryLaw>('recovery'),
  };
}

function normalize2007(raw: RawNeuronConfig, read: ParameterReader): Params2007 {
  const vr = read.number('vr');
  const vpeak = read.number('vpeak');
  const c = read.number('c');
  checkBelowPeak(c, vpeak, raw.c);
  return {
    form: '2007',
    C: read.number('C'),
    k: read.number('k'),
    vr,
    vt: read.number('vt'),
    vpeak,
    a: read.number('a'),
    b: read.number('b'),
    c,
    d: read.number('d'),
    v0: isBlank(raw.v0) ? vr : read.number('v0'),
    u0: read.optional('u0'),
    peakU: read.optional('peakU'),
    resetU: read.optional('resetU'),
    uMax: read.optional('uMax'),
    vb: read.nullable('vb'),
    bSwitchV: read.nullable('bSwitchV'),
    bAbove: read.optional('bAbove'),
  };
}

/** c must be below the peak (NaN, a per-neuron value, is checked per neuron when the population is built). */
function checkBelowPeak(c: number, vpeak: number, raw: unknown, neuron?: number): void {
  if (c >= vpeak) {
    throw new ConfigError('c', neuron === undefined ? raw : c, neuron === undefined ? message('errors.belowPeak', { vpeak }) : message('errors.belowPeakNeuron', { vpeak, neuron }));
  }
}

/** The default u0 = b * v0, refused when the product overflows (huge b or v0). */
function defaultU0(b: number, v0: number, neuron?: number): number {
  const product = b * v0;
  if (Number.isNaN(product) && (Number.isNaN(b) || Number.isNaN(v0)) && neuron === undefined) return NaN; // per neuron
  if (!Number.isFinite(product)) {
    throw new ConfigError('u0', `b·v0 = ${b}·${v0}`, neuron === undefined ? message('errors.u0Overflow') : message('errors.u0OverflowNeuron', { neuron }));
  }
  return product;
}

/** Bytes of state held per neuron (v, u, last spike step, spike buffer). */
export const BYTES_PER_NEURON = 8 + 8 + 8 + 4;

/** Bytes a population holds: the state, per-neuron parameters, and the pending spikes of the half-step scheme. */
export function neuronBytes(spec: NeuronSpec): number {
  const perNeuron = Object.keys(spec.perNeuron).length;
  const dynamics = perNeuron > 0 ? NUMERIC_PARAMETERS[spec.params.form].length : 0;
  return spec.size * (BYTES_PER_NEURON + 8 * dynamics + (spec.scheme === 'izhikevich-net' ? 4 : 0));
}

/** Where a population's per-neuron draws come from: the run seed and the population's stream key. */
export interface PopulationRandom {
  seed: number;
  key: number;
}

/** Anything that emits spikes step by step: a population of neurons or a spike generator. */
export interface SpikingGroup {
  readonly size: number;
  /** indices of the neurons that spiked in the current step: spikeIndices[0 .. spikeCount) */
  readonly spikeIndices: Int32Array;
  spikeCount: number;
  /** spikes since the last reset */
  totalSpikes: number;
  /**
   * Steps between a spike's crossing and its recording: 0 when a spike is recorded in the step
   * it happens, 1 for the half-step scheme (crossing in step k - 1, recorded at the start of k).
   * A synapse of delay d delivers at (recording step - lag + d).
   */
  readonly lag: number;
}

export class NeuronGroup implements SpikingGroup {
  readonly size: number;
  readonly v: Float64Array;
  readonly u: Float64Array;
  /** step index of each neuron's last spike, -1 if none */
  readonly lastSpikeStep: Float64Array;
  readonly spikeIndices: Int32Array;
  spikeCount = 0;
  totalSpikes = 0;
  /** the input of the last step: a value shared by all plus an optional per-neuron part */
  inputShared = 0;
  inputPerNeuron: Float64Array | null = null;
  /** the half-step scheme: neurons that reached the peak in the last update, firing at the next step */
  private pending: Int32Array | null = null;
  private pendingCount = 0;
  private spec: NeuronSpec;
  private model: Model;
  /** per-neuron values of every parameter, when any differs per neuron (else null) */
  private values: Map<string, Float64Array> | null = null;
  /** the 2003 form with per-neuron k1, k2, k3 or vpeak: only the general path handles it */
  private curveVaries = false;
  /** the general path of per-neuron populations: parameters of the current neuron, and a model reading them */
  private scratch: NeuronParams;
  private scratchModel: Model;

  constructor(spec: NeuronSpec, private readonly random: PopulationRandom = { seed: 1, key: 0 }) {
    this.size = spec.size;
    this.v = new Float64Array(spec.size);
    this.u = new Float64Array(spec.size);
    this.lastSpikeStep = new Float64Array(spec.size);
    this.spikeIndices = new Int32Array(spec.size);
    this.spec = spec;
    this.model = modelOf(spec.params);
    this.scratch = { ...spec.params };
    this.scratchModel = modelOf(this.scratch);
    this.values = this.materialize(spec);
    this.curveVaries = ['k1', 'k2', 'k3', 'vpeak'].some((name) => name in spec.perNeuron);
    this.reset();
  }

  get params(): NeuronParams {
    return this.spec.params;
  }

  get scheme(): Scheme {
    return this.spec.scheme;
  }

  get lag(): number {
    return this.spec.scheme === 'izhikevich-net' ? 1 : 0;
  }

  /** Spikes are found at the start of a step (half-step scheme) rather than after the update. */
  get firesAtStart(): boolean {
    return this.spec.scheme === 'izhikevich-net';
  }

  /** The value a state monitor shows for v: the peak in the step of a spike, as the published figures draw it. */
  displayV(i: number, step: number): number {
    const peak = this.values ? this.values.get('vpeak')![i] : this.spec.params.vpeak;
    if (this.firesAtStart) return this.v[i] >= peak ? peak : this.v[i];
    return this.lastSpikeStep[i] === step ? peak : this.v[i];
  }

  /** A parameter's value for neuron i. */
  valueOf(name: string, i: number): number {
    const values = this.values?.get(name);
    return values ? values[i] : (this.spec.params as unknown as Record<string, number>)[name];
  }

  /** Back to v0, u0 with no spikes. */
  reset(): void {
    const p = this.spec.params;
    const values = this.values;
    if (values) {
      this.v.set(values.get('v0')!);
      this.u.set(values.get('u0')!);
    } else {
      this.v.fill(p.v0);
      this.u.fill(p.u0);
    }
    this.lastSpikeStep.fill(-1);
    this.spikeCount = 0;
    this.totalSpikes = 0;
    this.inputShared = 0;
    this.inputPerNeuron = null;
    this.findPending();
  }

  /** New parameters (same size), taking effect from the next step; the state is kept. */
  setSpec(spec: NeuronSpec): void {
    if (spec.size !== this.size) throw new ConfigError('size', spec.size, message('errors.sizeFixed', { size: this.size }));
    const values = this.materialize(spec); // may refuse the spec: nothing changed yet
    this.spec = spec;
    this.model = modelOf(spec.params);
    this.scratch = { ...spec.params };
    this.scratchModel = modelOf(this.scratch);
    this.values = values;
    this.curveVaries = ['k1', 'k2', 'k3', 'vpeak'].some((name) => name in spec.perNeuron);
    this.findPending();
  }

  /**
   * Per-neuron values of every numeric parameter when any is per neuron: expressions evaluated
   * with the neuron's draws, uniform ones repeated, defaults derived per neuron (u0 = b·v0 in
   * the 2003 form, v0 = vr in the 2007 form), each checked like a uniform value.
   */
  private materialize(spec: NeuronSpec): Map<string, Float64Array> | null {
    const formulas = Object.entries(spec.perNeuron);
    if (formulas.length === 0) return null;
    const n = spec.size;
    const p = spec.params as unknown as Record<string, number | null | string>;
    const names = NUMERIC_PARAMETERS[spec.params.form];
    const values = new Map(names.map((name) => [name, new Float64Array(n)]));
    let draws = 0;
    for (const [, f] of formulas) for (const name of f.uses) if (name.startsWith('r')) draws = Math.max(draws, name === 'r' ? 1 : Number(name.slice(1)));
    const state = new Int32Array(4);
    const scope: Record<string, number> = { i: 0, N: n };
    for (let i = 0; i < n; i++) {
      scope.i = i;
      if (draws > 0) {
        seedState(state, 0, [this.random.seed, this.random.key, PURPOSE.params, i]);
        for (let k = 1; k <= draws; k++) scope[k === 1 ? 'r' : `r${k}`] = uniformOf(nextUint32(state, 0));
      }
      for (const name of names) {
        const formula = spec.perNeuron[name];
        const raw = p[name];
        let x: number;
        if (formula) {
          x = formula.evaluate(scope);
          if (name === 'C' && !(x > 0)) throw new ConfigError('C', x, message('errors.capacitance', { neuron: i, formula: formula.text }));
        } else if (raw === null) x = NaN; // an optional rule that is off (vb, bSwitchV)
        else x = raw as number;
        values.get(name)![i] = x;
      }
      const at = (name: string) => values.get(name)![i];
      if (spec.params.form === '2003') {
        if (!spec.perNeuron.u0 && Number.isNaN(p.u0 as number)) values.get('u0')![i] = defaultU0(at('b'), at('v0'), i);
      } else if (!spec.perNeuron.v0 && Number.isNaN(p.v0 as number)) {
        values.get('v0')![i] = at('vr');
      }
      checkBelowPeak(at('c'), at('vpeak'), at('c'), i);
    }
    return values;
  }

  /** The half-step scheme: which neurons are at or above the peak, to fire at the start of the next step. */
  private findPending(): void {
    if (!this.firesAtStart) {
      this.pending = null;
      return;
    }
    if (!this.pending) this.pending = new Int32Array(this.size);
    let count = 0;
    for (let i = 0; i < this.size; i++) if (this.reached(i)) this.pending[count++] = i;
    this.pendingCount = count;
  }

  private reached(i: number): boolean {
    return this.values ? this.v[i] >= this.values.get('vpeak')![i] + this.peakShift(i) : this.model.reached(this.v[i], this.u[i]);
  }

  private peakShift(i: number): number {
    return this.spec.params.form === '2007' ? this.values!.get('peakU')![i] * this.u[i] : 0;
  }

  /** Input current seen by neuron i in the last step. */
  inputOf(i: number): number {
    return this.inputPerNeuron ? this.inputShared + this.inputPerNeuron[i] : this.inputShared;
  }

  /**
   * One whole step: the spikes due at its start (half-step scheme), then the update with input
   * I_i = shared + perNeuron[i]. A Network calls the two halves as separate phases.
   */
  step(step: number, dt: number, shared: number, perNeuron: Float64Array | null): void {
    this.fire(step);
    this.integrate(step, dt, shared, perNeuron);
  }

  /**
   * The start of step `step`, half-step scheme: the neurons that reached the peak in the last
   * update spike now (recorded at this step) and are reset. Other schemes find spikes in
   * integrate(); here they only forget the last step's.
   */
  fire(step: number): void {
    if (!this.firesAtStart) {
      this.spikeCount = 0;
      return;
    }
    const pending = this.pending!;
    const spikes = this.spikeIndices, last = this.lastSpikeStep;
    const V = this.v, U = this.u;
    const count = this.pendingCount;
    const values = this.values;
    const C = this.spec.params.form === '2003' ? values?.get('c') : undefined;
    const D = this.spec.params.form === '2003' ? values?.get('d') : undefined;
    for (let s = 0; s < count; s++) {
      const i = pending[s];
      spikes[s] = i;
      last[i] = step;
      if (C && D) {
        V[i] = C[i];
        U[i] = U[i] + D[i];
        continue;
      }
      const model = values ? this.load(i) : this.model;
      const u = U[i];
      V[i] = model.resetV(u);
      U[i] = model.resetU(u);
    }
    this.spikeCount = count;
    this.totalSpikes += count;
    this.pendingCount = 0;
  }

  /** Advances every neuron by dt with input I_i = shared + perNeuron[i] and finds the spikes (or, half-step scheme, who fires next). */
  integrate(step: number, dt: number, shared: number, perNeuron: Float64Array | null): void {
    this.inputShared = shared;
    this.inputPerNeuron = perNeuron;
    const p = this.spec.params;
    let sum: number;
    const fast = p.form === '2003' && p.recovery === 'standard' && !this.curveVaries;
    if (fast && this.spec.scheme === 'izhikevich') {
      sum = this.values ? this.stepPublishedPerNeuron(p, step, dt, shared, perNeuron) : this.stepPublished(p, step, dt, shared, perNeuron);
    } else if (fast && this.spec.scheme === 'izhikevich-net') {
      sum = this.values ? this.stepHalvesPerNeuron(p, dt, shared, perNeuron) : this.stepHalves(p, dt, shared, perNeuron);
    } else {
      sum = this.stepGeneral(step, dt, shared, perNeuron);
    }
    if (!Number.isFinite(sum)) this.checkFinite(step);
  }

  /** The published 2003/2004 update, in exactly the order of the MATLAB scripts. The fast path. */
  private stepPublished(p: Params2003, step: number, dt: number, shared: number, perNeuron: Float64Array | null): number {
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
    return sum;
  }

  /** The published update with per-neuron a, b, c, d (heterogeneous populations; k1-k3 and vpeak uniform). */
  private stepPublishedPerNeuron(p: Params2003, step: number, dt: number, shared: number, perNeuron: Float64Array | null): number {
    const V = this.v, U = this.u, last = this.lastSpikeStep, spikes = this.spikeIndices;
    const values = this.values!;
    const A = values.get('a')!, B = values.get('b')!, C = values.get('c')!, D = values.get('d')!;
    const { k1, k2, k3, vpeak } = p;
    const n = this.size;
    let count = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let v = V[i];
      let u = U[i];
      const I = perNeuron === null ? shared : shared + perNeuron[i];
      v = v + dt * (k1 * (v * v) + k2 * v + k3 - u + I);
      u = u + dt * A[i] * (B[i] * v - u);
      if (v > vpeak) {
        v = C[i];
        u = u + D[i];
        spikes[count++] = i;
        last[i] = step;
      }
      V[i] = v;
      U[i] = u;
      sum += v + u;
    }
    this.spikeCount = count;
    this.totalSpikes += count;
    return sum;
  }

  /** The half-step scheme of the published networks, uniform parameters: the networks' fast path. */
  private stepHalves(p: Params2003, dt: number, shared: number, perNeuron: Float64Array | null): number {
    const V = this.v, U = this.u, pending = this.pending!;
    const { k1, k2, k3, b, vpeak } = p;
    const h = dt / 2;
    const dta = dt * p.a;
    const n = this.size;
    let count = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let v = V[i];
      let u = U[i];
      const I = perNeuron === null ? shared : shared + perNeuron[i];
      v = v + h * (k1 * (v * v) + k2 * v + k3 - u + I);
      v = v + h * (k1 * (v * v) + k2 * v + k3 - u + I);
      u = u + dta * (b * v - u);
      if (v >= vpeak) pending[count++] = i;
      V[i] = v;
      U[i] = u;
      sum += v + u;
    }
    this.pendingCount = count;
    return sum;
  }

  /** The half-step scheme with per-neuron a and b (net 2003's heterogeneous populations; k1-k3 and vpeak uniform). */
  private stepHalvesPerNeuron(p: Params2003, dt: number, shared: number, perNeuron: Float64Array | null): number {
    const V = this.v, U = this.u, pending = this.pending!;
    const values = this.values!;
    const A = values.get('a')!, B = values.get('b')!;
    const { k1, k2, k3, vpeak } = p;
    const h = dt / 2;
    const n = this.size;
    let count = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let v = V[i];
      let u = U[i];
      const I = perNeuron === null ? shared : shared + perNeuron[i];
      v = v + h * (k1 * (v * v) + k2 * v + k3 - u + I);
      v = v + h * (k1 * (v * v) + k2 * v + k3 - u + I);
      u = u + dt * A[i] * (B[i] * v - u);
      if (v >= vpeak) pending[count++] = i;
      V[i] = v;
      U[i] = u;
      sum += v + u;
    }
    this.pendingCount = count;
    return sum;
  }

  /** Every other combination of form, recovery law, scheme and per-neuron parameters. */
  private stepGeneral(step: number, dt: number, shared: number, perNeuron: Float64Array | null): number {
    const V = this.v, U = this.u, last = this.lastSpikeStep, spikes = this.spikeIndices;
    const scheme = this.spec.scheme;
    const n = this.size;
    const values = this.values;
    const halves = scheme === 'izhikevich-net';
    const h = dt / 2;
    let count = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const model = values ? this.load(i) : this.model;
      const I = perNeuron === null ? shared : shared + perNeuron[i];
      let v = V[i];
      let u = U[i];
      if (scheme === 'izhikevich') {
        v = model.eulerV(v, u, I, dt);
        u = model.eulerU(v, u, dt);
      } else if (halves) {
        v = model.eulerV(v, u, I, h);
        v = model.eulerV(v, u, I, h);
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
      if (halves) {
        if (model.reached(v, u)) this.pending![count++] = i;
      } else if (model.crossed(v, u)) {
        v = model.resetV(u);
        u = model.resetU(u);
        spikes[count++] = i;
        last[i] = step;
      }
      V[i] = v;
      U[i] = u;
      sum += v + u;
    }
    if (halves) {
      this.pendingCount = count;
    } else {
      this.spikeCount = count;
      this.totalSpikes += count;
    }
    return sum;
  }

  /** The model with neuron i's parameters (per-neuron populations): one scratch copy, rewritten per neuron. */
  private load(i: number): Model {
    const p = this.scratch as unknown as Record<string, unknown>;
    for (const [name, array] of this.values!) {
      const x = array[i];
      p[name] = (name === 'vb' || name === 'bSwitchV') && Number.isNaN(x) ? null : x;
    }
    return this.scratchModel;
  }

  /** Throws a NonFiniteStateError for the first neuron whose v or u is not a finite number. */
  private checkFinite(step: number): void {
    for (let i = 0; i < this.size; i++) {
      if (!Number.isFinite(this.v[i]) || !Number.isFinite(this.u[i])) throw new NonFiniteStateError(i, step, this.v[i], this.u[i]);
    }
  }
}

/**
 * A neuron whose state stopped being a finite number (e.g. u0 = 1e300 overflows v² in the
 * first steps): the run cannot go on meaningfully, so it ends with this error.
 */
export class NonFiniteStateError extends LocalizedError {
  constructor(readonly neuron: number, readonly step: number, readonly v: number, readonly u: number) {
    super(message('errors.nonFinite', { neuron, step, v: String(v), u: String(u) }));
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
  /** spike detection after a single-step update */
  crossed(v: number, u: number): boolean;
  /** the half-step scheme's test: at or above the peak */
  reached(v: number, u: number): boolean;
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
  reached(v: number): boolean {
    return v >= this.p.vpeak;
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
  reached(v: number, u: number): boolean {
    return this.crossed(v, u);
  }
  resetV(u: number): number {
    return this.p.c + this.p.resetU * u;
  }
  resetU(u: number): number {
    return Math.min(u + this.p.d, this.p.uMax);
  }
}

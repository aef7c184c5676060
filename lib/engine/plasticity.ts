/**
 * Learning rules of plastic synapses (docs/networks.md states both step by step).
 *
 * izhikevich2006, the rule of Izhikevich's polychronization network (spnet, 2006):
 *  - a presynaptic spike sets the neuron's LTP trace to aPlus, a postsynaptic spike its LTD
 *    trace to aMinus; both decay by traceDecay per ms (traceDecay^dt per step);
 *  - at a postsynaptic spike in step t, every plastic synapse onto the neuron adds to its
 *    derivative the presynaptic LTP trace read `delay` steps back, LTP_pre(t - delay): a spike
 *    that arrived earlier potentiates; one arriving in the same step potentiates only when its
 *    group records spikes in the step it crosses (lag 0: single-step schemes, generators);
 *  - at an arrival, the synapse's derivative loses the target's current LTD trace (which
 *    already includes a target spike of the same step when the target fires at the start of
 *    its steps, as in the half-step scheme);
 *  - every `period` ms, w <- clip(w + bias + derivative, wMin, wMax), then the derivative is
 *    multiplied by derivativeDecay.
 *
 * stdp, pair-based additive STDP with all-to-all pairing (Song, Miller & Abbott 2000; Brian2's
 * STDP example; NEST's stdp_synapse with mu = 0): every synapse has a presynaptic trace apre
 * and a postsynaptic trace apost, decaying with tauPlus and tauMinus. At an arrival the weight
 * is delivered, then apre += aPlus and w <- clip(w + apost); at a postsynaptic spike
 * apost += aMinus (negative) and w <- clip(w + apre).
 *
 * Within a step the order is fixed: spikes of populations that fire at the start of a step
 * (half-step scheme), then arrivals, then the update and the spikes it finds, then the end of
 * the step (trace decay, periodic updates).
 */
import type { Izhikevich2006Spec, PlasticitySpec, StdpSpec } from './synapses';
import type { Connectivity } from './synapses';

export interface LearningRule {
  /** bytes of state */
  readonly bytes: number;
  /** the presynaptic group's spikes of step `step` (local indices within the projection); called every step */
  preSpikes(step: number, indices: Int32Array, count: number, offset: number): void;
  /** the synapses queue[0 .. n) reached their targets in step `step` (their weights were delivered) */
  arrivals(step: number, queue: Int32Array, n: number, target: Int32Array, weight: Float64Array): void;
  /** the target population's spikes of step `step`; called every step */
  postSpikes(step: number, indices: Int32Array, count: number, weight: Float64Array): void;
  endStep(step: number, weight: Float64Array): void;
  reset(): void;
}

export function createRule(spec: PlasticitySpec, c: Connectivity, dt: number): LearningRule | null {
  switch (spec.rule) {
    case 'none': return null;
    case 'izhikevich2006': return new Izhikevich2006(spec, c, dt);
    case 'stdp': return new PairStdp(spec, c, dt);
  }
}

/** The synapses onto each target neuron (CSC), and each synapse's presynaptic (local) index. */
class Incoming {
  readonly start: Int32Array;
  readonly synapse: Int32Array;
  readonly pre: Int32Array;
  constructor(c: Connectivity, readonly nPost: number) {
    const total = c.target.length;
    this.pre = new Int32Array(total);
    for (let j = 0; j < c.nPre; j++) this.pre.fill(j, c.rowStart[j], c.rowStart[j + 1]);
    this.start = new Int32Array(nPost + 1);
    for (let k = 0; k < total; k++) this.start[c.target[k] + 1]++;
    for (let i = 0; i < nPost; i++) this.start[i + 1] += this.start[i];
    const fill = this.start.slice(0, nPost);
    this.synapse = new Int32Array(total);
    for (let k = 0; k < total; k++) this.synapse[fill[c.target[k]]++] = k;
  }
  get bytes(): number {
    return this.start.byteLength + this.synapse.byteLength + this.pre.byteLength;
  }
}

/** The largest target index + 1: the post population's size as far as the connections reach. */
function postSize(c: Connectivity): number {
  let n = 0;
  for (let k = 0; k < c.target.length; k++) if (c.target[k] >= n) n = c.target[k] + 1;
  return Math.max(n, 1);
}

class Izhikevich2006 implements LearningRule {
  private readonly derivative: Float64Array;
  private readonly ltd: Float64Array;
  /** LTP traces of the presynaptic neurons for the last maxDelay + 1 steps: slot (step % slots) * nPre */
  private readonly history: Float64Array;
  private readonly slots: number;
  private readonly incoming: Incoming;
  private readonly decay: number;
  private readonly periodSteps: number;
  private readonly delay: Uint16Array;
  /** per delay d, the offset of LTP(step - d) in history during postSpikes() */
  private readonly rows: Int32Array;

  constructor(private readonly spec: Izhikevich2006Spec, private readonly c: Connectivity, dt: number) {
    const nPost = postSize(c);
    this.incoming = new Incoming(c, nPost);
    this.derivative = new Float64Array(c.target.length);
    this.ltd = new Float64Array(nPost);
    this.slots = c.maxDelay + 1;
    this.history = new Float64Array(this.slots * c.nPre);
    this.rows = new Int32Array(this.slots);
    this.decay = Math.pow(spec.traceDecay, dt);
    this.periodSteps = Math.round(spec.period / dt);
    this.delay = c.delay;
  }

  get bytes(): number {
    return this.derivative.byteLength + this.ltd.byteLength + this.history.byteLength + this.incoming.bytes;
  }

  preSpikes(step: number, indices: Int32Array, count: number, offset: number): void {
    const n = this.c.nPre;
    const h = this.history;
    const now = (step % this.slots) * n;
    if (step === 0) {
      h.fill(0, now, now + n);
    } else {
      const before = ((step - 1) % this.slots) * n;
      const decay = this.decay;
      for (let j = 0; j < n; j++) h[now + j] = h[before + j] * decay;
    }
    for (let s = 0; s < count; s++) {
      const j = indices[s] - offset;
      if (j >= 0 && j < n) h[now + j] = this.spec.aPlus;
    }
  }

  postSpikes(step: number, indices: Int32Array, count: number): void {
    if (count === 0) return;
    const { start, synapse, pre } = this.incoming;
    const n = this.c.nPre;
    const h = this.history;
    const ltd = this.ltd;
    const sd = this.derivative;
    const delay = this.delay;
    const nPost = ltd.length;
    // where LTP_j(step - d) is kept, for every delay d (steps before 0 read a row of zeros)
    const rows = this.rows;
    for (let d = 1; d < this.slots; d++) rows[d] = step - d >= 0 ? ((step - d) % this.slots) * n : -1;
    for (let s = 0; s < count; s++) {
      const i = indices[s];
      if (i >= nPost) continue; // a neuron no plastic synapse reaches
      ltd[i] = this.spec.aMinus;
      for (let m = start[i], end = start[i + 1]; m < end; m++) {
        const k = synapse[m];
        const row = rows[delay[k]];
        if (row >= 0) sd[k] += h[row + pre[k]];
      }
    }
  }

  arrivals(_step: number, queue: Int32Array, n: number, target: Int32Array): void {
    const sd = this.derivative, ltd = this.ltd;
    for (let a = 0; a < n; a++) {
      const k = queue[a];
      sd[k] -= ltd[target[k]];
    }
  }

  endStep(step: number, weight: Float64Array): void {
    const ltd = this.ltd;
    const decay = this.decay;
    for (let i = 0; i < ltd.length; i++) ltd[i] *= decay;
    if ((step + 1) % this.periodSteps !== 0) return;
    const { bias, derivativeDecay, wMin, wMax } = this.spec;
    const sd = this.derivative;
    for (let k = 0; k < sd.length; k++) {
      const w = weight[k] + bias + sd[k];
      weight[k] = w > wMax ? wMax : w < wMin ? wMin : w;
      sd[k] *= derivativeDecay;
    }
  }

  reset(): void {
    this.derivative.fill(0);
    this.ltd.fill(0);
    this.history.fill(0);
  }
}

class PairStdp implements LearningRule {
  private readonly apre: Float64Array;
  private readonly apost: Float64Array;
  /** step of each synapse's last trace update */
  private readonly last: Float64Array;
  private readonly incoming: Incoming;
  constructor(private readonly spec: StdpSpec, c: Connectivity, private readonly dt: number) {
    const total = c.target.length;
    this.incoming = new Incoming(c, postSize(c));
    this.apre = new Float64Array(total);
    this.apost = new Float64Array(total);
    this.last = new Float64Array(total);
  }

  get bytes(): number {
    return this.apre.byteLength + this.apost.byteLength + this.last.byteLength + this.incoming.bytes;
  }

  /** Decays synapse k's traces to step `step`: x <- x·exp(−Δsteps·dt/τ), evaluated as written (docs/networks.md). */
  private catchUp(k: number, step: number): void {
    const elapsed = step - this.last[k];
    if (elapsed > 0) {
      this.apre[k] *= Math.exp((-elapsed * this.dt) / this.spec.tauPlus);
      this.apost[k] *= Math.exp((-elapsed * this.dt) / this.spec.tauMinus);
      this.last[k] = step;
    }
  }

  preSpikes(): void {
    // traces live on the synapses and move at arrivals
  }

  arrivals(step: number, queue: Int32Array, n: number, _target: Int32Array, weight: Float64Array): void {
    for (let a = 0; a < n; a++) {
      const k = queue[a];
      this.catchUp(k, step);
      this.apre[k] += this.spec.aPlus;
      weight[k] = clip(weight[k] + this.apost[k], this.spec.wMin, this.spec.wMax);
    }
  }

  postSpikes(step: number, indices: Int32Array, count: number, weight: Float64Array): void {
    const { start, synapse } = this.incoming;
    const nPost = start.length - 1;
    for (let s = 0; s < count; s++) {
      const i = indices[s];
      if (i >= nPost) continue;
      for (let m = start[i]; m < start[i + 1]; m++) {
        const k = synapse[m];
        this.catchUp(k, step);
        this.apost[k] += this.spec.aMinus;
        weight[k] = clip(weight[k] + this.apre[k], this.spec.wMin, this.spec.wMax);
      }
    }
  }

  endStep(): void {
    // nothing periodic: traces decay lazily
  }

  reset(): void {
    this.apre.fill(0);
    this.apost.fill(0);
    this.last.fill(0);
  }
}

function clip(w: number, lo: number, hi: number): number {
  return w > hi ? hi : w < lo ? lo : w;
}

/**
 * A network: populations, spike generators, the current sources that feed the populations, the
 * synapses between them and the monitors that watch them, advanced together on one clock. Time
 * is the integer step counter k (t = k * dt). Identical descriptions give identical results.
 *
 * Each step runs an ordered list of phases (Brian2 calls it a schedule), each an object behind
 * the Phase interface, so a new kind of input, synapse or monitor is a new object, not an edit
 * of the loop:
 *   1. sources      every current source writes its input (shared values, per-neuron noise);
 *   2. fire         populations of the half-step scheme fire: the neurons that reached the peak
 *                   in the last update spike now and are reset; generators emit; their spikes
 *                   enter the synapses (emit);
 *   3. deliver      what the synapses deliver in this step joins each population's input
 *                   (plastic synapses first, so their learning rule sees each arrival);
 *   4. integrate    every population advances by dt; the other schemes find their spikes here,
 *                   which enter the synapses (emit);
 *   5. plasticity   learning rules see the spikes of their target populations (for populations
 *                   that fire at the start of a step this happens in phase 2, before arrivals)
 *                   and end the step (trace decay, periodic weight updates);
 *   6. monitors     every monitor records.
 * docs/networks.md states the order and what it means for delays and same-step cases.
 */
import { SpikeGenerator, type GeneratorSpec } from './generators';
import {
  RateMonitor, SpikeMonitor, StateMonitor, WeightMonitor,
  type Monitor, type RateMonitorSpec, type SpikeMonitorSpec, type StateMonitorSpec, type WeightMonitorSpec,
} from './monitors';
import { NeuronGroup, NonFiniteStateError, neuronBytes, type NeuronSpec, type SpikingGroup } from './neuron';
import { Projection, SynapticInput } from './projection';
import { streamKey } from './rng';
import { createSource, type CurrentSource, type SourceSpec } from './sources';
import { buildConnectivity, sidesOf, type SynapseSpec } from './synapses';
import { ConfigError } from './validate';
import { LocalizedError, message, nodeLabel, type Message } from './messages';

export interface PopulationDescription {
  id: string;
  name: string;
  spec: NeuronSpec;
  /** key of the population's streams (per-neuron parameter draws, noise addresses); default: from the id */
  key?: number;
}
export interface GeneratorDescription { id: string; name: string; spec: GeneratorSpec; key?: number }
export interface SourceDescription { id: string; name: string; spec: SourceSpec; targets: string[]; key?: number }
export interface ProjectionDescription {
  id: string;
  name: string;
  /** the presynaptic population or generator, and the target population */
  pre: string;
  post: string;
  spec: SynapseSpec;
  key?: number;
}
export interface SpikeMonitorDescription {
  id: string;
  name: string;
  /** a population or a generator */
  population: string;
  /** false: keep only what the next takeChunk() hands out (for spike events), not the whole run */
  retain?: boolean;
  /** window (ms kept, resolved: a number or null for the whole run) and the cap on stored spikes */
  spec?: Partial<SpikeMonitorSpec>;
}
export interface StateMonitorDescription { id: string; name: string; population: string; spec: StateMonitorSpec }
export interface RateMonitorDescription { id: string; name: string; population: string; spec: RateMonitorSpec }
export interface WeightMonitorDescription { id: string; name: string; projection: string; spec: WeightMonitorSpec }

export interface NetworkDescription {
  dt: number;
  /** the run seed: every stream of the network is addressed by it (default 1) */
  seed?: number;
  populations: PopulationDescription[];
  generators?: GeneratorDescription[];
  sources: SourceDescription[];
  projections?: ProjectionDescription[];
  spikeMonitors: SpikeMonitorDescription[];
  stateMonitors: StateMonitorDescription[];
  rateMonitors?: RateMonitorDescription[];
  weightMonitors?: WeightMonitorDescription[];
}

/** One part of a step. */
export interface Phase {
  readonly name: string;
  run(step: number, t: number): void;
}

/** A population's input for the step: a value shared by all plus an optional per-neuron part. */
interface Feed {
  id: string;
  group: NeuronGroup;
  key: number;
  /** indices into Network.sources of the sources feeding this group */
  sources: number[];
  shared: number;
  /** per-neuron input (noise, synapses); null while nothing per neuron feeds the group */
  buffer: Float64Array | null;
  inputs: SynapticInput[];
}

/** Builds a part of the network; a ConfigError it throws names the node it belongs to (`neuron "E"`), as errors in a step do. */
function attributed<T>(label: Message, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw e instanceof ConfigError && !e.nodeLabel ? e.forNode(label) : e;
  }
}

/** A node's stream key: given by the description, or from the seed of its spec when it has one, or from its id. */
const keyOf = (d: { id: string; key?: number; spec?: unknown }) => d.key ?? streamKey(d.id, (d.spec as { seed?: number | null } | undefined)?.seed);

export class Network {
  readonly dt: number;
  readonly seed: number;
  readonly populations = new Map<string, NeuronGroup>();
  readonly generators = new Map<string, SpikeGenerator>();
  readonly projections = new Map<string, Projection>();
  readonly spikeMonitors = new Map<string, SpikeMonitor>();
  readonly stateMonitors = new Map<string, StateMonitor>();
  readonly rateMonitors = new Map<string, RateMonitor>();
  readonly weightMonitors = new Map<string, WeightMonitor>();
  /** the step's phases, in order */
  readonly phases: Phase[];
  /** the next step to compute; the last computed one is nextStep - 1 */
  nextStep = 0;
  private readonly sources: CurrentSource[] = [];
  private readonly sourceIndex = new Map<string, number>();
  private readonly sourceValues: Float64Array;
  private readonly feeds: Feed[] = [];
  private readonly feedById = new Map<string, Feed>();
  private readonly monitors: Monitor[] = [];
  private readonly names = new Map<unknown, string>();
  /** the source being evaluated or the population being updated (index), for error messages; -1: neither */
  private currentSource = -1;
  private currentPopulation = -1;

  constructor(readonly description: NetworkDescription) {
    this.dt = description.dt;
    this.seed = description.seed ?? 1;
    const seed = this.seed;
    for (const p of description.populations) {
      const group = attributed(nodeLabel('izh-neuron', p.name, p.id), () => new NeuronGroup(p.spec, { seed, key: keyOf(p) }));
      this.populations.set(p.id, group);
      this.names.set(group, p.name);
    }
    for (const g of description.generators ?? []) {
      const generator = attributed(nodeLabel('izh-spike-generator', g.name, g.id), () => new SpikeGenerator(g.spec, this.dt, { seed, key: keyOf(g) }));
      this.generators.set(g.id, generator);
      this.names.set(generator, g.name);
    }
    description.sources.forEach((s, index) => {
      this.sources.push(createSource(s.spec, { seed, key: keyOf(s) }));
      this.sourceIndex.set(s.id, index);
    });
    this.sourceValues = new Float64Array(this.sources.length);
    for (const p of description.populations) {
      const group = this.populations.get(p.id)!;
      const feeding = description.sources.flatMap((s, index) => (s.targets.includes(p.id) ? [index] : []));
      const needsBuffer = feeding.some((index) => this.sources[index].perNeuron);
      const feed: Feed = { id: p.id, group, key: keyOf(p), sources: feeding, shared: 0, buffer: needsBuffer ? new Float64Array(group.size) : null, inputs: [] };
      this.feeds.push(feed);
      this.feedById.set(p.id, feed);
    }
    this.buildProjections(description.projections ?? []);
    this.buildMonitors(description);
    this.phases = this.schedule();
  }

  private spikingGroup(id: string, owner: string): SpikingGroup {
    const group = this.populations.get(id) ?? this.generators.get(id);
    if (!group) throw new ConfigError('population', id, message('errors.notPopulation'), owner);
    return group;
  }

  private buildProjections(projections: ProjectionDescription[]): void {
    const inputs = new Map<string, SynapticInput>();
    for (const d of projections) {
      try {
        const pre = this.spikingGroup(d.pre, d.name);
        const feed = this.feedById.get(d.post);
        if (!feed) throw new ConfigError('post', d.post, message('errors.notNeuron'));
        const post = feed.group;
        const sides = sidesOf(d.spec, pre.size, post.size, d.pre === d.post, this.dt);
        const connectivity = buildConnectivity(d.spec, sides, { seed: this.seed, key: keyOf(d) });
        const inputKey = `${d.post}|${d.spec.kind}|${d.spec.tau}`;
        let input = inputs.get(inputKey);
        if (!input) {
          input = new SynapticInput(post.size, d.spec.kind, d.spec.tau, this.dt, connectivity.maxDelay);
          inputs.set(inputKey, input);
          feed.inputs.push(input);
        } else {
          input.ensureDelay(connectivity.maxDelay);
        }
        if (!feed.buffer) feed.buffer = new Float64Array(post.size);
        this.projections.set(d.id, new Projection(d.id, d.spec, pre, post, connectivity, input, this.dt));
      } catch (e) {
        throw e instanceof ConfigError && !e.nodeLabel ? e.forNode(nodeLabel('izh-synapse', d.name, d.id)) : e;
      }
    }
  }

  private buildMonitors(description: NetworkDescription): void {
    const named = (id: string, make: () => Monitor, label: Message): Monitor => {
      try {
        const monitor = make();
        this.monitors.push(monitor);
        return monitor;
      } catch (e) {
        throw e instanceof ConfigError && !e.nodeLabel ? e.forNode(label) : e;
      }
    };
    const nameOf = (id: string) => description.populations.find((p) => p.id === id)?.name ?? description.generators?.find((g) => g.id === id)?.name ?? id;
    for (const m of description.spikeMonitors) {
      const group = this.spikingGroup(m.population, m.name || m.id);
      this.spikeMonitors.set(m.id, named(m.id, () => new SpikeMonitor(group, nameOf(m.population), this.dt, m.retain ?? true, m.spec), nodeLabel('izh-spike-monitor', m.name || m.id, m.id)) as SpikeMonitor);
    }
    for (const m of description.stateMonitors) {
      const group = this.populations.get(m.population);
      if (!group) throw new ConfigError('population', m.population, message('errors.notNeuron'), m.name || m.id);
      this.stateMonitors.set(m.id, named(m.id, () => new StateMonitor(group, nameOf(m.population), m.spec, this.dt), nodeLabel('izh-state-monitor', m.name || m.id, m.id)) as StateMonitor);
    }
    for (const m of description.rateMonitors ?? []) {
      const group = this.spikingGroup(m.population, m.name || m.id);
      this.rateMonitors.set(m.id, named(m.id, () => new RateMonitor(group, nameOf(m.population), this.dt, m.spec), nodeLabel('izh-rate-monitor', m.name || m.id, m.id)) as RateMonitor);
    }
    for (const m of description.weightMonitors ?? []) {
      const projection = this.projections.get(m.projection);
      if (!projection) throw new ConfigError('synapse', m.projection, message('errors.notSynapse'), m.name || m.id);
      const plasticity = projection.spec.plasticity;
      const source = { weight: projection.weight, bounds: plasticity.rule === 'none' ? null : ([plasticity.wMin, plasticity.wMax] as [number, number]) };
      this.weightMonitors.set(m.id, named(m.id, () => new WeightMonitor(source, this.dt, m.spec), nodeLabel('izh-weight-monitor', m.name || m.id, m.id)) as WeightMonitor);
    }
  }

  /** The phases of a step, in order (see the file comment). */
  private schedule(): Phase[] {
    const dt = this.dt;
    const phases: Phase[] = [];
    const feeds = this.feeds;
    const projections = [...this.projections.values()];
    const outgoing = (group: SpikingGroup) => projections.filter((p) => p.pre === group);
    const incoming = (group: NeuronGroup) => projections.filter((p) => p.post === group && p.rule !== null);
    phases.push({ name: 'sources', run: (_step, t) => this.runSources(t) });
    for (const generator of this.generators.values()) {
      const out = outgoing(generator);
      phases.push({ name: 'fire', run: (step) => {
        generator.emit(step);
        for (const p of out) p.emit(step);
      } });
    }
    for (const feed of feeds) {
      const group = feed.group;
      const out = outgoing(group);
      const learning = incoming(group);
      if (group.firesAtStart) {
        phases.push({ name: 'fire', run: (step) => {
          group.fire(step);
          for (const p of out) p.emit(step);
          for (const p of learning) p.postSpikes(step);
        } });
      }
    }
    phases.push({ name: 'deliver', run: (step) => {
      for (const p of projections) p.deliver(step);
      for (const feed of feeds) for (const input of feed.inputs) input.deliverInto(step, feed.buffer!);
    } });
    feeds.forEach((feed, index) => {
      const group = feed.group;
      const out = outgoing(group);
      const learning = incoming(group);
      const atStart = group.firesAtStart;
      phases.push({ name: 'integrate', run: (step) => {
        this.currentPopulation = index;
        group.integrate(step, dt, feed.shared, feed.buffer);
        this.currentPopulation = -1;
        if (atStart) return;
        for (const p of out) p.emit(step);
        for (const p of learning) p.postSpikes(step);
      } });
    });
    const plastic = projections.filter((p) => p.rule !== null);
    if (plastic.length > 0) phases.push({ name: 'plasticity', run: (step) => {
      for (const p of plastic) p.endStep(step);
    } });
    const monitors = this.monitors;
    phases.push({ name: 'monitors', run: (step, t) => {
      for (const m of monitors) m.record(step, t);
    } });
    return phases;
  }

  private runSources(t: number): void {
    const values = this.sourceValues;
    const sources = this.sources;
    for (let s = 0; s < sources.length; s++) {
      this.currentSource = s;
      values[s] = sources[s].value(t);
    }
    for (const feed of this.feeds) {
      let shared = 0;
      if (feed.buffer) feed.buffer.fill(0);
      for (const s of feed.sources) {
        this.currentSource = s;
        if (sources[s].perNeuron) sources[s].addTo(feed.buffer!, t, feed.key);
        else shared += values[s];
      }
      feed.shared = shared;
    }
    this.currentSource = -1;
  }

  /** Simulated time of the last computed step (ms); 0 before the first. */
  get time(): number {
    return Math.max(0, this.nextStep - 1) * this.dt;
  }

  /** Advances `count` steps. A failure ends the run at the failing step; the steps before it stand. */
  run(count: number): void {
    const dt = this.dt;
    const phases = this.phases;
    const end = this.nextStep + count;
    for (let k = this.nextStep; k < end; k++) {
      const t = k * dt;
      try {
        for (let p = 0; p < phases.length; p++) phases[p].run(k, t);
      } catch (e) {
        this.nextStep = k;
        throw this.explain(e, k, t);
      }
    }
    this.nextStep = end;
  }

  /** The error of a failing step, attributed to the node it comes from. */
  private explain(e: unknown, k: number, t: number): unknown {
    const source = this.currentSource, population = this.currentPopulation;
    this.currentSource = this.currentPopulation = -1;
    if (source >= 0 && e instanceof ConfigError) return e.forNode(nodeLabel('izh-source', this.description.sources[source].name, this.description.sources[source].id));
    if (population >= 0 && e instanceof NonFiniteStateError) {
      const feed = this.feeds[population];
      const error = message('errors.nonFiniteAt', { neuron: e.neuron, step: k, t, v: String(e.v), u: String(e.u) });
      return new LocalizedError(message('errors.attributed', { node: nodeLabel('izh-neuron', this.names.get(feed.group) ?? feed.id, feed.id), error }));
    }
    return e;
  }

  /**
   * Work one step costs, in units of one neuron update: every neuron and generator channel,
   * every value the state monitors record, and the synapses' share (at 10 Hz per neuron)
   * (a step command and the first batch slice are sized by it).
   */
  workPerStep(): number {
    let work = 0;
    for (const group of this.populations.values()) work += group.size;
    for (const generator of this.generators.values()) work += generator.size;
    for (const m of this.stateMonitors.values()) work += m.valuesPerSample / m.spec.every;
    for (const p of this.projections.values()) work += (p.synapses * 10 * this.dt) / 1000;
    return Math.max(1, work);
  }

  /** Memory the network's state holds now (bytes): neurons, synapses and their delay buffers. */
  get bytes(): number {
    let bytes = 0;
    for (const p of this.description.populations) bytes += neuronBytes(p.spec);
    const inputs = new Set<SynapticInput>();
    for (const p of this.projections.values()) {
      bytes += p.bytes;
      inputs.add(p.input);
    }
    for (const input of inputs) bytes += input.bytes;
    return bytes;
  }

  /** Total spikes of a population since the last reset. */
  spikeCount(populationId: string): number {
    return this.populations.get(populationId)?.totalSpikes ?? 0;
  }

  /** Replaces a source's description from the next step on. */
  setSource(id: string, spec: SourceSpec): void {
    const index = this.sourceIndex.get(id);
    if (index === undefined) return;
    const d = this.description.sources[index];
    const source = createSource(spec, { seed: this.seed, key: keyOf({ ...d, spec }) });
    if (source.perNeuron && !this.sources[index].perNeuron) {
      for (const feed of this.feeds) if (feed.sources.includes(index) && !feed.buffer) feed.buffer = new Float64Array(feed.group.size);
    }
    this.sources[index] = source;
  }

  /** Replaces a population's parameters from the next step on (state kept). */
  setNeuron(id: string, spec: NeuronSpec): void {
    this.populations.get(id)?.setSpec(spec);
  }

  /** Puts one population back to its initial state. */
  resetNeuron(id: string): void {
    this.populations.get(id)?.reset();
  }

  /** Back to t = 0: initial state, initial weights, nothing in flight, empty monitors, fresh random streams. */
  reset(): void {
    for (const group of this.populations.values()) group.reset();
    for (const generator of this.generators.values()) generator.reset();
    for (const p of this.projections.values()) p.reset();
    for (const feed of this.feeds) for (const input of feed.inputs) input.reset();
    for (const m of this.monitors) m.reset();
    this.sources.forEach((source, index) => {
      this.sources[index] = createSource(source.spec, { seed: this.seed, key: keyOf({ ...this.description.sources[index], spec: source.spec }) });
    });
    this.nextStep = 0;
  }
}

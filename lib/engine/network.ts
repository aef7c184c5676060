/**
 * A network: populations, the current sources that feed them and the monitors that watch
 * them, advanced together on one clock. Time is the integer step counter k (t = k * dt);
 * step k evaluates every source at t = k * dt, advances every population and lets every
 * monitor record. Identical descriptions give identical results.
 */
import { NeuronGroup, NonFiniteStateError, type NeuronSpec } from './neuron';
import { SpikeMonitor, StateMonitor, type SpikeMonitorSpec, type StateMonitorSpec } from './monitors';
import { createSource, type CurrentSource, type SourceSpec } from './sources';
import { ConfigError } from './validate';

export interface PopulationDescription { id: string; name: string; spec: NeuronSpec }
export interface SourceDescription { id: string; name: string; spec: SourceSpec; targets: string[] }
export interface SpikeMonitorDescription {
  id: string;
  name: string;
  population: string;
  /** false: keep only what the next takeChunk() hands out (for spike events), not the whole run */
  retain?: boolean;
  /** window (ms kept, resolved: a number or null for the whole run) and the cap on stored spikes */
  spec?: Partial<SpikeMonitorSpec>;
}
export interface StateMonitorDescription { id: string; name: string; population: string; spec: StateMonitorSpec }

export interface NetworkDescription {
  dt: number;
  populations: PopulationDescription[];
  sources: SourceDescription[];
  spikeMonitors: SpikeMonitorDescription[];
  stateMonitors: StateMonitorDescription[];
}

interface Feed {
  group: NeuronGroup;
  /** indices into Network.sources of the sources feeding this group */
  sources: number[];
  /** per-neuron buffer, allocated only when a per-neuron source (noise) feeds the group */
  buffer: Float64Array | null;
}

export class Network {
  readonly dt: number;
  readonly populations = new Map<string, NeuronGroup>();
  readonly spikeMonitors = new Map<string, SpikeMonitor>();
  readonly stateMonitors = new Map<string, StateMonitor>();
  /** the next step to compute; the last computed one is nextStep - 1 */
  nextStep = 0;
  private readonly sources: CurrentSource[] = [];
  private readonly sourceIndex = new Map<string, number>();
  private readonly sourceValues: Float64Array;
  private readonly feeds: Feed[] = [];

  constructor(readonly description: NetworkDescription) {
    this.dt = description.dt;
    for (const p of description.populations) this.populations.set(p.id, new NeuronGroup(p.spec));
    description.sources.forEach((s, index) => {
      this.sources.push(createSource(s.spec));
      this.sourceIndex.set(s.id, index);
    });
    this.sourceValues = new Float64Array(this.sources.length);
    for (const p of description.populations) {
      const group = this.populations.get(p.id)!;
      const feeding = description.sources.flatMap((s, index) => (s.targets.includes(p.id) ? [index] : []));
      const needsBuffer = feeding.some((index) => this.sources[index].perNeuron);
      this.feeds.push({ group, sources: feeding, buffer: needsBuffer ? new Float64Array(group.size) : null });
    }
    const groupOf = (id: string, population: string) => {
      const group = this.populations.get(population);
      if (!group) throw new ConfigError('population', population, 'is not a neuron of this network', id);
      return group;
    };
    for (const m of description.spikeMonitors) {
      const population = description.populations.find((p) => p.id === m.population)!;
      this.spikeMonitors.set(m.id, new SpikeMonitor(groupOf(m.id, m.population), population.name, this.dt, m.retain ?? true, m.spec));
    }
    for (const m of description.stateMonitors) {
      const population = description.populations.find((p) => p.id === m.population)!;
      try {
        this.stateMonitors.set(m.id, new StateMonitor(groupOf(m.id, m.population), population.name, m.spec, this.dt));
      } catch (e) {
        throw e instanceof ConfigError ? e.forNode(m.name || m.id) : e;
      }
    }
  }

  /** Simulated time of the last computed step (ms); 0 before the first. */
  get time(): number {
    return Math.max(0, this.nextStep - 1) * this.dt;
  }

  /** Advances `count` steps. */
  run(count: number): void {
    const dt = this.dt;
    const values = this.sourceValues;
    const sources = this.sources;
    const spikeMonitors = [...this.spikeMonitors.values()];
    const stateMonitors = [...this.stateMonitors.values()];
    const end = this.nextStep + count;
    for (let k = this.nextStep; k < end; k++) {
      const t = k * dt;
      let s = 0;
      try {
        for (; s < sources.length; s++) values[s] = sources[s].value(t);
      } catch (e) {
        this.nextStep = k; // the steps before this one stand
        const name = this.description.sources[s].name;
        throw e instanceof ConfigError ? e.forNode(`current source "${name}"`) : e;
      }
      for (const feed of this.feeds) {
        let shared = 0;
        if (feed.buffer) feed.buffer.fill(0);
        for (const s of feed.sources) {
          if (sources[s].perNeuron) sources[s].addTo(feed.buffer!, t);
          else shared += values[s];
        }
        try {
          feed.group.step(k, dt, shared, feed.buffer);
        } catch (e) {
          this.nextStep = k;
          if (!(e instanceof NonFiniteStateError)) throw e;
          throw new Error(`neuron "${this.nameOf(feed.group)}": ${e.message.replace(`at step ${k}`, `at step ${k} (t = ${t} ms)`)}`);
        }
      }
      for (const m of spikeMonitors) m.record(k, t);
      for (const m of stateMonitors) m.record(k, t);
    }
    this.nextStep = end;
  }

  private nameOf(group: NeuronGroup): string {
    for (const p of this.description.populations) if (this.populations.get(p.id) === group) return p.name;
    return '?';
  }

  /**
   * Work one step costs, in units of one neuron update: every neuron, plus every value the
   * state monitors record (a step command and the first batch slice are sized by it).
   */
  workPerStep(): number {
    let work = 0;
    for (const group of this.populations.values()) work += group.size;
    for (const m of this.stateMonitors.values()) work += m.valuesPerSample / m.spec.every;
    return Math.max(1, work);
  }

  /** Total spikes of a population since the last reset. */
  spikeCount(populationId: string): number {
    return this.populations.get(populationId)?.totalSpikes ?? 0;
  }

  /** Replaces a source's description from the next step on. */
  setSource(id: string, spec: SourceSpec): void {
    const index = this.sourceIndex.get(id);
    if (index === undefined) return;
    const source = createSource(spec);
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

  /** Back to t = 0: initial state, empty monitors, fresh noise generators. */
  reset(): void {
    for (const group of this.populations.values()) group.reset();
    for (const m of this.spikeMonitors.values()) m.reset();
    for (const m of this.stateMonitors.values()) m.reset();
    this.sources.forEach((source, index) => (this.sources[index] = createSource(source.spec)));
    this.nextStep = 0;
  }
}

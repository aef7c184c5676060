/**
 * Runs a Network on a clock, in chunks, without blocking the event loop.
 *  - batch: as fast as possible, in slices of a few ms of compute, yielding between slices;
 *  - realtime: simulated time follows wall time times a speed factor, one chunk per interval.
 * After every chunk `onChunk` is called (live monitors send then); lifecycle changes are
 * reported through `onEvent`. Nothing is left scheduled after stop(), finish or dispose().
 * Time and scheduling go through a Timers object, so tests can drive them with fake timers.
 */
import type { Network } from './network';
import { DEFAULT_INTERVAL, MODES, readerOf } from './schema';
import { ConfigError, toNumber } from './validate';
import { message } from './messages';

export { DEFAULT_INTERVAL, MODES };
export type Mode = (typeof MODES)[number];

/** The longest run, in steps, a clock accepts (about 12 days of simulated time at dt = 1 ms). */
export const MAX_STEPS = 1e9;

/**
 * A step command up to this much work (neuron updates plus recorded values, see
 * Network.workPerStep) computes at once, a few ms; a longer one runs in batch slices like a run
 * and pauses at its end, so the event loop is never blocked longer than a slice.
 */
export const SYNC_STEP_WORK = 1e6;

export interface ClockSettings {
  /** integration step (ms) */
  dt: number;
  /** simulated time of a run (ms); Infinity runs until stopped (real time only) */
  duration: number;
  mode: Mode;
  /** simulated ms per wall ms in real-time mode */
  speed: number;
  /** wall ms between real-time chunks */
  interval: number;
  /** start a run when the flow is deployed */
  startOnDeploy: boolean;
  /** the run seed every random stream of the network is addressed by (lib/engine/rng.ts) */
  seed: number;
}

/**
 * Validates a clock's config (its fields, defaults and bounds: lib/engine/schema.ts; typed fields
 * already resolved, see prepareConfig). Wall ms between real-time chunks by default:
 * DEFAULT_INTERVAL, 25 updates a second for live charts.
 */
export function normalizeClock(raw: Record<string, unknown>): ClockSettings {
  const read = readerOf('izh-clock', raw);
  const dt = read.number('dt');
  const mode = read.choice<Mode>('mode');
  const duration = read.number('duration');
  if (duration === Infinity && mode === 'batch') throw new ConfigError('duration', raw.duration, message('errors.durationBatch'));
  if (dt > duration) throw new ConfigError('dt', raw.dt, message('errors.dtDuration', { duration }));
  // a run computes t = 0, dt, ..., duration: one step more than duration / dt
  const steps = Number.isFinite(duration) ? lastStepOf(duration, dt) + 1 : 0;
  if (steps > MAX_STEPS) {
    const count = (n: number) => n.toLocaleString('en-US');
    throw new ConfigError('dt', raw.dt, message('errors.dtSteps', { duration, steps: count(steps), limit: count(MAX_STEPS) }));
  }
  return {
    dt,
    duration,
    mode,
    speed: read.number('speed'),
    interval: read.number('interval'),
    startOnDeploy: read.boolean('startOnDeploy'),
    seed: read.number('seed'),
  };
}

/** Number of the last grid step of a run of `ms` milliseconds: t = 0, dt, ..., ms. */
export function lastStepOf(ms: number, dt: number): number {
  return Math.floor(ms / dt + 1e-9);
}

export type RunState = 'idle' | 'running' | 'paused' | 'done';
export type RunEventName = 'started' | 'progress' | 'paused' | 'resumed' | 'finished' | 'stopped' | 'reset' | 'error';

export interface RunEvent {
  event: RunEventName;
  /** simulated time reached (ms) and steps computed since the start */
  t: number;
  steps: number;
  /** wall time spent running since the start (ms), pauses excluded */
  wallMs: number;
  mode: Mode;
  error?: string;
}

export interface SimulationHooks {
  onChunk?(): void;
  onEvent?(event: RunEvent): void;
  /**
   * Called before a run, a continuation or a step command with the number of steps the network
   * will have computed since its start when it ends (Infinity: until stopped); throws to refuse
   * it (e.g. a memory check that counts what the command asks, not the clock's duration).
   */
  checkSteps?(steps: number): void;
}

/** Where a simulation reads the time and schedules its work; fake timers replace it in tests. */
export interface Timers {
  /** monotonic wall time in ms */
  now(): number;
  /** calls fn after `ms` ms (real-time pacing) */
  later(fn: () => void, ms: number): TimerHandle;
  /** calls fn as soon as the event loop has had a turn (batch slices) */
  soon(fn: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
}
export type TimerHandle = { kind: 'later'; id: ReturnType<typeof setTimeout> } | { kind: 'soon'; id: ReturnType<typeof setImmediate> } | { kind: 'fake'; id: number };

export const REAL_TIMERS: Timers = {
  now: () => performance.now(),
  later: (fn, ms) => ({ kind: 'later', id: setTimeout(fn, ms) }),
  soon: (fn) => ({ kind: 'soon', id: setImmediate(fn) }),
  cancel: (handle) => {
    if (handle.kind === 'later') clearTimeout(handle.id);
    else if (handle.kind === 'soon') clearImmediate(handle.id);
  },
};

/** Batch slices aim at this much compute before yielding to the event loop. */
const SLICE_MS = 8;
/** Progress events at most this often. */
const PROGRESS_EVERY_MS = 1000;
/**
 * A real-time chunk computes at most this many batch slices (about 50 ms) before simulated time
 * slips; a chunk of more than one slice is computed a slice per turn of the event loop.
 */
const REALTIME_SLICES = 6;

export class Simulation {
  state: RunState = 'idle';
  /** what ended the last run that failed (its `error` event carries the message) */
  failure: unknown = null;
  /** exclusive end step of the current run segment */
  private endStep = 0;
  /** a step command running in slices pauses when the network reaches this step */
  private pauseAt: number | null = null;
  private timer: TimerHandle | null = null;
  private wallBefore = 0; // wall ms spent in earlier running spans
  private spanStart = 0; // wall time the current running span began
  private anchorStep = 0; // real time: step and wall time simulated time is paced from
  private anchorWall = 0;
  private ticks = 0;
  private stepsPerSlice = 1;
  private lastProgress = 0;
  private slipped = false;
  /** real time: the step the current chunk computes up to (null between chunks) */
  private chunkEnd: number | null = null;

  constructor(
    readonly network: Network,
    readonly settings: ClockSettings,
    private readonly hooks: SimulationHooks = {},
    private readonly timers: Timers = REAL_TIMERS,
  ) {}

  /** A fresh run from t = 0 over the configured duration. */
  start(): void {
    this.hooks.checkSteps?.(this.settings.duration === Infinity ? Infinity : lastStepOf(this.settings.duration, this.network.dt) + 1);
    this.halt();
    this.network.reset();
    this.wallBefore = 0;
    this.beginSegment(this.settings.duration, 'started');
  }

  /** Runs `ms` more milliseconds from where the simulation stands (from t = 0 if it never ran). */
  runFor(ms: number): void {
    const duration = toNumber('ms', ms, { above: 0 });
    const steps = duration / this.network.dt;
    if (steps > MAX_STEPS) throw new ConfigError('ms', ms, message('errors.runSteps', { steps: Math.round(steps), dt: this.network.dt, limit: MAX_STEPS }));
    const from = this.state === 'idle' ? 0 : this.network.nextStep;
    this.hooks.checkSteps?.(from + lastStepOf(duration, this.network.dt) + (from === 0 ? 1 : 0));
    this.halt();
    if (this.state === 'idle') this.wallBefore = 0;
    this.beginSegment(duration, this.state === 'idle' ? 'started' : 'resumed');
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.pauseAt = null;
    this.halt();
    this.state = 'paused';
    this.emit('paused');
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.openSpan();
    this.emit('resumed');
    this.schedule();
  }

  /** Ends the current run where it stands. */
  stop(): void {
    if (this.state !== 'running' && this.state !== 'paused') return;
    this.pauseAt = null;
    this.halt();
    this.state = 'done';
    this.emit('stopped');
  }

  /** Back to t = 0 without running. */
  reset(): void {
    this.halt();
    this.pauseAt = null;
    this.network.reset();
    this.wallBefore = 0;
    this.state = 'idle';
    this.emit('reset');
  }

  /**
   * Computes `count` more steps and pauses (manual stepping, e.g. for tests); not while running.
   * A short step computes at once; a long one (more than SYNC_STEP_WORK) runs in batch slices,
   * reporting started or resumed, then paused.
   */
  step(count: number): void {
    if (this.state === 'running') throw new ConfigError('steps', count, message('errors.stepRunning'));
    const n = toNumber('steps', count, { integer: true, min: 1, max: MAX_STEPS });
    const network = this.network;
    this.hooks.checkSteps?.(network.nextStep + n);
    const wasIdle = this.state === 'idle';
    // a stepped run can be resumed (to the configured duration), continued or stopped
    const runEnd = this.settings.duration === Infinity ? Infinity : lastStepOf(this.settings.duration, network.dt) + 1;
    if (this.endStep <= network.nextStep) this.endStep = Math.max(network.nextStep + n, runEnd);
    if (n * network.workPerStep() <= SYNC_STEP_WORK) {
      network.run(n);
      this.state = 'paused';
      this.hooks.onChunk?.();
      return;
    }
    if (wasIdle) this.wallBefore = 0;
    this.pauseAt = network.nextStep + n;
    this.stepsPerSlice = this.initialSlice();
    this.state = 'running';
    this.openSpan();
    this.emit(wasIdle ? 'started' : 'resumed');
    this.schedule();
  }

  /** Forgets every timer; the object is unusable afterwards. */
  dispose(): void {
    this.halt();
    this.state = 'done';
  }

  get wallMs(): number {
    return this.wallBefore + (this.state === 'running' ? this.timers.now() - this.spanStart : 0);
  }

  private beginSegment(ms: number, event: 'started' | 'resumed'): void {
    const network = this.network;
    // a fresh run computes t = 0 too: steps 0 .. ms/dt; a continuation adds ms/dt steps
    const fresh = network.nextStep === 0 ? 1 : 0;
    this.endStep = ms === Infinity ? Infinity : network.nextStep + lastStepOf(ms, network.dt) + fresh;
    this.pauseAt = null;
    this.stepsPerSlice = this.initialSlice();
    this.state = 'running';
    this.openSpan();
    this.emit(event);
    this.schedule();
  }

  /** Steps of the first slice: about 200,000 units of work, adapted from then on. */
  private initialSlice(): number {
    return Math.max(1, Math.min(100_000, Math.floor(200_000 / Math.max(1, this.network.workPerStep()))));
  }

  private openSpan(): void {
    this.spanStart = this.timers.now();
    this.anchorStep = Math.max(0, this.network.nextStep - 1); // the last computed step is "now"
    this.anchorWall = this.spanStart;
    this.lastProgress = this.spanStart;
    this.ticks = 0;
  }

  private halt(): void {
    if (this.timer !== null) {
      this.timers.cancel(this.timer);
      this.timer = null;
    }
    this.chunkEnd = null;
    if (this.state === 'running') this.wallBefore += this.timers.now() - this.spanStart;
  }

  /** Batch runs and step commands go slice after slice; real-time runs are paced by the wall clock. */
  private get paced(): boolean {
    return this.settings.mode === 'realtime' && this.pauseAt === null;
  }

  private schedule(): void {
    if (!this.paced) {
      this.timer = this.timers.soon(() => this.tick());
    } else {
      this.ticks++;
      const due = this.anchorWall + this.ticks * this.settings.interval;
      this.timer = this.timers.later(() => this.tick(), Math.max(0, due - this.timers.now()));
    }
  }

  private tick(): void {
    this.timer = null;
    try {
      const network = this.network;
      const end = Math.min(this.endStep, this.pauseAt ?? Infinity);
      let target: number;
      if (!this.paced) {
        target = Math.min(end, network.nextStep + this.stepsPerSlice);
      } else {
        if (this.chunkEnd === null) {
          const simulated = (this.timers.now() - this.anchorWall) * this.settings.speed;
          let chunkEnd = Math.min(this.endStep, this.anchorStep + Math.floor(simulated / network.dt + 1e-9) + 1);
          // a network that cannot keep up (or a process that was suspended) must not pile up an
          // ever larger backlog: compute at most a few slices' worth, and let simulated time slip
          if (chunkEnd - network.nextStep > this.stepsPerSlice * REALTIME_SLICES) {
            chunkEnd = network.nextStep + this.stepsPerSlice * REALTIME_SLICES;
            this.slipped = true;
          }
          this.chunkEnd = chunkEnd;
        }
        // a slice of the chunk now, the rest in the next turns of the event loop
        target = Math.min(this.chunkEnd, network.nextStep + this.stepsPerSlice);
      }
      const began = this.timers.now();
      const computed = Math.max(0, target - network.nextStep);
      if (computed > 0) network.run(computed);
      this.adaptSlice(this.timers.now() - began, computed);
      if (this.chunkEnd !== null) {
        if (network.nextStep < this.chunkEnd) {
          this.timer = this.timers.soon(() => this.tick());
          return;
        }
        this.chunkEnd = null;
      }
      if (this.slipped) {
        this.slipped = false;
        this.anchorStep = Math.max(0, network.nextStep - 1);
        this.anchorWall = this.timers.now();
        this.ticks = 0;
      }
      this.hooks.onChunk?.();
      if (network.nextStep >= this.endStep) {
        this.halt();
        this.state = 'done';
        this.pauseAt = null;
        this.emit('finished');
        return;
      }
      if (this.pauseAt !== null && network.nextStep >= this.pauseAt) {
        this.pauseAt = null;
        this.pause();
        return;
      }
      if (this.timers.now() - this.lastProgress >= PROGRESS_EVERY_MS) {
        this.lastProgress = this.timers.now();
        this.emit('progress');
      }
      this.schedule();
    } catch (e) {
      this.halt();
      this.state = 'done';
      this.pauseAt = null;
      this.failure = e;
      this.emit('error', (e as Error).message);
    }
  }

  /** Aims the next batch slice at SLICE_MS of compute, from the steps just computed and the time they took. */
  private adaptSlice(elapsed: number, computed: number): void {
    if (computed === 0) return;
    if (elapsed <= 0.05 && computed < this.stepsPerSlice) return; // too short to tell
    const scaled = elapsed > 0.05 ? (computed * SLICE_MS) / elapsed : this.stepsPerSlice * 4;
    this.stepsPerSlice = Math.max(1, Math.min(Math.round(scaled), this.stepsPerSlice * 4, 1e7));
  }

  private emit(event: RunEventName, error?: string): void {
    const network = this.network;
    const payload: RunEvent = { event, t: network.time, steps: network.nextStep, wallMs: this.wallMs, mode: this.settings.mode };
    if (error !== undefined) payload.error = error;
    this.hooks.onEvent?.(payload);
  }
}

/**
 * Runs a Network on a clock, in chunks, without blocking the event loop.
 *  - batch: as fast as possible, in slices of a few ms of compute, yielding between slices;
 *  - realtime: simulated time follows wall time times a speed factor, one chunk per interval.
 * After every chunk `onChunk` is called (live monitors send then); lifecycle changes are
 * reported through `onEvent`. Nothing is left scheduled after stop(), finish or dispose().
 */
import type { Network } from './network';
import { ConfigError, oneOf, optionalNumber, toBoolean, toNumber } from './validate';

export const MODES = ['batch', 'realtime'] as const;
export type Mode = (typeof MODES)[number];

/** The longest run, in steps, a clock accepts (about 12 days of simulated time at dt = 1 ms). */
export const MAX_STEPS = 1e9;

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
}

export function normalizeClock(raw: Record<string, unknown>): ClockSettings {
  const dt = toNumber('dt', raw.dt, { above: 0, max: 1000 });
  const mode = oneOf('mode', raw.mode, MODES, 'batch');
  const duration = optionalNumber('duration', raw.duration, Infinity, { above: 0 });
  if (duration === Infinity && mode === 'batch') throw new ConfigError('duration', raw.duration, 'must be set for a batch run (only real-time runs may go on until stopped)');
  if (dt > duration) throw new ConfigError('dt', raw.dt, `must not be larger than the duration (${duration} ms)`);
  if (Number.isFinite(duration) && duration / dt > MAX_STEPS) throw new ConfigError('duration', raw.duration, `needs ${Math.round(duration / dt)} steps at dt = ${dt} ms; at most ${MAX_STEPS} are allowed`);
  return {
    dt,
    duration,
    mode,
    speed: optionalNumber('speed', raw.speed, 1, { above: 0, max: 10000 }),
    interval: optionalNumber('interval', raw.interval, 50, { min: 10, max: 10000 }),
    startOnDeploy: toBoolean('startOnDeploy', raw.startOnDeploy, false),
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
}

/** Batch slices aim at this much compute before yielding to the event loop. */
const SLICE_MS = 8;
/** Progress events at most this often. */
const PROGRESS_EVERY_MS = 1000;

export class Simulation {
  state: RunState = 'idle';
  /** exclusive end step of the current run segment */
  private endStep = 0;
  private timer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | null = null;
  private wallBefore = 0; // wall ms spent in earlier running spans
  private spanStart = 0; // wall time the current running span began
  private anchorStep = 0; // real time: step and wall time simulated time is paced from
  private anchorWall = 0;
  private ticks = 0;
  private stepsPerSlice = 1;
  private lastProgress = 0;

  constructor(readonly network: Network, readonly settings: ClockSettings, private readonly hooks: SimulationHooks = {}) {}

  /** A fresh run from t = 0 over the configured duration. */
  start(): void {
    this.halt();
    this.network.reset();
    this.wallBefore = 0;
    this.beginSegment(this.settings.duration, 'started');
  }

  /** Runs `ms` more milliseconds from where the simulation stands (from t = 0 if it never ran). */
  runFor(ms: number): void {
    const duration = toNumber('ms', ms, { above: 0 });
    this.halt();
    if (this.state === 'idle') this.wallBefore = 0;
    this.beginSegment(duration, this.state === 'idle' ? 'started' : 'resumed');
  }

  pause(): void {
    if (this.state !== 'running') return;
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
    this.halt();
    this.state = 'done';
    this.emit('stopped');
  }

  /** Back to t = 0 without running. */
  reset(): void {
    this.halt();
    this.network.reset();
    this.wallBefore = 0;
    this.state = 'idle';
    this.emit('reset');
  }

  /** Computes `count` steps right now (manual stepping, e.g. for tests); not while running. */
  step(count: number): void {
    if (this.state === 'running') throw new ConfigError('steps', count, 'cannot be stepped while the clock runs; pause it first');
    const n = toNumber('steps', count, { integer: true, min: 1, max: MAX_STEPS });
    this.network.run(n);
    // a stepped run can be resumed (to the configured duration), continued or stopped
    if (this.endStep <= this.network.nextStep) {
      this.endStep = this.settings.duration === Infinity ? Infinity : Math.max(this.network.nextStep, lastStepOf(this.settings.duration, this.network.dt) + 1);
    }
    this.state = 'paused';
    this.hooks.onChunk?.();
  }

  /** Forgets every timer; the object is unusable afterwards. */
  dispose(): void {
    this.halt();
    this.state = 'done';
  }

  get wallMs(): number {
    return this.wallBefore + (this.state === 'running' ? performance.now() - this.spanStart : 0);
  }

  private beginSegment(ms: number, event: 'started' | 'resumed'): void {
    const network = this.network;
    // a fresh run computes t = 0 too: steps 0 .. ms/dt; a continuation adds ms/dt steps
    const fresh = network.nextStep === 0 ? 1 : 0;
    this.endStep = ms === Infinity ? Infinity : network.nextStep + lastStepOf(ms, network.dt) + fresh;
    let neurons = 0;
    for (const group of network.populations.values()) neurons += group.size;
    this.stepsPerSlice = Math.max(1, Math.min(100_000, Math.floor(200_000 / Math.max(1, neurons))));
    this.state = 'running';
    this.openSpan();
    this.emit(event);
    this.schedule();
  }

  private openSpan(): void {
    this.spanStart = performance.now();
    this.anchorStep = this.network.nextStep;
    this.anchorWall = this.spanStart;
    this.lastProgress = this.spanStart;
    this.ticks = 0;
  }

  private halt(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer as ReturnType<typeof setTimeout>);
      clearImmediate(this.timer as ReturnType<typeof setImmediate>);
      this.timer = null;
    }
    if (this.state === 'running') this.wallBefore += performance.now() - this.spanStart;
  }

  private schedule(): void {
    if (this.settings.mode === 'batch') {
      this.timer = setImmediate(() => this.tick());
    } else {
      this.ticks++;
      const due = this.anchorWall + this.ticks * this.settings.interval;
      this.timer = setTimeout(() => this.tick(), Math.max(0, due - performance.now()));
    }
  }

  private tick(): void {
    this.timer = null;
    try {
      const network = this.network;
      let target: number;
      if (this.settings.mode === 'batch') {
        target = Math.min(this.endStep, network.nextStep + this.stepsPerSlice);
      } else {
        const simulated = (performance.now() - this.anchorWall) * this.settings.speed;
        target = Math.min(this.endStep, this.anchorStep + Math.floor(simulated / network.dt + 1e-9) + 1);
      }
      const began = performance.now();
      if (target > network.nextStep) network.run(target - network.nextStep);
      if (this.settings.mode === 'batch') this.adaptSlice(performance.now() - began);
      this.hooks.onChunk?.();
      if (network.nextStep >= this.endStep) {
        this.halt();
        this.state = 'done';
        this.emit('finished');
        return;
      }
      if (performance.now() - this.lastProgress >= PROGRESS_EVERY_MS) {
        this.lastProgress = performance.now();
        this.emit('progress');
      }
      this.schedule();
    } catch (e) {
      this.halt();
      this.state = 'done';
      this.emit('error', (e as Error).message);
    }
  }

  /** Aims the next batch slice at SLICE_MS of compute. */
  private adaptSlice(elapsed: number): void {
    const scaled = elapsed > 0.05 ? (this.stepsPerSlice * SLICE_MS) / elapsed : this.stepsPerSlice * 4;
    this.stepsPerSlice = Math.max(1, Math.min(Math.round(scaled), this.stepsPerSlice * 4, 1e7));
  }

  private emit(event: RunEventName, error?: string): void {
    const network = this.network;
    const payload: RunEvent = { event, t: network.time, steps: network.nextStep, wallMs: this.wallMs, mode: this.settings.mode };
    if (error !== undefined) payload.error = error;
    this.hooks.onEvent?.(payload);
  }
}

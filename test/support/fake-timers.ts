/**
 * A deterministic stand-in for the Timers a Simulation runs on (lib/engine/simulation.ts):
 * time only moves when a test says so, and work the engine performs takes `costMs` of fake time
 * per call of now() inside a slice when asked to, so pacing and slicing logic can be tested
 * without a wall clock.
 */
import type { TimerHandle, Timers } from '../../lib/engine/simulation';

interface Pending { id: number; due: number; fn: () => void }

export class FakeTimers implements Timers {
  time = 0;
  /** scheduled callbacks: `soon` ones are due at the current time */
  private pending: Pending[] = [];
  private nextId = 1;
  /** how many `soon` callbacks ran: the turns the event loop got */
  turns = 0;

  now(): number {
    return this.time;
  }

  later(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, this.time + Math.max(0, ms));
  }

  soon(fn: () => void): TimerHandle {
    return this.add(() => {
      this.turns++;
      fn();
    }, this.time);
  }

  cancel(handle: TimerHandle): void {
    this.pending = this.pending.filter((p) => p.id !== handle.id);
  }

  private add(fn: () => void, due: number): TimerHandle {
    const id = this.nextId++;
    this.pending.push({ id, due, fn });
    return { kind: 'fake', id };
  }

  get scheduled(): number {
    return this.pending.length;
  }

  /** Runs every callback due up to now + ms (in due order), moving time to each as it runs. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.pending.filter((p) => p.due <= until).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.time = Math.max(this.time, due.due);
      due.fn();
    }
    this.time = until;
  }

  /** Runs callbacks until nothing is scheduled (at most `limit` of them), without moving time. */
  drain(limit = 1_000_000): void {
    for (let i = 0; i < limit && this.pending.length > 0; i++) {
      const first = this.pending.sort((a, b) => a.due - b.due || a.id - b.id).shift()!;
      this.time = Math.max(this.time, first.due);
      first.fn();
    }
  }
}

/**
 * Keeps account of what Simulations schedule on the real timers (REAL_TIMERS of
 * lib/engine/simulation.ts, which every clock node uses): a callback is pending from the moment
 * it is scheduled until it runs or is cancelled. Tests inside the Node-RED runtime cannot use
 * fake timers, but with this they can say exactly whether anything of ours is left scheduled,
 * at once, without waiting for the process's timers to settle.
 */
import { REAL_TIMERS, type TimerHandle, type Timers } from '../../lib/engine/simulation';

export interface TimerLedger {
  /** callbacks scheduled and neither run nor cancelled yet */
  readonly pending: number;
  /** callbacks scheduled since the ledger was opened */
  readonly scheduled: number;
  /** puts the real timers back */
  close(): void;
}

export function openTimerLedger(): TimerLedger {
  const original: Timers = { ...REAL_TIMERS };
  const pending = new Set<TimerHandle>();
  let scheduled = 0;
  const track = (schedule: (fn: () => void) => TimerHandle, fn: () => void): TimerHandle => {
    scheduled++;
    const handle = schedule(() => {
      pending.delete(handle);
      fn();
    });
    pending.add(handle);
    return handle;
  };
  REAL_TIMERS.later = (fn, ms) => track((f) => original.later(f, ms), fn);
  REAL_TIMERS.soon = (fn) => track((f) => original.soon(f), fn);
  REAL_TIMERS.cancel = (handle) => {
    pending.delete(handle);
    original.cancel(handle);
  };
  return {
    get pending() {
      return pending.size;
    },
    get scheduled() {
      return scheduled;
    },
    close() {
      Object.assign(REAL_TIMERS, original);
    },
  };
}

/**
 * Work that must not block the event loop in one piece (building the result of a long run,
 * millions of values) is written as an Incremental job: it does a bounded amount of work per
 * call. `finishNow` runs it to the end (tests, small results); `finishInSlices` yields to the
 * event loop between slices so Node-RED stays responsive.
 */

export interface Incremental<T> {
  /** Does about `budget` units of work (array elements copied); true once the value is complete. */
  work(budget: number): boolean;
  /** The finished value (valid once work() returned true). */
  readonly value: T;
}

/** Elements copied per slice: a few milliseconds of work. */
export const ELEMENTS_PER_SLICE = 250_000;

export function finishNow<T>(job: Incremental<T>): T {
  while (!job.work(Infinity)) { /* keep going */ }
  return job.value;
}

export function finishInSlices<T>(job: Incremental<T>, perSlice = ELEMENTS_PER_SLICE): Promise<T> {
  return new Promise((resolve, reject) => {
    const slice = () => {
      try {
        if (job.work(perSlice)) resolve(job.value);
        else setImmediate(slice);
      } catch (e) {
        reject(e);
      }
    };
    slice();
  });
}

/** A job whose value is ready at once. */
export function ready<T>(value: T): Incremental<T> {
  return { work: () => true, value };
}

/** The same job with its value passed through `fn` once complete. */
export function mapped<T, U>(job: Incremental<T>, fn: (value: T) => U): Incremental<U> {
  let value: U | undefined;
  let done = false;
  return {
    work(budget: number): boolean {
      if (!done && job.work(budget)) {
        value = fn(job.value);
        done = true;
      }
      return done;
    },
    get value(): U {
      if (!done) throw new Error('the result is not complete yet');
      return value as U;
    },
  };
}

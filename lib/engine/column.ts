/**
 * An append-only column of numbers stored in fixed-size typed-array blocks, for monitors:
 *  - growing never copies what is already stored (no doubling of a large array in one step);
 *  - a window moving on drops elements from the front, freeing whole blocks, in O(1);
 *  - positions are absolute (counted since the last clear), so a reader that took elements up to
 *    some position can tell exactly how many were dropped before it came back;
 *  - a written element never changes, so a snapshot (`view`) stays valid while recording goes on;
 *    clear() starts new blocks instead of reusing the old ones for the same reason.
 */

export type Block = Float64Array | Int32Array;

export class Column {
  private blocks: Block[] = [];
  /** absolute position of blocks[0][0] */
  private base = 0;
  /** absolute positions of the first live element and one past the last */
  start = 0;
  end = 0;

  constructor(private readonly blockSize: number, private readonly make: (n: number) => Block) {}

  static float64(blockSize = 65_536): Column {
    return new Column(blockSize, (n) => new Float64Array(n));
  }

  static int32(blockSize = 65_536): Column {
    return new Column(blockSize, (n) => new Int32Array(n));
  }

  get length(): number {
    return this.end - this.start;
  }

  push(x: number): void {
    const offset = this.end - this.base;
    const b = Math.floor(offset / this.blockSize);
    if (b === this.blocks.length) this.blocks.push(this.make(this.blockSize));
    this.blocks[b][offset - b * this.blockSize] = x;
    this.end++;
  }

  /** Appends `count` copies of x, a block at a time (a step where many neurons spike at once). */
  pushRepeated(x: number, count: number): void {
    let left = count;
    while (left > 0) {
      const [block, inBlock, n] = this.room(left);
      block.fill(x, inBlock, inBlock + n);
      this.end += n;
      left -= n;
    }
  }

  /** Appends source[0 .. count), a block at a time. */
  pushFrom(source: Float64Array | Int32Array, count: number): void {
    let done = 0;
    while (done < count) {
      const [block, inBlock, n] = this.room(count - done);
      block.set(source.subarray(done, done + n), inBlock);
      this.end += n;
      done += n;
    }
  }

  /** The block the next element goes to (added if needed), the position in it, and how many of `wanted` fit there. */
  private room(wanted: number): [Block, number, number] {
    const offset = this.end - this.base;
    const b = Math.floor(offset / this.blockSize);
    if (b === this.blocks.length) this.blocks.push(this.make(this.blockSize));
    const inBlock = offset - b * this.blockSize;
    return [this.blocks[b], inBlock, Math.min(wanted, this.blockSize - inBlock)];
  }

  /** The element at absolute position p (start <= p < end). */
  at(p: number): number {
    const offset = p - this.base;
    const b = Math.floor(offset / this.blockSize);
    return this.blocks[b][offset - b * this.blockSize];
  }

  /** Forgets every element before absolute position p, freeing whole blocks. */
  dropBefore(p: number): void {
    if (p <= this.start) return;
    this.start = Math.min(p, this.end);
    const whole = Math.floor((this.start - this.base) / this.blockSize);
    if (whole > 0) {
      this.blocks = this.blocks.slice(whole);
      this.base += whole * this.blockSize;
    }
  }

  /** Forgets everything; positions start again at 0 in fresh blocks (snapshots keep the old ones). */
  clear(): void {
    this.blocks = [];
    this.base = this.start = this.end = 0;
  }

  /** First absolute position whose element is greater than `bound`, for ascending data. */
  firstAbove(bound: number): number {
    let lo = this.start, hi = this.end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.at(mid) > bound) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  /** A frozen view of [from, to): the blocks as they are now, unaffected by later pushes, drops or clears. */
  view(from = this.start, to = this.end): ColumnView {
    return new ColumnView(this.blocks.slice(), this.base, this.blockSize, Math.max(from, this.start), to, this.make);
  }

  /** Elements [from, to) as a plain array, at once (small ranges: live chunks). */
  slice(from = this.start, to = this.end): number[] {
    return this.view(from, to).toArray();
  }
}

/** Elements [from, to) of a column at the time the view was taken. */
export class ColumnView {
  constructor(
    private readonly blocks: Block[],
    private readonly base: number,
    private readonly blockSize: number,
    readonly from: number,
    readonly to: number,
    /** makes a typed array of the column's kind */
    private readonly make: (n: number) => Block,
  ) {}

  get length(): number {
    return Math.max(0, this.to - this.from);
  }

  /** Appends elements [from + done, from + done + count) to `out`; returns how many it appended. */
  copyInto(out: number[], done: number, count: number): number {
    let p = this.from + done;
    const stop = Math.min(this.to, p + count);
    const first = p;
    while (p < stop) {
      const offset = p - this.base;
      const b = Math.floor(offset / this.blockSize);
      const block = this.blocks[b];
      const inBlock = offset - b * this.blockSize;
      const n = Math.min(stop - p, this.blockSize - inBlock);
      for (let i = 0; i < n; i++) out.push(block[inBlock + i]);
      p += n;
    }
    return p - first;
  }

  /** Copies elements [from + done, from + done + count) into out[done ..]; returns how many it copied. */
  copyIntoTyped(out: Block, done: number, count: number): number {
    let p = this.from + done;
    const stop = Math.min(this.to, p + count);
    const first = p;
    while (p < stop) {
      const offset = p - this.base;
      const b = Math.floor(offset / this.blockSize);
      const inBlock = offset - b * this.blockSize;
      const n = Math.min(stop - p, this.blockSize - inBlock);
      out.set(this.blocks[b].subarray(inBlock, inBlock + n), p - this.from);
      p += n;
    }
    return p - first;
  }

  /** An empty typed array of the column's kind (Float64Array or Int32Array) for the whole view. */
  typedArray(): Block {
    return this.make(this.length);
  }

  toArray(): number[] {
    const out: number[] = [];
    this.copyInto(out, 0, this.length);
    return out;
  }
}

/**
 * Copies several column views into plain arrays a slice at a time: the Incremental job behind
 * every monitor result. `finish` turns the arrays into the result once all are copied.
 * A plain array is allocated and grown in one piece, so a very long one blocks the event loop
 * however it is filled (see copyViewsTyped).
 */
export function copyViews<T>(views: readonly ColumnView[], finish: (arrays: number[][]) => T): { work(budget: number): boolean; readonly value: T } {
  const arrays = views.map(() => [] as number[]);
  let current = 0;
  let value: T | undefined;
  return {
    work(budget: number): boolean {
      let left = budget;
      while (current < views.length && left > 0) {
        const view = views[current];
        const out = arrays[current];
        const copied = view.copyInto(out, out.length, Math.min(left, view.length - out.length));
        left -= copied;
        if (out.length >= view.length) current++;
      }
      if (current >= views.length && value === undefined) value = finish(arrays);
      return current >= views.length;
    },
    get value(): T {
      if (value === undefined) throw new Error('the result is not complete yet');
      return value;
    },
  };
}

/**
 * The same job into typed arrays of the columns' kinds (Float64Array, Int32Array): they are
 * allocated without being touched and filled a slice at a time, so no single step copies or
 * allocates more than a slice, whatever the size. For results too long for plain arrays.
 */
export function copyViewsTyped<T>(views: readonly ColumnView[], finish: (arrays: Block[]) => T): { work(budget: number): boolean; readonly value: T } {
  const arrays = views.map((view) => view.typedArray());
  const copied = views.map(() => 0);
  let current = 0;
  let value: T | undefined;
  return {
    work(budget: number): boolean {
      let left = budget;
      while (current < views.length && left > 0) {
        const view = views[current];
        const n = view.copyIntoTyped(arrays[current], copied[current], Math.min(left, view.length - copied[current]));
        copied[current] += n;
        left -= n;
        if (copied[current] >= view.length) current++;
      }
      while (current < views.length && views[current].length === 0) current++;
      if (current >= views.length && value === undefined) value = finish(arrays);
      return current >= views.length;
    },
    get value(): T {
      if (value === undefined) throw new Error('the result is not complete yet');
      return value;
    },
  };
}

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

/**
 * Absolute positions over blocks of `perBlock` elements each, what Column (an element is a
 * number) and RowBlocks (an element is a row) share: appending, dropping from the front in whole
 * blocks, clearing into fresh blocks.
 */
abstract class Blocks<B> {
  protected blocks: B[] = [];
  /** absolute position of the first element of blocks[0] */
  protected base = 0;
  /** absolute positions of the first live element and one past the last */
  start = 0;
  end = 0;

  constructor(protected readonly perBlock: number) {}

  /** a new, empty block */
  protected abstract newBlock(): B;

  get length(): number {
    return this.end - this.start;
  }

  /** The block the next element goes to (added if needed) and that element's place in it. */
  protected next(): [B, number] {
    const offset = this.end - this.base;
    const b = Math.floor(offset / this.perBlock);
    if (b === this.blocks.length) this.blocks.push(this.newBlock());
    return [this.blocks[b], offset - b * this.perBlock];
  }

  /** Forgets every element before absolute position p, freeing whole blocks. */
  dropBefore(p: number): void {
    if (p <= this.start) return;
    this.start = Math.min(p, this.end);
    const whole = Math.floor((this.start - this.base) / this.perBlock);
    if (whole > 0) {
      this.blocks = this.blocks.slice(whole);
      this.base += whole * this.perBlock;
    }
  }

  /** Forgets everything; positions start again at 0 in fresh blocks (views keep the old ones). */
  clear(): void {
    this.blocks = [];
    this.base = this.start = this.end = 0;
  }
}

/** Where a view's elements lie: the blocks when it was taken, and [from, to) in absolute positions. */
interface Frozen<B> {
  readonly blocks: B[];
  readonly base: number;
  readonly perBlock: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Walks elements [from + done, from + done + count) of a view, cut at `to`, a block at a time:
 * visit(block, inBlock, n, k) for n elements from inBlock, the first being element k of the view.
 * Returns how many elements it walked.
 */
function walk<B>(f: Frozen<B>, done: number, count: number, visit: (block: B, inBlock: number, n: number, k: number) => void): number {
  let p = f.from + done;
  const stop = Math.min(f.to, p + count);
  const first = p;
  while (p < stop) {
    const offset = p - f.base;
    const b = Math.floor(offset / f.perBlock);
    const inBlock = offset - b * f.perBlock;
    const n = Math.min(stop - p, f.perBlock - inBlock);
    visit(f.blocks[b], inBlock, n, p - f.from);
    p += n;
  }
  return p - first;
}

export class Column extends Blocks<Block> {
  constructor(blockSize: number, private readonly make: (n: number) => Block) {
    super(blockSize);
  }

  static float64(blockSize = 65_536): Column {
    return new Column(blockSize, (n) => new Float64Array(n));
  }

  static int32(blockSize = 65_536): Column {
    return new Column(blockSize, (n) => new Int32Array(n));
  }

  protected newBlock(): Block {
    return this.make(this.perBlock);
  }

  push(x: number): void {
    const [block, inBlock] = this.next();
    block[inBlock] = x;
    this.end++;
  }

  /** Appends `count` copies of x, a block at a time (a step where many neurons spike at once). */
  pushRepeated(x: number, count: number): void {
    let left = count;
    while (left > 0) {
      const [block, inBlock] = this.next();
      const n = Math.min(left, this.perBlock - inBlock);
      block.fill(x, inBlock, inBlock + n);
      this.end += n;
      left -= n;
    }
  }

  /** Appends source[0 .. count), a block at a time. */
  pushFrom(source: Float64Array | Int32Array, count: number): void {
    let done = 0;
    while (done < count) {
      const [block, inBlock] = this.next();
      const n = Math.min(count - done, this.perBlock - inBlock);
      block.set(source.subarray(done, done + n), inBlock);
      this.end += n;
      done += n;
    }
  }

  /** The element at absolute position p (start <= p < end). */
  at(p: number): number {
    const offset = p - this.base;
    const b = Math.floor(offset / this.perBlock);
    return this.blocks[b][offset - b * this.perBlock];
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
    return new ColumnView(this.blocks.slice(), this.base, this.perBlock, Math.max(from, this.start), to, this.make);
  }

  /** Elements [from, to) as a plain array, at once (small ranges: live chunks). */
  slice(from = this.start, to = this.end): number[] {
    return this.view(from, to).toArray();
  }
}

/**
 * Rows of `width` numbers (a sample of every series of a state monitor), stored one after the
 * other in Float64Array blocks of `rowsPerBlock` rows: recording a sample writes one contiguous
 * run, and a new block is one allocation however many series there are (a column per series
 * took a block per series at the same sample: 20,000 of them every 64 samples). Positions count
 * rows; dropping, clearing and frozen views work as in Column, and a view reads one series.
 */
export class RowBlocks extends Blocks<Float64Array> {
  constructor(readonly width: number, rowsPerBlock: number) {
    super(rowsPerBlock);
  }

  protected newBlock(): Float64Array {
    return new Float64Array(this.perBlock * this.width);
  }

  /** Adds a row and returns where to write it: its block, and the index of its first number there. */
  appendRow(): [Float64Array, number] {
    const [block, row] = this.next();
    this.end++;
    return [block, row * this.width];
  }

  /** Series `series` (the number at that place in every row) over rows [from, to), frozen as Column.view is. */
  view(series: number, from = this.start, to = this.end): View {
    return new RowSeriesView(this.blocks.slice(), this.base, this.perBlock, this.width, series, Math.max(from, this.start), to);
  }
}

/** What copyViews and copyViewsTyped read: a frozen range of numbers. */
export interface View {
  readonly length: number;
  /** appends elements [done, done + count) of the range to `out`; returns how many */
  copyInto(out: number[], done: number, count: number): number;
  /** copies elements [done, done + count) of the range into out[done ..]; returns how many */
  copyIntoTyped(out: Block, done: number, count: number): number;
  /** an empty typed array of the right kind for the whole range */
  typedArray(): Block;
}

/** Elements [from, to) of a column at the time the view was taken. */
export class ColumnView implements View, Frozen<Block> {
  constructor(
    readonly blocks: Block[],
    readonly base: number,
    readonly perBlock: number,
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
    return walk(this, done, count, (block, inBlock, n) => {
      for (let i = 0; i < n; i++) out.push(block[inBlock + i]);
    });
  }

  /** Copies elements [from + done, from + done + count) into out[done ..]; returns how many it copied. */
  copyIntoTyped(out: Block, done: number, count: number): number {
    return walk(this, done, count, (block, inBlock, n, k) => out.set(block.subarray(inBlock, inBlock + n), k));
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

/** One series of RowBlocks' rows [from, to) at the time the view was taken. */
class RowSeriesView implements View, Frozen<Float64Array> {
  constructor(
    readonly blocks: Float64Array[],
    readonly base: number,
    readonly perBlock: number,
    private readonly width: number,
    private readonly series: number,
    readonly from: number,
    readonly to: number,
  ) {}

  get length(): number {
    return Math.max(0, this.to - this.from);
  }

  copyInto(out: number[], done: number, count: number): number {
    return walk(this, done, count, (block, row, n) => {
      for (let i = 0, at = row * this.width + this.series; i < n; i++, at += this.width) out.push(block[at]);
    });
  }

  copyIntoTyped(out: Block, done: number, count: number): number {
    return walk(this, done, count, (block, row, n, k) => {
      for (let i = 0, at = row * this.width + this.series; i < n; i++, at += this.width) out[k + i] = block[at];
    });
  }

  typedArray(): Block {
    return new Float64Array(this.length);
  }
}

/** A job that copies column views a slice at a time (an Incremental job behind a monitor result). */
export interface CopyJob<T> {
  work(budget: number): boolean;
  readonly value: T;
}

/**
 * Copies several column views into plain arrays a slice at a time: the Incremental job behind
 * every monitor result. `finish` turns the arrays into the result once all are copied.
 * A plain array is allocated and grown in one piece, so a very long one blocks the event loop
 * however it is filled (see copyViewsTyped).
 */
export function copyViews<T>(views: readonly View[], finish: (arrays: number[][]) => T): CopyJob<T> {
  return copyJob(views, () => [] as number[], (view, out, done, count) => view.copyInto(out, done, count), finish);
}

/**
 * The same job into typed arrays of the columns' kinds (Float64Array, Int32Array): they are
 * allocated without being touched and filled a slice at a time, so no single step copies or
 * allocates more than a slice, whatever the size. For results too long for plain arrays.
 */
export function copyViewsTyped<T>(views: readonly View[], finish: (arrays: Block[]) => T): CopyJob<T> {
  return copyJob(views, (view) => view.typedArray(), (view, out, done, count) => view.copyIntoTyped(out, done, count), finish);
}

/**
 * Fills arrays[k] (made by `create` when the copy reaches it: thousands of typed arrays made at
 * once would block) from views[k], at most `budget` numbers per call of work(), then finishes.
 */
function copyJob<A, T>(views: readonly View[], create: (view: View) => A, copy: (view: View, out: A, done: number, count: number) => number, finish: (arrays: A[]) => T): CopyJob<T> {
  const arrays: A[] = [];
  const copied = views.map(() => 0);
  let current = 0;
  let value: T | undefined;
  const reach = () => {
    while (arrays.length <= current && arrays.length < views.length) arrays.push(create(views[arrays.length]));
  };
  return {
    work(budget: number): boolean {
      let left = budget;
      while (current < views.length && left > 0) {
        reach();
        const view = views[current];
        const n = copy(view, arrays[current], copied[current], Math.min(left, view.length - copied[current]));
        copied[current] += n;
        left -= n;
        if (copied[current] >= view.length) current++;
      }
      while (current < views.length && views[current].length === 0) current++;
      if (current >= views.length && value === undefined) {
        reach();
        value = finish(arrays);
      }
      return current >= views.length;
    },
    get value(): T {
      if (value === undefined) throw new Error('the result is not complete yet');
      return value;
    },
  };
}

/**
 * A column of ascending numbers that come in runs of equal values (the time of every spike of a
 * step), stored as one value and one start position per run: a step in which a million neurons
 * spike adds one run, not a million numbers. Positions, views and dropping work as in Column;
 * a view expands the runs as it is copied.
 */
export class RunColumn {
  /** the value of each run, and the absolute position of its first element */
  private readonly values = Column.float64(4096);
  private readonly starts = Column.float64(4096);
  /** absolute positions of the first live element and one past the last */
  start = 0;
  end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(x: number): void {
    this.pushRepeated(x, 1);
  }

  /** Appends `count` copies of x: one run (or a longer last run when x equals its value). */
  pushRepeated(x: number, count: number): void {
    if (count <= 0) return;
    if (this.values.length === 0 || this.values.at(this.values.end - 1) !== x) {
      this.values.push(x);
      this.starts.push(this.end);
    }
    this.end += count;
  }

  /** The absolute run index of the run holding position p (start <= p < end). */
  private runOf(p: number): number {
    let lo = this.starts.start, hi = this.starts.end - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.starts.at(mid) <= p) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** The element at absolute position p (start <= p < end). */
  at(p: number): number {
    return this.values.at(this.runOf(p));
  }

  /** Forgets every element before absolute position p, and the runs that held only those. */
  dropBefore(p: number): void {
    if (p <= this.start) return;
    this.start = Math.min(p, this.end);
    if (this.start === this.end) {
      this.values.dropBefore(this.values.end);
      this.starts.dropBefore(this.starts.end);
      return;
    }
    const r = this.runOf(this.start);
    this.values.dropBefore(r);
    this.starts.dropBefore(r);
  }

  clear(): void {
    this.values.clear();
    this.starts.clear();
    this.start = this.end = 0;
  }

  /** First absolute position whose element is greater than `bound`. */
  firstAbove(bound: number): number {
    const values = this.values;
    let lo = values.start, hi = values.end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (values.at(mid) > bound) hi = mid; else lo = mid + 1;
    }
    return lo === values.end ? this.end : Math.max(this.start, this.starts.at(lo));
  }

  /** A frozen view of [from, to), unaffected by later pushes, drops or clears. */
  view(from = this.start, to = this.end): RunView {
    const first = Math.max(from, this.start);
    if (first >= to) return new RunView([], [], first, first);
    const r0 = this.runOf(first);
    const r1 = this.runOf(to - 1);
    const values: number[] = [];
    const starts: number[] = [];
    for (let r = r0; r <= r1; r++) {
      values.push(this.values.at(r));
      starts.push(this.starts.at(r));
    }
    return new RunView(values, starts, first, to);
  }

  /** Elements [from, to) as a plain array, at once (small ranges: live chunks). */
  slice(from = this.start, to = this.end): number[] {
    return this.view(from, to).toArray();
  }
}

/** Elements [from, to) of a RunColumn at the time the view was taken; runs are expanded as they are copied. */
export class RunView implements View {
  constructor(
    /** the runs covering [from, to): their values and absolute start positions */
    private readonly values: number[],
    private readonly starts: number[],
    readonly from: number,
    readonly to: number,
  ) {}

  get length(): number {
    return Math.max(0, this.to - this.from);
  }

  /** Calls fill(value, at, n) for the runs of elements [from + done, from + done + count), at counted from `from`; returns how many. */
  private each(done: number, count: number, fill: (value: number, at: number, n: number) => void): number {
    let p = this.from + done;
    const stop = Math.min(this.to, p + count);
    const first = p;
    // the run holding p
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.starts[mid] <= p) lo = mid; else hi = mid - 1;
    }
    for (let r = lo; p < stop; r++) {
      const runEnd = r + 1 < this.starts.length ? this.starts[r + 1] : this.to;
      const n = Math.min(stop, runEnd) - p;
      fill(this.values[r], p - this.from, n);
      p += n;
    }
    return p - first;
  }

  copyInto(out: number[], done: number, count: number): number {
    return this.each(done, count, (value, _at, n) => {
      for (let i = 0; i < n; i++) out.push(value);
    });
  }

  copyIntoTyped(out: Block, done: number, count: number): number {
    return this.each(done, count, (value, at, n) => out.fill(value, at, at + n));
  }

  typedArray(): Block {
    return new Float64Array(this.length);
  }

  toArray(): number[] {
    const out: number[] = [];
    this.copyInto(out, 0, this.length);
    return out;
  }
}

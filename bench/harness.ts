/**
 * What every benchmark reports: lines `{ name, value, unit, target? }`, printed as
 * `BENCH <name> <value> <unit>`, and the check of `npm run bench -- --check`: a line with a
 * target misses it when its value is above target.max.
 */

export interface BenchLine {
  name: string;
  value: number;
  unit: string;
  /** the figure the line must stay under for `--check` to pass */
  target?: { max: number };
}

/** A group of lines measured together; `--only` selects groups by name. */
export interface BenchGroup {
  name: string;
  run(): Promise<BenchLine[]>;
}

export function formatLine(line: BenchLine): string {
  const value = Number.isFinite(line.value) ? Number(line.value.toPrecision(4)) : line.value;
  return `BENCH ${line.name} ${value} ${line.unit}`;
}

/** Lines whose value is above their target (a value that is not a number misses too). */
export function missedTargets(lines: readonly BenchLine[]): BenchLine[] {
  return lines.filter((line) => line.target !== undefined && !(line.value <= line.target.max));
}

export interface BenchOptions {
  check: boolean;
  /** group names to run; null: all */
  only: string[] | null;
}

/** `--check`, `--only a,b` (or `--only=a,b`); anything else is refused. */
export function parseBenchArgs(argv: readonly string[], groups: readonly string[]): BenchOptions {
  const options: BenchOptions = { check: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') {
      options.check = true;
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      const names = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      const unknown = names.filter((n) => !groups.includes(n));
      if (names.length === 0 || unknown.length > 0) {
        throw new Error(`--only must list benchmark groups among ${groups.join(', ')} (got ${JSON.stringify(value ?? '')})`);
      }
      options.only = names;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; use --check and --only ${groups.join(',')}`);
    }
  }
  return options;
}

/** The median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0..100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

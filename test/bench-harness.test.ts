/**
 * The bench harness: lines print as `BENCH <name> <value> <unit>`, `--check` finds the lines
 * above their target, `--only` selects groups and refuses unknown ones.
 */
import { describe, expect, it } from 'vitest';
import { formatLine, median, missedTargets, parseBenchArgs, percentile } from '../bench/harness';

describe('the bench harness', () => {
  it('prints a line with four significant digits', () => {
    expect(formatLine({ name: 'flood_admin_p99_ms', value: 123.456789, unit: 'ms', target: { max: 250 } })).toBe('BENCH flood_admin_p99_ms 123.5 ms');
    expect(formatLine({ name: 'x', value: 1234567, unit: 'M/s' })).toBe('BENCH x 1235000 M/s');
  });

  it('finds the lines above their target; lines without a target and values at the target pass, NaN misses', () => {
    const lines = [
      { name: 'a', value: 49.9, unit: 'ms', target: { max: 50 } },
      { name: 'b', value: 50, unit: 'ms', target: { max: 50 } },
      { name: 'c', value: 50.1, unit: 'ms', target: { max: 50 } },
      { name: 'd', value: 1e9, unit: 'M/s' },
      { name: 'e', value: NaN, unit: 'ms', target: { max: 1 } },
    ];
    expect(missedTargets(lines).map((l) => l.name)).toEqual(['c', 'e']);
  });

  it('reads --check and --only, and refuses anything else', () => {
    const groups = ['throughput', 'eventloop', 'flood'];
    expect(parseBenchArgs([], groups)).toEqual({ check: false, only: null });
    expect(parseBenchArgs(['--check', '--only', 'flood,eventloop'], groups)).toEqual({ check: true, only: ['flood', 'eventloop'] });
    expect(parseBenchArgs(['--only=flood'], groups)).toEqual({ check: false, only: ['flood'] });
    expect(() => parseBenchArgs(['--only', 'flod'], groups)).toThrow('--only must list benchmark groups among throughput, eventloop, flood (got "flod")');
    expect(() => parseBenchArgs(['--only'], groups)).toThrow('(got "")');
    expect(() => parseBenchArgs(['--fast'], groups)).toThrow('unknown argument "--fast"');
  });

  it('takes medians and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 99)).toBeNaN();
  });
});

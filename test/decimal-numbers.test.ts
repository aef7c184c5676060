/** Numbers given as text are read in decimal notation only: "0x10" is not 16 (issue 8). */
import { describe, expect, it } from 'vitest';
import { normalizeNeuron } from '../lib/engine/neuron';
import { normalizeClock } from '../lib/engine/simulation';
import { ConfigError, toNumber } from '../lib/engine/validate';

function refusal(make: () => unknown): ConfigError {
  try {
    make();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('numbers as text', () => {
  it.each(['1.5', '-2', '1e-3', '+4', '.5', '2.', '1E3', ' 12 ', '-0', '1e2'])('takes the decimal %j', (text) => {
    expect(toNumber('x', text)).toBe(Number(text.trim()));
  });

  it.each(['0x10', '0X1f', '0b1', '0B101', '0o7', '0O17'])('refuses %j, which is not decimal notation', (text) => {
    const e = refusal(() => toNumber('dt', text));
    expect(e.field).toBe('dt');
    expect(e.message).toBe(`dt must be a number in decimal notation, e.g. 1.5, -2 or 1e-3 (got ${JSON.stringify(text)})`);
  });

  it.each(['-0x10', '1_000', '١٢', 'abc', '1,5'])('refuses %j as not a number', (text) => {
    expect(refusal(() => toNumber('size', text)).message).toBe(`size must be a number (got ${JSON.stringify(text)})`);
  });

  it.each(['Infinity', '-Infinity', '+Infinity', '1e400'])('refuses %j as not finite', (text) => {
    expect(refusal(() => toNumber('duration', text)).message).toBe(`duration must be a finite number (got ${JSON.stringify(text)})`);
  });

  it('refuses hex dt, duration and size in the node configs, naming the field', () => {
    expect(refusal(() => normalizeClock({ dt: '0x10', duration: 100 })).message).toMatch(/^dt must be a number in decimal notation.*\(got "0x10"\)$/);
    expect(refusal(() => normalizeClock({ dt: 0.25, duration: '0x10' })).message).toMatch(/^duration must be a number in decimal notation.*\(got "0x10"\)$/);
    expect(refusal(() => normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, size: '0x10' })).message).toMatch(/^size must be a number in decimal notation.*\(got "0x10"\)$/);
    expect(normalizeClock({ dt: '0.25', duration: '1e2' })).toMatchObject({ dt: 0.25, duration: 100 });
    expect(normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, size: '16' }).size).toBe(16);
  });
});

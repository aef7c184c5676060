/**
 * Expressions as long as the limit allows (2000 characters): deep nesting (parentheses, function
 * calls, prefix operators such as --t) is refused with the nesting limit, before the parser could
 * exhaust the stack; long flat chains such as a sum of 1000 terms are not nesting, and are checked,
 * compiled and evaluated without recursion (issue 8, item 9). Evaluation does what mathjs's own
 * compile() does.
 */
import fc from 'fast-check';
import { all, create } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../lib/engine/expression';
import { normalizeSource } from '../lib/engine/sources';
import { ConfigError } from '../lib/engine/validate';

const math = create(all, {});

function refusal(text: string): ConfigError {
  try {
    compileExpression(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`${text.slice(0, 30)}... was accepted`);
}

/** Runs `fn` with about `frames` calls already on the stack, as inside Node-RED's message handling. */
function withStackInUse<T>(frames: number, fn: () => T): T {
  return frames === 0 ? fn() : withStackInUse(frames - 1, fn);
}

const repeat = (n: number, step: (acc: number) => number, start: number) => {
  let acc = start;
  for (let i = 0; i < n; i++) acc = step(acc);
  return acc;
};

/** [what, text, its value at t as JavaScript computes it]: trees as deep as the text is long. */
const CHAINS: Array<[string, string, (t: number) => number]> = [
  ['a sum of 1000 terms', 't+'.repeat(999) + 't', (t) => repeat(999, (acc) => acc + t, t)],
  ['a difference of 1000 terms', 't-'.repeat(999) + 't', (t) => repeat(999, (acc) => acc - t, t)],
  ['a product of 1000 factors', '1.001*'.repeat(333) + 't', (t) => repeat(333, (acc) => 1.001 * acc, 1) * t],
  ['a sum of 667 negated terms', '-t' + '+-t'.repeat(666), (t) => repeat(666, (acc) => acc + -t, -t)],
  ['100 unary minuses', '-'.repeat(100) + 't', (t) => t],
  ['50 parentheses around 50 signs', '('.repeat(50) + '-+'.repeat(25) + 't' + ')'.repeat(50), (t) => -t],
  ['499 chained conditionals', 't?t:'.repeat(499) + 't', (t) => t],
  ['a staircase of 200 conditionals', Array.from({ length: 200 }, (_, k) => `t<${k + 1}?${k}:`).join('') + '200', (t) => Math.min(200, Math.floor(t))],
  ['a tower of 1000 powers', 't^'.repeat(999) + 't', (t) => (t === 1 ? 1 : NaN)],
  ['1999 factorials', 't' + '!'.repeat(1999), (t) => (t === 1 ? 1 : NaN)],
  ['implicit multiplication of 999 factors', '1' + ' t'.repeat(999), (t) => (t === 1 ? 1 : NaN)],
  ['a chain of 200 ands and nots', 't' + ' and not t'.repeat(199), () => 0],
  ['a relational chain of 667 operands', 't<='.repeat(666) + 't', () => 1],
  ['100 parentheses around a sum of 900 terms', '('.repeat(100) + 't+'.repeat(899) + 't' + ')'.repeat(100), (t) => repeat(899, (acc) => acc + t, t)],
  ['100 parentheses around a tower of 900 powers', '('.repeat(100) + 't^'.repeat(899) + 't' + ')'.repeat(100), (t) => (t === 1 ? 1 : NaN)],
  ['100 parentheses around 449 conditionals', '('.repeat(100) + 't?t:'.repeat(449) + 't' + ')'.repeat(100), (t) => t],
  ['100 nested powers', '1^('.repeat(100) + 't' + ')'.repeat(100), () => 1],
  ['100 nested conditionals', '(t?'.repeat(100) + 't' + ':t)'.repeat(100), (t) => t],
];

describe('long flat chains are accepted and evaluate correctly', () => {
  it.each(CHAINS)('%s', (_what, text, expected) => {
    expect(text.length).toBeLessThanOrEqual(2000);
    for (const frames of [0, 2000]) {
      const expression = withStackInUse(frames, () => compileExpression(text));
      for (const t of [1, 0, 2.5, 7]) {
        const want = expected(t);
        if (Number.isNaN(want)) continue; // not a value this test computes itself
        expect(withStackInUse(frames, () => expression.evaluate(t)), `t = ${t}`).toBe(want);
      }
    }
    expect(normalizeSource({ kind: 'expression', expression: text }).kind).toBe('expression');
  });

  it('a sum of 1000 terms within 2000 characters is accepted, not "nested too deeply"', () => {
    const text = 't+'.repeat(999) + 't';
    expect(text.length).toBe(1999);
    expect(compileExpression(text).evaluate(3)).toBe(3000);
  });
});

describe('deep nesting gets the nesting limit', () => {
  it('takes 100 levels of parentheses, function calls and signs', () => {
    expect(compileExpression('('.repeat(100) + 't' + ')'.repeat(100)).evaluate(4)).toBe(4);
    expect(compileExpression('abs('.repeat(100) + 't' + ')'.repeat(100)).evaluate(-4)).toBe(4);
    expect(compileExpression('-('.repeat(100) + 't' + ')'.repeat(100)).evaluate(4)).toBe(4);
    expect(compileExpression('('.repeat(60) + '-'.repeat(40) + 't' + ')'.repeat(60)).evaluate(4)).toBe(4);
    expect(compileExpression('1e-3 - -t - 2E+2 + -(+t)').evaluate(4)).toBe(1e-3 - -4 - 2e2 + -+4);
  });

  it.each([
    ['999 parentheses', '('.repeat(999) + 't' + ')'.repeat(999), 999],
    ['101 parentheses', '('.repeat(101) + 't' + ')'.repeat(101), 101],
    ['666 negated parentheses', '-('.repeat(666) + 't' + ')'.repeat(666), 666],
    ['250 function calls', 'sin('.repeat(250) + 't' + ')'.repeat(250), 250],
    ['300 brackets', '['.repeat(300) + 't' + ']'.repeat(300), 300],
    ['unbalanced parentheses', '('.repeat(500) + 't', 500],
    ['1999 unary minuses', '-'.repeat(1999) + 't', 1999],
    ['1998 signs', '-+'.repeat(999) + 't', 1998],
    ['499 nots', 'not '.repeat(499) + 't', 499],
    ['101 unary minuses', '-'.repeat(101) + 't', 101],
    ['50 parentheses around 51 signs', '('.repeat(50) + '-'.repeat(51) + 't' + ')'.repeat(50), 101],
    ['signs after a binary operator', 't*' + '-'.repeat(150) + 't', 150],
  ])('refuses %s with the nesting limit', (_what, text, levels) => {
    for (const frames of [0, 2000]) {
      const e = withStackInUse(frames, () => refusal(text));
      expect(e.field).toBe('expression');
      expect(e.message).toMatch(new RegExp(`^expression is nested too deeply \\(${levels} levels of parentheses, brackets, function calls and prefix operators such as -; at most 100\\)`));
    }
  });
});

describe('evaluation is what mathjs computes', () => {
  const heaviside = (x: number) => (x > 0 ? 1 : x < 0 ? 0 : 0.5);
  const leaf = fc.oneof(
    fc.constantFrom('t', 'pi', 'e', '0', '1', '2.5', '1e-3', '100'),
    fc.integer({ min: -50, max: 50 }).map((n) => `(${n})`),
  );
  const expression: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom('-', '+', 'not '), tie('node')).map(([op, a]) => `${op}(${a})`),
      fc.tuple(tie('node'), fc.constantFrom('+', '-', '*', '/', '^', '%', ' mod ', ' and ', ' or ', ' xor ', '==', '!=', '<', '<=', '>', '>='), tie('node')).map(([a, op, b]) => `(${a})${op}(${b})`),
      fc.tuple(tie('node'), fc.constantFrom('<', '<=', '>'), tie('node'), fc.constantFrom('<', '>=', '=='), tie('node')).map(([a, o1, b, o2, c]) => `(${a}) ${o1} (${b}) ${o2} (${c})`),
      fc.tuple(tie('node'), tie('node'), tie('node')).map(([c, a, b]) => `(${c}) ? (${a}) : (${b})`),
      fc.tuple(fc.constantFrom('sin', 'cos', 'abs', 'sqrt', 'exp', 'log', 'floor', 'sign', 'heaviside', 'square'), tie('node')).map(([f, a]) => `${f}(${a})`),
      fc.tuple(fc.constantFrom('min', 'max', 'pow', 'mod', 'atan2', 'hypot'), tie('node'), tie('node')).map(([f, a, b]) => `${f}(${a}, ${b})`),
      fc.tuple(tie('node'), fc.constantFrom('!', "'")).map(([a, op]) => `(${a})${op}`),
    ),
  })).node;

  it('gives the same value or the same error as mathjs, for random expressions', () => {
    fc.assert(
      fc.property(expression, fc.constantFrom(0, 1, 2.5, 10, -3, 0.1), (text, t) => {
        let reference: unknown;
        let referenceError: Error | undefined;
        try {
          reference = math.parse(text).compile().evaluate(new Map<string, unknown>([['t', t], ['heaviside', heaviside]]));
        } catch (e) {
          referenceError = e as Error;
        }
        let compiled: ReturnType<typeof compileExpression> | undefined;
        try {
          compiled = compileExpression(text);
        } catch (e) {
          // compilation evaluates at t = 0, so it may refuse what fails there
          expect(e).toBeInstanceOf(ConfigError);
          expect((e as ConfigError).message).toMatch(/at t = 0 ms/);
          return;
        }
        const number = typeof reference === 'boolean' ? Number(reference) : reference;
        if (referenceError) {
          expect(() => compiled!.evaluate(t)).toThrow(`fails at t = ${t} ms: ${referenceError.message}`);
        } else if (typeof number === 'number' && Number.isFinite(number)) {
          expect(compiled.evaluate(t)).toBe(number);
        } else {
          expect(() => compiled!.evaluate(t)).toThrow(`must give a finite number, but gives ${String(reference)} at t = ${t} ms`);
        }
      }),
      { seed: 8, numRuns: 2000 },
    );
  });
});

/**
 * Expression safety: the known ways out of a mathjs sandbox, tried from a current source's
 * config and from messages, are each refused with a clear error, before anything runs; the
 * math namespace, the prototypes and the process stay as they were.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compileExpression } from '../lib/engine/expression';
import { normalizeSource } from '../lib/engine/sources';
import { ConfigError } from '../lib/engine/validate';
import { errorsOf, expectKnownGoodRun, lastStatus, next, nextCall, NODES, PATTERN_A, patternA } from './flow-helpers';

helper.init(require.resolve('node-red'));

/** [attempt, what the refusal says]. */
const ATTEMPTS: Array<[string, RegExp]> = [
  // reaching the parser, the unit system or the namespace from inside
  ['import({x: 1})', /uses the function import, which is not allowed/],
  ['import({pi: 3}, {override: true})', /uses the function import/],
  ['createUnit("foo")', /uses the function createUnit/],
  ['createUnit("foo", "1 m")', /uses the function createUnit/],
  ['evaluate("1+1")', /uses the function evaluate/],
  ['parse("1")', /uses the function parse/],
  ['compile("1")', /uses the function compile/],
  ['simplify("x+x")', /uses the function simplify/],
  ['derivative("x^2", "x")', /uses the function derivative/],
  ['resolve(t, {})', /uses the function resolve/],
  ['reviver()', /uses the function reviver/],
  ['config({number: "BigNumber"})', /uses the function config/],
  ['chain(3)', /uses the function chain/],
  ['help(cos)', /uses the function help/],
  ['map([1], f)', /uses the function map/],
  ['unit("5 cm")', /uses the function unit/],
  ['typeOf(t)', /uses the function typeOf/],
  ['random()', /uses the function random/],
  // constructors and property access
  ['t.constructor', /property access is not allowed/],
  ['[].constructor', /property access is not allowed/],
  ['{}.constructor', /property access is not allowed/],
  ['cos.constructor', /property access is not allowed/],
  ['cos.constructor("return process")', /uses the function property access, which is not allowed/],
  ['cos.constructor("return process")()', /does not parse/],
  ['cos["constructor"]', /property access is not allowed/],
  ['cos["constr" + "uctor"]', /property access is not allowed/],
  ['sin.toString()', /uses the function property access/],
  ['cos.apply(null, [1])', /uses the function property access/],
  ['process.exit()', /uses the function property access/],
  ['constructor(1)', /uses the function constructor/],
  ['toString(1)', /uses the function toString/],
  ['valueOf(t)', /uses the function valueOf/],
  ['hasOwnProperty(1)', /uses the function hasOwnProperty/],
  ['__proto__', /unknown symbol "__proto__"/],
  ['this', /unknown symbol "this"/],
  ['process', /unknown symbol "process"/],
  ['global', /unknown symbol "global"/],
  ['t ? cos : sin', /unknown symbol "cos"/],
  // assignments, definitions, several statements
  ['f = cos.constructor', /an assignment is not allowed/],
  ['f = cos.constructor; f("return process")()', /does not parse/],
  ['f = cos.constructor\nf("return process")', /(several statements|an assignment) is not allowed/],
  ['x = 3', /an assignment is not allowed/],
  ['f(x) = x', /a function definition is not allowed/],
  ['x => x', /does not parse/],
  ['Function("return 1")()', /does not parse/],
  ['eval("1")', /uses the function eval/],
  // objects, matrices, ranges, strings and string tricks
  ['{a: 1}', /an object is not allowed/],
  ['[1, 2]', /a matrix is not allowed/],
  ['min([1, 2])', /a matrix is not allowed/],
  ['1:3', /a range is not allowed/],
  ['"a" + "b"', /may only contain numbers, not "a"/],
  ['concat("a", "b")', /uses the function concat/],
  ['string(t)', /uses the function string/],
  ['format(t)', /uses the function format/],
  ['print("$0", [1])', /uses the function print/],
  ['"return process"', /may only contain numbers/],
  ["'return process'", /may only contain numbers/],
  // unicode escapes and look-alikes
  ['\\u0063os(t)', /does not parse/],
  ['"\\u0063onstructor"', /may only contain numbers/],
  ['ｃｏｓ(t)', /does not parse/],
  ['cоs(t)', /does not parse|uses the function cоs, which is not allowed/], // Cyrillic o
  ['ⅽos(t)', /does not parse|uses the function ⅽos, which is not allowed/], // small roman numeral one hundred
  // units, complex numbers, non-finite values
  ['5 cm', /unknown symbol "cm"/],
  ['t to cm', /unknown symbol "cm"/],
  ['e^(i*pi)', /unknown symbol "i"/],
  ['sqrt(-1)', /must give a finite number, but gives i at t = 0 ms/],
  ['1e400', /must give a finite number, but gives Infinity/],
  ['null', /may only contain numbers, not null/],
  ['true', /may only contain numbers, not true/],
  // sizes that would exhaust the parser or the stack
  ['-'.repeat(1998) + 't', /is nested too deeply \(1998 levels of parentheses, brackets, function calls and prefix operators such as -; at most 100\)/],
  ['('.repeat(999) + 't' + ')'.repeat(999), /is nested too deeply \(999 levels of parentheses, brackets, function calls and prefix operators such as -; at most 100\)/],
  ['sin('.repeat(101) + 't' + ')'.repeat(101), /is nested too deeply \(101 levels/],
  ['-('.repeat(666) + 't' + ')'.repeat(666), /is nested too deeply \(666 levels/],
  ['t+'.repeat(1001) + 't', /is too long \(at most 2000 characters\)/],
  // wrong calls of allowed functions
  ['heaviside()', /fails at t = 0 ms: heaviside takes one number \(got 0 arguments\)/],
  ['heaviside(t, 1)', /heaviside takes one number \(got 2 arguments\)/],
  ['pow(t, t, t)', /fails at t = 0 ms: Too many arguments/],
  ['max()', /fails at t = 0 ms: Too few arguments/],
];

/** Everything the sandbox must leave as it was. */
function snapshot() {
  return {
    object: Object.getOwnPropertyNames(Object.prototype).sort(),
    fn: Object.getOwnPropertyNames(Function.prototype).sort(),
    array: Object.getOwnPropertyNames(Array.prototype).sort(),
    globals: Object.keys(globalThis).sort(),
    exit: process.exit,
    cos: compileExpression('cos(t) + pi').evaluate(0),
  };
}

describe('expressions refuse every way out of the sandbox', () => {
  const before = snapshot();

  it.each(ATTEMPTS)('refuses %j', (text, message) => {
    let error: unknown;
    try {
      compileExpression(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('expression');
    expect((error as ConfigError).message).toMatch(message);
    // the same refusal from a current source's config
    expect(() => normalizeSource({ kind: 'expression', expression: text })).toThrow(message);
  });

  it('left the prototypes, the globals and the math namespace alone', () => {
    expect(snapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(compileExpression('pi').evaluate(0)).toBe(Math.PI);
  });

  it('still takes the expressions it is for', () => {
    expect(compileExpression('20 * (t >= 10)').evaluate(12)).toBe(20);
    expect(compileExpression('t < 200 ? t/25 : 0').evaluate(100)).toBe(4);
    expect(compileExpression('heaviside(t - 5) * sin(2 * pi * t / 100)').evaluate(5)).toBe(0.5 * Math.sin(Math.PI / 10));
    expect(compileExpression("t! + t'").evaluate(3)).toBe(9);
  });
});

describe('from a node config and from messages, in Node-RED', () => {
  beforeAll(() => helper.startServer());
  afterEach(() => helper.unload());
  afterAll(() => helper.stopServer());

  it('refuses each attempt in a source config with a red status, and the clock will not run it', async () => {
    for (const [text, message] of ATTEMPTS.filter((_, i) => i % 3 === 0)) {
      await helper.load(NODES, patternA({ source: { kind: 'expression', expression: text } }));
      expect(errorsOf('source')).toHaveLength(1);
      expect(errorsOf('source')[0]).toMatch(/^current source "step": expression /);
      expect(errorsOf('source')[0]).toMatch(message);
      expect(lastStatus('source')).toMatchObject({ fill: 'red', shape: 'ring' });
      const error = nextCall('clock', 'error');
      helper.getNode('clock').receive({ payload: 'start' });
      expect(await error).toMatch(message);
      await helper.unload();
    }
  });

  it('refuses each attempt in a message, keeps the last good input, and the run reproduces pattern A', async () => {
    await helper.load(NODES, patternA());
    const source = helper.getNode('source');
    for (const [text, message] of ATTEMPTS) {
      const error = nextCall('source', 'error');
      source.receive({ payload: text });
      expect(await error).toMatch(message);
      const again = nextCall('source', 'error');
      source.receive({ payload: { kind: 'expression', expression: text } });
      expect(await again).toMatch(message);
    }
    expect(errorsOf('source')).toHaveLength(2 * ATTEMPTS.length);
    expect(lastStatus('source')).toMatchObject({ fill: 'red' });
    const spikes = next('spikeOut');
    helper.getNode('clock').receive({ payload: 'start' });
    expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
  });

  it('refuses them while a run goes on, which keeps its input', async () => {
    await helper.load(NODES, patternA({ clock: { mode: 'realtime', speed: 5, interval: 10 } }));
    const spikes = next('spikeOut');
    helper.getNode('clock').receive({ payload: 'start' });
    for (const [text] of ATTEMPTS) helper.getNode('source').receive({ payload: text });
    expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
    expect(errorsOf('source')).toHaveLength(ATTEMPTS.length);
  });

  it('leaves a runtime that still runs pattern A', async () => {
    await expectKnownGoodRun();
  });
});

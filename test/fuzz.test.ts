/**
 * Property-based tests (fast-check) of bad input, for the engine and for every node inside a
 * real Node-RED runtime: random configurations (missing, empty, wrong type, NaN, Infinity, huge,
 * negative, markup, unknown presets, malformed expressions) and random messages of every type,
 * while stopped, running and paused, and in floods. Whatever comes in:
 *  - nothing escapes as an uncaught exception or unhandled rejection;
 *  - what is invalid gets one node.error naming the node, the field and the value, and a red status;
 *  - invalid messages leave the last good settings in force (the run still reproduces pattern A);
 *  - the runtime is neither crashed nor wedged: after each property, pattern A on a fresh load
 *    gives the published spike times.
 */
import fc from 'fast-check';
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compileNetwork, neuronSpecOf, SPIKE_EVENTS, type FlowNode } from '../lib/flow/compiler';
import { compileExpression } from '../lib/engine/expression';
import { normalizeSpikeMonitor, normalizeStateMonitor, STATE_VARIABLES } from '../lib/engine/monitors';
import { FORMS, MAX_POPULATION, normalizeNeuron, RECOVERY_LAWS, SCHEMES } from '../lib/engine/neuron';
import { PRESETS } from '../lib/flow/presets';
import { MAX_STEPS, MODES, normalizeClock } from '../lib/engine/simulation';
import { EDGES, INTERPOLATIONS, normalizeSource, SOURCE_KINDS } from '../lib/engine/sources';
import { ConfigError, oneOf, toBoolean } from '../lib/engine/validate';
import { fieldNames, neuronParameterNames, prepareConfig, processEnv, typeFieldOf, TYPED_TYPES } from '../lib/engine/schema';
import {
  callsOf, collect, ended, errorsOf, expectKnownGoodRun, finished, lastStatus, next, NODES, PATTERN_A, patternA, settle, tick, until, type Flow, type Overrides,
} from './flow-helpers';

helper.init(require.resolve('node-red'));

// the same random cases on every run, so CI is reproducible; FC_SEED=<n> explores other ones
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261125) });

// ---------------------------------------------------------------------------------------------
// arbitraries

const MARKUP = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{constructor.constructor("return process")()}}', '${process.exit(1)}', "'; DROP TABLE flows; --", '\u202e\u0000\uffff'];
const markup = fc.constantFrom(...MARKUP);
const weirdNumber = fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, Number.MIN_VALUE, -0, 2 ** 53, 1e12, 1e9, -1, 0, 0.5);
const weirdString = fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', '1e400', '0x1F', '1,2', 'abc', 'null', 'true', '-', '٣', '__proto__', 'constructor');
/** Anything a flow file may hold in a field, mostly wrong (plus NaN, Infinity and missing values). */
const configJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  weirdNumber,
  weirdString,
  markup,
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 4 }),
  // as a flow file holds them: plain objects (Node-RED's deploy check compares prototypes too)
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }).map((o) => JSON.parse(JSON.stringify(o)) as unknown),
);
/** Anything a message may hold in a field: also objects without a prototype. */
const junk: fc.Arbitrary<unknown> = fc.oneof({ weight: 12, arbitrary: configJunk }, { weight: 1, arbitrary: fc.constant(Object.create(null)) });
/** A config field that is usually good, sometimes junk, sometimes missing. */
const configField = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: configJunk });
/** A field that is usually good, sometimes junk, sometimes missing. */
const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: junk });

const VALID_EXPRESSIONS = ['20 * (t >= 10)', 't < 50 ? 14 : 0', '10 + 5 * sin(2 * pi * t / 20)', 'heaviside(t - 10) * 14', 'max(0, min(20, t / 5))', 't', 'log(t + 1)'];
const BAD_EXPRESSIONS = ['import({x: 1})', 'createUnit("a")', 'cos.constructor("return process")()', 't.constructor', '[].constructor', 'f = cos.constructor',
  '{a: 1}', '"a" + "b"', 'evaluate("1")', 'parse("1")', 'simplify("t")', 'derivative("t^2", "t")', 'y + 1', '1 +', '((t', 'sqrt(-1 - t)', 'log(t - 50)', '-'.repeat(1998) + 't',
  '\\u0063os(t)', 'x = 3', 'f(x) = x', '1:3'];
const expression = fc.oneof(fc.constantFrom(...VALID_EXPRESSIONS, ...BAD_EXPRESSIONS, ...MARKUP), fc.string({ maxLength: 30 }));

/**
 * Typed fields (a number or an environment variable): the type, and the variables a value of
 * type env may name, set to good, bad and empty values or not set at all.
 */
const ENV_VALUES: Record<string, string> = { IZH_FUZZ_GOOD: '0.5', IZH_FUZZ_BIG: '150', IZH_FUZZ_NEG: '-1', IZH_FUZZ_TEXT: 'abc', IZH_FUZZ_HEX: '0x10', IZH_FUZZ_EMPTY: '' };
for (const [name, value] of Object.entries(ENV_VALUES)) process.env[name] = value;
const envName = fc.constantFrom(...Object.keys(ENV_VALUES), 'IZH_FUZZ_UNSET', '${IZH_FUZZ_GOOD}', ' IZH_FUZZ_GOOD ', '');
const typeOf = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TYPED_TYPES) }, { weight: 1, arbitrary: configJunk });
/** A typed field: its value (a number or a variable name, or junk) and its type. */
const typed = <T>(name: string, good: fc.Arbitrary<T>) =>
  fc.record({ [name]: fc.oneof(configField(good), envName), [typeFieldOf(name)]: typeOf }, { requiredKeys: [] });

/** Random expression text from tokens, valid and hostile ones. */
const TOKENS = ['t', 'pi', 'e', '1', '2.5', '1e400', '+', '-', '*', '/', '^', '(', ')', '?', ':', '<', '>=', '==', 'and', 'or', 'not', '!', "'", 'sin(', 'max(',
  'heaviside(', 'abs(', ',', 'import(', 'createUnit(', 'evaluate(', 'parse(', 'simplify(', 'derivative(', 'resolve(', 'reviver(', 'compile(', 'config(',
  '.constructor', '["constructor"]', '[', ']', '{', '}', '"', "'", '=', ';', '\n', 'x', 'process', 'this', 'cos', '.', '\\u0063', 'i', 'cm', 'to', 'NaN', 'null', ' '];
const tokenExpression = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 14 }).map((parts) => parts.join(''));

// ---------------------------------------------------------------------------------------------
// oracles

/** What a node shows for a ConfigError: the engine's message, attributed to the node. */
const asNodeError = (e: ConfigError, label: string) => (e.nodeLabel ? e.message : `${label}: ${e.message}`);
/** Runs `f`; its ConfigError, or null when it succeeds. Anything else fails the test. */
function refusalOf(f: () => unknown): ConfigError | null {
  try {
    f();
    return null;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e;
  }
}
/** An error message of ours: the node's kind and name, then the field, and the value. */
const LABELLED = /^(clock|current source|neuron|spike monitor|state monitor) ("[^"]*"|\S+): \S+ [\s\S]* \(got [\s\S]*\)$/;

function expectConfigError(e: unknown): asserts e is ConfigError {
  expect(e).toBeInstanceOf(ConfigError);
  const err = e as ConfigError;
  expect(typeof err.field).toBe('string');
  expect(err.field.length).toBeGreaterThan(0);
  expect(err.message).toContain(err.field);
  expect(err.message).toMatch(/\(got [\s\S]*\)$/);
}

const finiteNumber = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

// ---------------------------------------------------------------------------------------------
// running a loaded flow

/**
 * Starts the clock of the loaded pattern-A flow and stops it. Either the start is refused (one
 * labelled error, red clock) or the run starts and ends; returns which.
 */
async function startAndStop(): Promise<'refused' | 'ran'> {
  const events = collect('events');
  const before = errorsOf('clock').length;
  helper.getNode('clock').receive({ payload: 'start' });
  const errors = errorsOf('clock').slice(before); // input handlers run synchronously
  if (errors.length > 0) {
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(LABELLED);
    expect(lastStatus('clock')).toMatchObject({ fill: 'red', shape: 'ring' });
    return 'refused';
  }
  helper.getNode('clock').receive({ payload: 'stop' });
  // a wedged clock never says so, and the test runs into its timeout
  await until('events', () => events.some((m) => m.payload.event === 'started') && events.some(ended));
  return 'ran';
}

/** Loads `flow`, runs `body`, and always unloads, also when an assertion failed (fast-check then shrinks). */
async function withFlow(flow: Flow, body: () => Promise<void>): Promise<void> {
  try {
    await helper.load(NODES, flow);
    await body();
  } finally {
    await helper.unload();
  }
}

const nodeOf = (flow: Flow, id: string) => flow.find((n) => n.id === id) as FlowNode;

// ---------------------------------------------------------------------------------------------

const uncaught: unknown[] = [];
const record = (e: unknown) => uncaught.push(e);

beforeAll(() => {
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
});
afterAll(() => {
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
});

describe('engine: validation gives a valid spec or a ConfigError, nothing else', () => {
  const anyRaw = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), junk, { maxKeys: keys.length });
  const runs = { numRuns: 1500 };

  it('typed fields: a number, an environment variable or junk gives a spec or a ConfigError naming the field (and the variable)', () => {
    const clock = fc.tuple(typed('dt', fc.constantFrom(0.25, '0.5')), typed('duration', fc.constantFrom(100, '')), typed('speed', fc.constantFrom(1, '2')), fc.constantFrom('batch', 'realtime'))
      .map(([a, b, c, mode]) => ({ type: 'izh-clock', ...a, ...b, ...c, mode }));
    const source = fc.tuple(typed('amplitude', fc.constantFrom(14, '-3')), fc.constantFrom(...SOURCE_KINDS)).map(([a, kind]) => ({ type: 'izh-source', kind, onset: 10, width: 1, period: 5, slope: 1, frequency: 1, std: 1, table: '0 0', expression: 't', ...a }));
    fc.assert(fc.property(fc.oneof(clock, source), (raw) => {
      let config: Record<string, unknown>;
      try {
        config = prepareConfig(raw, processEnv);
      } catch (e) {
        expectConfigError(e);
        const err = e as ConfigError;
        expect(['dt', 'duration', 'speed', 'amplitude', 'dtType', 'durationType', 'speedType', 'amplitudeType']).toContain(err.field);
        // an unreadable variable is named
        if (!err.field.endsWith('Type') && raw[`${err.field}Type` as keyof typeof raw] === 'env' && !/must name/.test(err.reason)) expect(err.reason).toMatch(/^\(env .+?\) /);
        return;
      }
      // what is left are numbers (or blanks) for the normalize functions to check
      for (const name of ['dt', 'duration', 'speed', 'amplitude']) {
        if (config[name] !== undefined && config[`${name}Type`] === 'env') expect(typeof config[name] === 'number' || config[name] === '').toBe(true);
      }
      const refusal = refusalOf(() => (raw.type === 'izh-clock' ? normalizeClock(config) : normalizeSource(config)));
      if (refusal) expectConfigError(refusal);
    }), runs);
  });

  it('normalizeClock', () => {
    const good = fc.record({
      dt: field(fc.constantFrom(0.1, 0.25, 1, '0.5', 1000)),
      duration: field(fc.constantFrom(100, '250', '', 1e6, 1e9)),
      mode: field(fc.constantFrom(...MODES)),
      speed: field(fc.constantFrom(1, 10, '2', 10000)),
      interval: field(fc.constantFrom(10, 50, '100')),
      startOnDeploy: field(fc.constantFrom(true, false, 'true', 'false')),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(good, anyRaw(fieldNames('izh-clock'))), (raw) => {
      let s;
      try {
        s = normalizeClock(raw);
      } catch (e) {
        expectConfigError(e);
        return;
      }
      expect(finiteNumber(s.dt) && s.dt > 0 && s.dt <= 1000).toBe(true);
      expect(s.duration > 0 && s.dt <= s.duration).toBe(true);
      if (s.duration === Infinity) expect(s.mode).toBe('realtime');
      else expect(s.duration / s.dt).toBeLessThanOrEqual(MAX_STEPS);
      expect(MODES).toContain(s.mode);
      expect(finiteNumber(s.speed) && s.speed > 0 && s.speed <= 10000).toBe(true);
      expect(finiteNumber(s.interval) && s.interval >= 10 && s.interval <= 10000).toBe(true);
      expect(typeof s.startOnDeploy).toBe('boolean');
    }), runs);
  });

  it('normalizeNeuron', () => {
    const KEYS = ['size', 'scheme', 'form', ...neuronParameterNames()];
    const good = fc.record({
      size: field(fc.constantFrom(1, 2, '10', MAX_POPULATION, MAX_POPULATION + 1)),
      scheme: field(fc.constantFrom(...SCHEMES)),
      form: field(fc.constantFrom(...FORMS)),
      a: field(fc.constantFrom(0.02, 0.1, -0.02)), b: field(fc.constantFrom(0.2, 0.25, -1)), c: field(fc.constantFrom(-65, -50, 40)), d: field(fc.constantFrom(2, 8, -21)),
      v0: field(fc.constantFrom(-70, -60)), recovery: field(fc.constantFrom(...RECOVERY_LAWS)),
      C: field(fc.constantFrom(100, 0, -1)), k: field(fc.constantFrom(0.7, 1)), vr: field(fc.constantFrom(-60)), vt: field(fc.constantFrom(-40)), vpeak: field(fc.constantFrom(35, 30, -80)),
      uMax: field(fc.constantFrom(670, '')), vb: field(fc.constantFrom(-55, '')), bSwitchV: field(fc.constantFrom(-65, '')),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(good, anyRaw(KEYS)), (raw) => {
      let s;
      try {
        s = normalizeNeuron(raw);
      } catch (e) {
        expectConfigError(e);
        return;
      }
      expect(Number.isInteger(s.size) && s.size >= 1 && s.size <= MAX_POPULATION).toBe(true);
      expect(SCHEMES).toContain(s.scheme);
      const p = s.params as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(p)) {
        if (key === 'form' || key === 'recovery') continue;
        if (key === 'uMax') expect(typeof value === 'number' && !Number.isNaN(value)).toBe(true);
        else if (key === 'vb' || key === 'bSwitchV') expect(value === null || finiteNumber(value)).toBe(true);
        else expect(finiteNumber(value), `${key} = ${String(value)}`).toBe(true);
      }
      expect((p.c as number) < (p.vpeak as number)).toBe(true);
    }), runs);
  });

  it('normalizeSource', () => {
    const KEYS = fieldNames('izh-source');
    const good = fc.record({
      kind: field(fc.constantFrom(...SOURCE_KINDS)),
      amplitude: field(fc.constantFrom(14, -5, '3')), baseline: field(fc.constantFrom(0, 1)), onset: field(fc.constantFrom(10, 50)), offset: field(fc.constantFrom(20, 60)),
      edges: field(fc.constantFrom(...EDGES)), times: field(fc.constantFrom('10, 20', [5, 1], '')), period: field(fc.constantFrom(10, 0)), width: field(fc.constantFrom(1, 20)),
      count: field(fc.constantFrom(3, 1.5)), slope: field(fc.constantFrom(0.1)), frequency: field(fc.constantFrom(10, -1)), std: field(fc.constantFrom(1, -1)),
      seed: field(fc.constantFrom(7, 2 ** 32)), table: field(fc.constantFrom('[[0,0],[50,10]]', '0 0\n50 10', '[[0', [[0, 1], [0, 2]])),
      interpolation: field(fc.constantFrom(...INTERPOLATIONS)), expression: field(expression),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(good, anyRaw(KEYS)), (raw) => {
      let s;
      try {
        s = normalizeSource(raw);
      } catch (e) {
        expectConfigError(e);
        return;
      }
      expect(SOURCE_KINDS).toContain(s.kind);
      for (const [key, value] of Object.entries(s)) {
        if (typeof value === 'number') expect(Number.isNaN(value), key).toBe(false);
      }
      if ('onset' in s && 'offset' in s) expect(s.offset > s.onset).toBe(true);
      if (s.kind === 'expression') expect(compileExpression(s.expression).evaluate(0)).toSatisfy(finiteNumber);
      if (s.kind === 'table') expect(s.points.every(([t, i]) => finiteNumber(t) && finiteNumber(i))).toBe(true);
    }), runs);
  });

  it('normalizeStateMonitor and normalizeSpikeMonitor', () => {
    const good = fc.record({
      variables: field(fc.constantFrom('v', 'v,I', 'u, v', ['v', 'u'], 'w', '')), indices: field(fc.constantFrom('0', '0, 3', 'all', '', [1, 2], '-1', '1.5')),
      every: field(fc.constantFrom(1, 4, 0)), maxValues: field(fc.constantFrom(1000, 0)), window: field(fc.constantFrom(100, '', 0)), maxSpikes: field(fc.constantFrom(10, 0)),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(good, anyRaw(['variables', 'indices', 'every', 'maxValues', 'window', 'maxSpikes'])), (raw) => {
      const state = refusalOf(() => {
        const s = normalizeStateMonitor(raw);
        expect(s.variables.length).toBeGreaterThan(0);
        for (const v of s.variables) expect(STATE_VARIABLES).toContain(v);
        expect(s.indices === null || (s.indices.length > 0 && s.indices.every((i) => Number.isInteger(i) && i >= 0))).toBe(true);
        expect(Number.isInteger(s.every) && s.every >= 1).toBe(true);
        expect(Number.isInteger(s.maxValues) && s.maxValues >= 1).toBe(true);
        expect(s.window === null || (finiteNumber(s.window) && s.window! > 0)).toBe(true);
      });
      if (state) expectConfigError(state);
      const spikes = refusalOf(() => {
        const s = normalizeSpikeMonitor(raw);
        expect(s.window === null || (finiteNumber(s.window) && s.window > 0)).toBe(true);
        expect(Number.isInteger(s.maxSpikes) && s.maxSpikes >= 1).toBe(true);
      });
      if (spikes) expectConfigError(spikes);
    }), runs);
  });

  it('compileExpression', () => {
    const ALLOWED_NAMES = new Set(['t', 'pi', 'e', 'tau', 'phi', 'and', 'or', 'not', 'xor', 'mod', 'to', 'in',
      'abs', 'sign', 'sqrt', 'cbrt', 'exp', 'expm1', 'log', 'log10', 'log2', 'log1p', 'pow', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2',
      'sinh', 'cosh', 'tanh', 'min', 'max', 'floor', 'ceil', 'round', 'fix', 'heaviside', 'square', 'cube', 'hypot', 'equal', 'unequal', 'larger',
      'smaller', 'largerEq', 'smallerEq']);
    fc.assert(fc.property(fc.oneof(tokenExpression, expression, junk), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (text, t) => {
      let compiled;
      try {
        compiled = compileExpression(text);
      } catch (e) {
        expectConfigError(e);
        expect((e as ConfigError).field).toBe('expression');
        return;
      }
      expect(typeof text).toBe('string');
      // every name in an accepted expression is t, a constant, an operator word or an allowed function
      // (mathjs ignores everything after a # on a line: a comment)
      const names = (text as string).replace(/#.*$/gm, ' ').replace(/0[xbo][\da-f]+|(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/gi, ' ').match(/[A-Za-z_$][\w$]*/g) ?? [];
      for (const name of names) expect(ALLOWED_NAMES.has(name), `${name} in ${JSON.stringify(text)}`).toBe(true);
      expect(compiled.evaluate(0)).toSatisfy(finiteNumber);
      const at = refusalOf(() => expect(compiled.evaluate(t)).toSatisfy(finiteNumber));
      if (at) expectConfigError(at);
    }), { numRuns: 3000 });
  });

  it('compileNetwork of a pattern-A flow with random fields', () => {
    fc.assert(fc.property(fc.record({
      clock: fc.dictionary(fc.constantFrom('dt', 'duration', 'mode'), junk, { maxKeys: 2 }),
      source: fc.dictionary(fc.constantFrom('kind', 'amplitude', 'onset', 'expression'), junk, { maxKeys: 2 }),
      neuron: fc.dictionary(fc.constantFrom('size', 'form', 'spikeEvents', 'params'), junk, { maxKeys: 2 }),
      state: fc.dictionary(fc.constantFrom('variables', 'indices', 'every', 'maxValues', 'window'), junk, { maxKeys: 2 }),
      spikes: fc.dictionary(fc.constantFrom('window', 'maxSpikes'), junk, { maxKeys: 2 }),
    }), (overrides) => {
      const e = refusalOf(() => compileNetwork(patternA(overrides) as FlowNode[], 'clock'));
      if (e) {
        expectConfigError(e);
        expect(e.nodeLabel).toMatch(/^(clock|current source|neuron|spike monitor|state monitor) "/);
      }
    }), runs);
  });
});

describe('nodes in Node-RED: random configurations', () => {
  beforeAll(() => helper.startServer());
  afterAll(() => helper.stopServer());
  afterEach(async () => {
    await helper.unload();
    expect(uncaught).toEqual([]);
    await expectKnownGoodRun();
  });
  const runs = { numRuns: 60 };

  /**
   * Loads pattern A with the given overrides; the node under test shows exactly the engine's
   * refusal (red) or none; a start is refused with a labelled error or runs and stops.
   */
  async function checkConfig(overrides: Overrides, id: string, label: string, validate: (node: FlowNode) => unknown, compiled = validate): Promise<void> {
    const flow = patternA(overrides);
    const expected = refusalOf(() => validate(nodeOf(flow, id)));
    // a run is refused when what the network needs is invalid (a monitor's own "live" is not)
    const refused = refusalOf(() => compiled(nodeOf(flow, id)));
    await withFlow(flow, async () => {
      const errors = errorsOf(id);
      if (expected) {
        expect(errors[0]).toBe(asNodeError(expected, label));
        expect(errors[0]).toMatch(LABELLED);
        expect(lastStatus(id)).toMatchObject({ fill: 'red', shape: 'ring' });
        expect(lastStatus(id).text.length).toBeLessThanOrEqual(40);
      } else {
        for (const e of errors) expect(e).toMatch(LABELLED); // e.g. a start on deploy that was refused
        if (id !== 'clock' || errors.length === 0) expect(lastStatus(id)?.fill).not.toBe('red');
      }
      const outcome = await startAndStop();
      if (refused) expect(outcome).toBe('refused');
    });
  }

  it('clock', async () => {
    const config = fc.record({
      dt: configField(fc.constantFrom(0.25, 0.1, 1, '0.5')),
      duration: configField(fc.constantFrom(100, 50, '', '200', 1e6)),
      mode: configField(fc.constantFrom(...MODES)),
      speed: configField(fc.constantFrom(1, 50, '')),
      interval: configField(fc.constantFrom(10, 50, '')),
      startOnDeploy: configField(fc.constantFrom(false, 'false', true)),
      name: fc.constantFrom('clock'),
    }, { requiredKeys: ['name'] });
    // dt, duration and speed may be environment variables: the node resolves them, then validates
    const withTypes = fc.tuple(config, typed('dt', fc.constantFrom(0.25, '0.5')), typed('duration', fc.constantFrom(100, '')), typed('speed', fc.constantFrom(1, 50)))
      .map(([c, dt, duration, speed]) => ({ ...c, ...dt, ...duration, ...speed }));
    const oracle = (node: FlowNode) => normalizeClock(prepareConfig(node, processEnv));
    await fc.assert(fc.asyncProperty(fc.oneof(config, withTypes), (clock) => checkConfig({ clock }, 'clock', 'clock "clock"', oracle)), runs);
  });

  it('current source', async () => {
    const config = fc.record({
      kind: configField(fc.constantFrom(...SOURCE_KINDS)),
      amplitude: configField(fc.constantFrom(14, 5, '10')), onset: configField(fc.constantFrom(10, 60)), offset: configField(fc.constantFrom(50, 5)),
      times: configField(fc.constantFrom('10, 30, 50', '')), period: configField(fc.constantFrom(20)), width: configField(fc.constantFrom(5, 50)),
      slope: configField(fc.constantFrom(0.2)), frequency: configField(fc.constantFrom(10)), mean: configField(fc.constantFrom(5)), std: configField(fc.constantFrom(3)),
      seed: configField(fc.constantFrom(1, 99)), table: configField(fc.constantFrom('[[0,0],[50,20]]', '0 0\n100 20')), expression: configField(expression),
    }, { requiredKeys: [] });
    // the amplitude may be an environment variable: the node resolves it, then validates
    const withType = fc.tuple(config, typed('amplitude', fc.constantFrom(14, 5))).map(([c, t]) => ({ ...c, ...t }));
    const oracle = (node: FlowNode) => normalizeSource(prepareConfig(node, processEnv));
    await fc.assert(fc.asyncProperty(fc.oneof(config, withType), (source) => checkConfig({ source }, 'source', 'current source "step"', oracle)), runs);
  });

  it('neuron', async () => {
    const base = { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 };
    const book = { form: '2007', C: 100, k: 0.7, vr: -60, vt: -40, vpeak: 35, a: 0.03, b: -2, c: -50, d: 100 };
    const params = fc.oneof(
      fc.record({ a: configField(fc.constantFrom(0.02, 0.1)), c: configField(fc.constantFrom(-65, 40)), vpeak: configField(fc.constantFrom(30, -70)), recovery: configField(fc.constantFrom(...RECOVERY_LAWS)) }, { requiredKeys: [] }).map((p) => ({ ...base, ...p })),
      fc.record({ C: configField(fc.constantFrom(100, 0)), vb: configField(fc.constantFrom(-55, '')), uMax: configField(fc.constantFrom(670)) }, { requiredKeys: [] }).map((p) => ({ ...book, ...p })),
      configJunk,
    );
    const config = fc.record({
      form: configField(fc.constantFrom(...FORMS)),
      size: configField(fc.constantFrom(1, 3, '100', 1e7, 1e8)),
      scheme: configField(fc.constantFrom(...SCHEMES)),
      spikeEvents: configField(fc.constantFrom(...SPIKE_EVENTS)),
      params,
    }, { requiredKeys: ['params'] });
    await fc.assert(fc.asyncProperty(config, (neuron) => checkConfig({ neuron }, 'neuron', 'neuron "A"', (node) => {
      oneOf('spikeEvents', node.spikeEvents, SPIKE_EVENTS, 'off');
      return neuronSpecOf(node);
    })), runs);
  });

  it('spike monitor', async () => {
    const config = fc.record({ live: configField(fc.constantFrom(true, false, 'true')), window: configField(fc.constantFrom(20, '50', '')), maxSpikes: configField(fc.constantFrom(1, 3, 1000)) }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(config, (spikes) => checkConfig({ spikes }, 'spikes', 'spike monitor "spikes"', (node) => {
      toBoolean('live', node.live, false);
      return normalizeSpikeMonitor(node);
    }, normalizeSpikeMonitor)), runs);
  });

  it('state monitor', async () => {
    const config = fc.record({
      variables: configField(fc.constantFrom('v', 'v,u,I', ['I'], 'w')), indices: configField(fc.constantFrom('0', 'all', '0, 5')), every: configField(fc.constantFrom(1, 3)),
      maxValues: configField(fc.constantFrom(1e6, 100, 1)), window: configField(fc.constantFrom(10, '')), live: configField(fc.constantFrom(true, false)),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(config, (state) => checkConfig({ state }, 'trace', 'state monitor "trace"', (node) => {
      toBoolean('live', node.live, false);
      return normalizeStateMonitor(node);
    }, normalizeStateMonitor)), runs);
  });
});

describe('nodes in Node-RED: random messages', () => {
  beforeAll(() => helper.startServer());
  afterAll(() => helper.stopServer());
  afterEach(async () => {
    await helper.unload();
    expect(uncaught).toEqual([]);
    await expectKnownGoodRun();
  });

  const command = fc.oneof(fc.constantFrom('start', 'stop', 'pause', 'resume', 'reset', 'run', 'step', ' STOP ', 'explode', ''), junk);
  /** A message of any shape: payload of every type, extra fields a node might read. */
  const anyMessage = fc.record({
    payload: fc.oneof(junk, command, expression, fc.constantFrom('reset', { preset: 'C' }, { preset: '<script>' }, { preset: 'ZZ' }, { a: 0.03 }, { amplitude: 5 }, { command: 'stop' })),
    ms: fc.oneof(fc.constantFrom(5, 50, 1e300, -3), junk),
    steps: fc.oneof(fc.constantFrom(1, 4, 1e9), junk),
    dt: junk,
    preset: fc.oneof(fc.constantFrom('A', 'nope'), junk),
    topic: junk,
  }, { requiredKeys: [] });

  /** Every error a node reported names it, the field and the value; after each, its status was red. */
  function expectLabelledErrors(id: string): void {
    for (const e of errorsOf(id)) expect(e).toMatch(LABELLED);
    const statuses = callsOf(id, 'status').map((args) => args[0]);
    if (errorsOf(id).length > 0) expect(statuses.some((s) => s.fill === 'red')).toBe(true);
  }

  it('any messages to any node, while stopped, running and paused: labelled errors only, and the runtime goes on', async () => {
    const TARGETS = ['clock', 'source', 'neuron', 'spikes', 'trace'];
    const step = fc.record({ to: fc.constantFrom(...TARGETS), msg: anyMessage, wait: fc.boolean() });
    await fc.assert(fc.asyncProperty(fc.constantFrom('batch', 'realtime'), fc.array(step, { maxLength: 25 }), async (mode, steps) => {
      await withFlow(patternA({ clock: { mode, speed: 20, interval: 10, duration: 200 } }), async () => {
        helper.getNode('clock').receive({ payload: 'start' });
        for (const { to, msg, wait } of steps) {
          helper.getNode(to).receive({ ...msg });
          if (wait) await tick();
        }
        for (const id of TARGETS) expectLabelledErrors(id);
        for (const id of ['spikes', 'trace']) expect(errorsOf(id)).toEqual([]);
        // the clock still obeys, whatever state it was left in: once what it was asked before
        // is done, a fresh run starts and finishes
        await settle();
        const events = collect('events');
        helper.getNode('clock').receive({ payload: 'start', dt: 0.25, duration: 10, mode: 'batch' });
        await until('events', () => events.some(ended));
        expect(events.map((m) => m.payload).filter((e) => e.event !== 'progress')).toMatchObject([{ event: 'started', t: 0 }, { event: 'finished', t: 10, steps: 41 }]);
      });
    }), { numRuns: 60 });
  });

  /** Messages that must be refused by a current source whose config is pattern A's step. */
  const badForSource = fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, null, true, false, [], [1, 2], {}, undefined, Object.create(null), '', '   ', ...BAD_EXPRESSIONS.filter((x) => x !== 'log(t - 50)' && x !== 'sqrt(-1 - t)'), ...MARKUP),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !['kind', 'amplitude', 'baseline', 'onset', 'offset', 'edges', 'times', 'start', 'period', 'count', 'width', 'slope', 'frequency', 'phase', 'mean', 'std', 'seed', 'table', 'interpolation', 'expression'].includes(k)), junk, { minKeys: 1, maxKeys: 3 }),
    fc.record({ amplitude: fc.constantFrom(NaN, 'abc', null, '', Infinity, {}, [], true, '<b>', '1e400') }),
    fc.record({ kind: fc.constantFrom('wobble', 7, '<script>', 'sine', 'pulses') }),
    fc.record({ onset: fc.constantFrom(50, '50'), offset: fc.constantFrom(20, -1) }),
    fc.record({ kind: fc.constant('expression'), expression: fc.constantFrom(...BAD_EXPRESSIONS.slice(0, 12)) }),
    fc.record({ kind: fc.constant('table'), table: fc.constantFrom('[[0', '[]', '[[0,1],[0,2]]', 'a b', 5) }),
  );

  /** Messages that must be refused by the pattern-A neuron. */
  const badForNeuron = fc.oneof(
    fc.constantFrom(NaN, 5, null, true, [], [{ a: 1 }], {}, undefined, 'resets', 'start', '<script>', ...MARKUP),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !['a', 'b', 'c', 'd', 'v0', 'u0', 'k1', 'k2', 'k3', 'vpeak', 'recovery', 'C', 'k', 'vr', 'vt', 'peakU', 'resetU', 'uMax', 'vb', 'bSwitchV', 'bAbove', 'form', 'scheme', 'size', 'preset'].includes(k)), junk, { minKeys: 1, maxKeys: 3 }),
    fc.record({ a: fc.constantFrom(NaN, 'x', null, Infinity, {}, '1e400') }),
    fc.record({ c: fc.constantFrom(40, 30) }),
    fc.record({ form: fc.constant('2007') }),
    fc.record({ scheme: fc.constantFrom('magic', 3) }),
    fc.record({ recovery: fc.constantFrom('fast', 0, 'Standard') }),
    fc.record({ preset: fc.constantFrom('ZZ', '<script>', 7, null, '', {}, 'constructor', '__proto__') }),
  );

  /**
   * Floods `id` with messages that are all invalid, while the clock is stopped, running or
   * paused: each gets exactly one labelled error and leaves the pattern-A run as published.
   */
  async function floodWithBadMessages(id: string, label: string, bad: fc.Arbitrary<unknown>, numRuns: number, flood: [number, number]) {
    await fc.assert(fc.asyncProperty(fc.constantFrom('stopped', 'running', 'paused'), fc.array(bad, { minLength: flood[0], maxLength: flood[1] }), async (state, payloads) => {
      await withFlow(patternA({ clock: { mode: 'realtime', speed: 5, interval: 10 } }), async () => {
        const clock = helper.getNode('clock');
        const target = helper.getNode(id);
        const spikes = next('spikeOut', (m) => m.event === 'finished');
        const trace = next('traceOut', (m) => m.event === 'finished');
        const send = () => payloads.forEach((payload) => target.receive({ payload }));
        if (state === 'stopped') {
          send();
          clock.receive({ payload: 'start' });
        } else {
          clock.receive({ payload: 'start' });
          await tick();
          if (state === 'paused') clock.receive({ payload: 'pause' });
          send();
          if (state === 'paused') clock.receive({ payload: 'resume' });
        }
        const errors = errorsOf(id);
        expect(errors).toHaveLength(payloads.length);
        for (const e of errors) expect(e.startsWith(`${label}: `) && LABELLED.test(e), e).toBe(true);
        expect(callsOf(id, 'status').some((args) => args[0].fill === 'red')).toBe(true);
        expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
        expect((await trace).payload.v[0]).toEqual(PATTERN_A.v);
      });
    }), { numRuns });
  }

  it('a current source refuses bad messages in every state and keeps its last good settings', async () => {
    await floodWithBadMessages('source', 'current source "step"', badForSource, 25, [1, 30]);
  });

  it('a neuron refuses bad messages in every state and keeps its last good parameters', async () => {
    await floodWithBadMessages('neuron', 'neuron "A"', badForNeuron, 25, [1, 30]);
  });

  it('floods of thousands of messages in a burst', async () => {
    await floodWithBadMessages('source', 'current source "step"', badForSource, 2, [2000, 3000]);
    await floodWithBadMessages('neuron', 'neuron "A"', badForNeuron, 2, [2000, 3000]);
  });

  it('monitors ignore messages of any kind, before and during a run', async () => {
    // a monitor takes no input: whatever arrives must not be answered, reported, recorded or
    // change what it records and sends
    const burst = fc.array(fc.tuple(fc.constantFrom('spikes', 'trace'), anyMessage, fc.boolean()), { maxLength: 100 });
    await fc.assert(fc.asyncProperty(burst, burst, async (before, during) => {
      await withFlow(patternA({ clock: { mode: 'realtime', speed: 20, interval: 10 }, state: { variables: 'v,u,I' } }), async () => {
        const spikeOut = collect('spikeOut');
        const traceOut = collect('traceOut');
        const finishedEvent = next('events', finished);
        const send = async (messages: typeof before) => {
          for (const [to, msg, wait] of messages) {
            helper.getNode(to).receive({ ...msg });
            if (wait) await tick();
          }
        };
        await send(before);
        helper.getNode('clock').receive({ payload: 'start' });
        await send(during);
        // the run's end is announced after the monitors sent their results, and after anything they sent before
        await finishedEvent;
        expect(spikeOut.map((m) => m.event)).toEqual(['finished']);
        expect(traceOut.map((m) => m.event)).toEqual(['finished']);
        expect(spikeOut[0].payload.times).toEqual(PATTERN_A.spikes);
        expect(traceOut[0].payload.v[0]).toEqual(PATTERN_A.v);
        expect(Object.keys(traceOut[0].payload).filter((k) => ['v', 'u', 'I'].includes(k)).sort()).toEqual(['I', 'u', 'v']);
        for (const id of ['spikes', 'trace']) {
          expect(errorsOf(id)).toEqual([]);
          expect(callsOf(id, 'warn')).toEqual([]);
          // statuses: the idle one from the deploy, then recording, then the run's summary
          expect(callsOf(id, 'status').map(([status]) => status.fill)).toEqual(['grey', 'green', 'blue']);
        }
      });
    }), { numRuns: 15 });
  });

  it('the clock survives any sequence of commands and still runs pattern A', async () => {
    const clockMessage = fc.record({
      payload: fc.oneof(command, fc.record({ command, ms: junk, steps: junk }, { requiredKeys: ['command'] })),
      ms: fc.oneof(fc.constantFrom(1, 10, 50, 1e300, 1e6), junk),
      steps: fc.oneof(fc.constantFrom(1, 4, 1000, 1e6 + 1, 1e9), junk),
      dt: fc.oneof(fc.constantFrom(0.25, 0.1, 1e-12), junk),
      duration: fc.oneof(fc.constantFrom(100, '', 1e12), junk),
      mode: fc.oneof(fc.constantFrom(...MODES), junk),
      preset: fc.oneof(fc.constantFrom(...PRESETS.slice(0, 3).map((p) => p.code), 'nope'), junk),
    }, { requiredKeys: ['payload'] });
    await fc.assert(fc.asyncProperty(fc.constantFrom('batch', 'realtime'), fc.array(fc.tuple(clockMessage, fc.boolean()), { maxLength: 30 }), async (mode, sequence) => {
      await withFlow(patternA({ clock: { mode, speed: 20, interval: 10 } }), async () => {
        const clock = helper.getNode('clock');
        for (const [msg, wait] of sequence) {
          clock.receive({ ...msg });
          if (wait) await tick();
        }
        expectLabelledErrors('clock');
        // the results of the runs above are still on their way: listen only once they arrived
        await settle();
        const spikes = next('spikeOut', (m) => m.event === 'finished');
        clock.receive({ payload: 'start', dt: 0.25, duration: 100, mode: 'batch' });
        expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
      });
    }), { numRuns: 60 });
  });
});

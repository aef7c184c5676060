/**
 * Property-based tests (fast-check, a fixed seed) of the network nodes, as test/fuzz.test.ts does
 * for the single-neuron ones: every property the synapse, the spike generator, the rate and weight
 * monitors accept (and the neuron's per-neuron expressions and seed, the clock's seed, the
 * random-neuron source), with random and hostile values, through the engine and through a real
 * Node-RED runtime; and random messages to them, while stopped, running and paused. Whatever
 * comes in:
 *  - nothing escapes as an uncaught exception or unhandled rejection;
 *  - what is invalid gets an error naming the node, the field and the value, and a red status;
 *  - a valid network runs (or a start is refused with such an error, never anything else);
 *  - the runtime is neither crashed nor wedged: after each property, the small network on a
 *    fresh load gives the spikes it gave before.
 */
import fc from 'fast-check';
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compileNetwork, neuronSpecOf, type FlowNode } from '../lib/flow/compiler';
import { normalizeMonitorOutput } from '../lib/flow/monitor-output';
import { MAX_CHANNELS, normalizeGenerator } from '../lib/engine/generators';
import { normalizeRateMonitor, normalizeWeightMonitor } from '../lib/engine/monitors';
import { Network } from '../lib/engine/network';
import { normalizeClock } from '../lib/engine/simulation';
import { normalizeSource, seedOf } from '../lib/engine/sources';
import { CONNECTION_RULES, normalizeSynapse } from '../lib/engine/synapses';
import { ConfigError } from '../lib/engine/validate';
import { checkGenerator } from '../nodes/izh-spike-generator';
import { SYNAPSE_FIELDS } from '../nodes/izh-synapse';
import { GENERATOR_FIELDS } from '../nodes/izh-spike-generator';
import { callsOf, ended, errorsOf, lastStatus, next, NODES, tick, type Flow, type Msg } from './flow-helpers';
import { smallNetwork, type NetworkOverrides } from './network-helpers';

helper.init(require.resolve('node-red'));

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261127) });

// ---------------------------------------------------------------------------------------------
// arbitraries

const MARKUP = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{constructor.constructor("return process")()}}', '${process.exit(1)}', '\u202e\u0000\uffff'];
const weirdNumber = fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, Number.MIN_VALUE, -0, 2 ** 53, 1e12, 1e9, -1, 0, 0.5, 65_536, 200_000_001);
const weirdString = fc.constantFrom('', ' ', 'NaN', 'Infinity', '1e400', '0x1F', '1,2', 'abc', 'null', 'true', '-', '٣', '__proto__', 'constructor', '0-', '-5', '3-1', '1e3-2e3');
/** Anything a flow file may hold in a field, mostly wrong; numbers small enough that a valid network stays small. */
const configJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  weirdNumber,
  weirdString,
  fc.constantFrom(...MARKUP),
  fc.double({ min: -1e6, max: 1e6 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.array(fc.oneof(fc.integer({ min: -5, max: 50 }), fc.string({ maxLength: 4 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }).map((o) => JSON.parse(JSON.stringify(o)) as unknown),
);
/** In messages also objects without a prototype. */
const junk: fc.Arbitrary<unknown> = fc.oneof({ weight: 12, arbitrary: configJunk }, { weight: 1, arbitrary: fc.constant(Object.create(null)) });
const configField = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: configJunk });

/** Formulas of i, j, Npre, Npost, r...: valid, failing (NaN, complex, negative) and hostile ones. */
const WEIGHT_EXPRESSIONS = ['0.5 * r', 'i == j ? 0 : 2', 'r2 * 4', '(i + j) / (Npre + Npost)', 'r - 0.5', 'log(r - 2)', '1 / (i - i)', 'sqrt(-r)', 'x + 1', 'i +', 'import({})',
  'cos.constructor("return process")()', '"a"', 'r9', '-'.repeat(200) + 'r', 'N'];
const NEURON_EXPRESSIONS = ['-65 + 15 * r^2', '8 - 6 * r^2', 'i < 15 ? 0.02 : 0.1', '0.02 + 0.08 * r', 'i < 29 ? -65 : 35', 'log(r - 2)', '1 / (i - i)', 'r10', 'j + 1', 'i +', 'N * 1e308 * 10',
  'import({})', '0.2 + r9'];
const CONNECTIONS = ['[[0, 1, 2, 1]]', '[[0, 1], [1, 2]]', '[[0, 29, 5, 0.5], [39, 0, -1, 3]]', '[[0, 30]]', '[[40, 0]]', '[[0, 1, "w"]]', '[[0, 1, 2, 0.75]]', '[[0, 1, 2, 0]]', '[[0]]', '[]', '[[0', '{}',
  '{"pre": [0, 1], "post": [2, 3], "weight": [1, 2], "delay": [1, 2]}', '{"pre": [0], "post": [1, 2]}', [[0, 1, 3, 1]], { pre: [0, 5], post: [3, 4] }];

/** Values a field may take that are wrong, borderline or hostile. */
const BORDERLINE = [0, -1, 0.75, 1.5, 31, 41, 65_536, 200_000_001, 1e6, '5-2', '0-40', '30', 'none', 'all', 'list', 'stdp', 'split', ...WEIGHT_EXPRESSIONS.slice(4), ...CONNECTIONS.slice(3)];
const bad: fc.Arbitrary<unknown> = fc.oneof(configJunk, fc.constantFrom(...BORDERLINE));

/**
 * Mostly a coherent configuration (its choices with their own fields), often with one or two
 * fields (any field of the node) set to a wrong, borderline or hostile value.
 */
function hostile(valid: fc.Arbitrary<Record<string, unknown>>, fields: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 3, arbitrary: fc.tuple(valid, fc.dictionary(fc.constantFrom(...fields), bad, { minKeys: 1, maxKeys: 2 })).map(([v, b]) => ({ ...v, ...b })) },
  );
}
const pick = (...values: unknown[]) => fc.constantFrom(...values);

const ruleFields = fc.oneof(
  fc.record({ rule: pick('all-to-all'), autapses: fc.boolean() }),
  fc.record({ rule: pick('one-to-one'), preNeurons: pick('0-29', '10-39'), postNeurons: pick('', '0-29') }),
  fc.record({ rule: pick('probability'), probability: pick(0, 0.1, '0.5', 1), autapses: fc.boolean() }),
  fc.record({ rule: pick('out-degree', 'in-degree'), degree: pick(0, 1, 10, '20', 29), duplicates: fc.boolean(), autapses: fc.boolean() }),
  fc.record({ rule: pick('list'), connections: fc.constantFrom(...CONNECTIONS.slice(0, 3), CONNECTIONS[12], CONNECTIONS[14]) }),
);
const weightFields = fc.oneof(
  fc.record({ weightKind: pick('constant', ''), weight: pick(1, 4, '3', 0.5) }),
  fc.record({ weightKind: pick('expression'), weight: fc.constantFrom(...WEIGHT_EXPRESSIONS.slice(0, 4)) }),
  fc.record({ weightKind: pick('uniform'), weightLow: pick(0, 2), weightHigh: pick(3, '6') }),
  fc.record({ weightKind: pick('normal'), weightMean: pick(3, '4'), weightSd: pick(0, 1), weightLow: pick(0, ''), weightHigh: pick(8, '') }, { requiredKeys: ['weightKind', 'weightMean', 'weightSd'] }),
);
const delayFields = fc.oneof(
  fc.record({ delayKind: pick('constant', ''), delay: pick(0.5, 1, '2', 1.5) }),
  fc.record({ delayKind: pick('uniform'), delayMin: pick(0.5, 1), delayMax: pick(1, 3) }),
  fc.record({ delayKind: pick('split'), delayMax: pick(1, 3, 20) }),
);
const plasticityFields = fc.oneof(
  { weight: 3, arbitrary: fc.record({ plasticity: pick('none', '') }) },
  { weight: 1, arbitrary: fc.record({ plasticity: pick('izhikevich2006'), period: pick(10, 100, ''), traceDecay: pick(0.95, 1, ''), derivativeDecay: pick(0.9, 0), wMax: pick(10, '') }, { requiredKeys: ['plasticity'] }) },
  { weight: 1, arbitrary: fc.record({ plasticity: pick('stdp'), tauPlus: pick(20, 5), tauMinus: pick(20, ''), aPlus: pick(0.1, 1), aMinus: pick(-0.12, -1), wMin: pick(0, 1), wMax: pick(10, 8) }, { requiredKeys: ['plasticity'] }) },
);
const validSynapse = fc.tuple(
  ruleFields, weightFields, delayFields, plasticityFields,
  fc.record({ kind: pick('delta', 'exponential', ''), tau: pick(2, 5), preNeurons: pick('', '0-39', '5-20'), postNeurons: pick('', '0-29', '10-19'), seed: pick('', 1, 11) }, { requiredKeys: [] }),
).map(([rule, weight, delay, plasticity, rest]) => ({ ...rest, ...rule, ...weight, ...delay, ...plasticity }));
const synapseConfig = hostile(validSynapse, SYNAPSE_FIELDS);

const validGenerator = fc.oneof(
  fc.record({ kind: pick('poisson', ''), size: pick(40, '40'), rate: pick(0, 30, '200'), seed: pick(3, '') }, { requiredKeys: ['rate', 'size'] }),
  fc.record({ kind: pick('times'), size: pick(40), times: pick('10, 20', '[[10, 0], [12.5, 39]]', '[5, 15]', '0', [[10, 0]], [3, 4]) }),
);
const generatorConfig = hostile(validGenerator, GENERATOR_FIELDS);

const outputConfig = { live: pick(true, false, 'true'), format: pick('arrays', 'chart'), chartPoints: pick(10, 500, '') };
const validRate = fc.record({ bin: pick(1, 5, 0.5, '10', ''), smoothing: pick(20, '', 5), window: pick(50, ''), ...outputConfig }, { requiredKeys: [] });
const rateConfig = hostile(validRate, ['bin', 'smoothing', 'window', 'live', 'format', 'chartPoints']);
const validWeights = fc.record({ every: pick(10, 1, 0.5, ''), bins: pick(1, 8, 1000, ''), low: pick(0, ''), high: pick(8, 10, ''), ...outputConfig }, { requiredKeys: [] });
const weightConfig = hostile(validWeights, ['every', 'bins', 'low', 'high', 'live', 'format', 'chartPoints']);

/** Neuron fields the network adds: per-neuron expressions, the seed, the half-step scheme. */
const validParams = fc.record({
  a: fc.constantFrom(0.02, ...NEURON_EXPRESSIONS.slice(2, 4)),
  b: pick(0.2, '0.25 - 0.05 * r'),
  c: pick(-65, NEURON_EXPRESSIONS[0], 'i < 15 ? -65 : -50'),
  d: pick(8, NEURON_EXPRESSIONS[1], 'i < 800 ? 8 : 2'),
  v0: pick(-65, '-70 + 10 * r', ''),
}, { noNullPrototype: true }); // a plain object, as a flow file holds it (Node-RED compares prototypes)
const neuronParams = hostile(validParams, ['a', 'b', 'c', 'd', 'v0', 'u0', 'vpeak', 'recovery', 'k1']);
const validNeuron = fc.record({ seed: pick(7, '', 0), scheme: pick('izhikevich', 'izhikevich-net', 'euler', 'rk4', ''), size: pick(30, '30'), params: validParams });
const neuronConfig = hostile(
  fc.record({ seed: pick(7, '', 0), scheme: pick('izhikevich', 'izhikevich-net', 'euler', 'rk4', ''), size: pick(1, 30, '5'), params: neuronParams }),
  ['seed', 'scheme', 'size', 'form'],
);
const validClock = fc.record({ seed: pick(1, 2, 0, 4294967295, ''), dt: pick(0.5, 1, 0.25) });
const clockConfig = hostile(validClock, ['seed', 'dt', 'duration', 'mode']);

// ---------------------------------------------------------------------------------------------
// oracles

const KINDS = '(clock|current source|neuron|spike generator|synapse|spike monitor|state monitor|rate monitor|weight monitor)';
/** An error message of ours: the node's kind and name, then the field, and the value. */
const LABELLED = new RegExp(`^${KINDS} ("[^"]*"|\\S+): \\S+ [\\s\\S]* \\(got [\\s\\S]*\\)$`);
const asNodeError = (e: ConfigError, label: string) => (e.nodeLabel ? e.message : `${label}: ${e.message}`);

function refusalOf(f: () => unknown): ConfigError | null {
  try {
    f();
    return null;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e;
  }
}

function expectConfigError(e: unknown): asserts e is ConfigError {
  expect(e).toBeInstanceOf(ConfigError);
  const err = e as ConfigError;
  expect(err.field.length).toBeGreaterThan(0);
  expect(err.message).toContain(err.field);
  expect(err.message).toMatch(/\(got [\s\S]*\)$/);
}

const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
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

describe('engine: the network nodes\' settings give a valid spec or a ConfigError, nothing else', () => {
  const runs = { numRuns: 1500 };
  const anyRaw = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), junk, { maxKeys: keys.length });

  it('normalizeSynapse', () => {
    fc.assert(fc.property(fc.oneof(synapseConfig, anyRaw(['rule', 'weightKind', 'weight', 'delayKind', 'delay', 'kind', 'tau', 'plasticity', 'connections', 'degree', 'probability'])), (raw) => {
      let s;
      try {
        s = normalizeSynapse(raw as Record<string, unknown>);
      } catch (e) {
        expectConfigError(e);
        return;
      }
      expect(CONNECTION_RULES).toContain(s.rule);
      if (s.rule === 'probability') expect(s.probability >= 0 && s.probability <= 1).toBe(true);
      if (s.rule === 'out-degree' || s.rule === 'in-degree') expect(Number.isInteger(s.degree) && s.degree >= 0).toBe(true);
      // (a list may be empty: what "save" sends for a synapse node without synapses loads back)
      for (const [pre, post, w, d] of s.connections) {
        expect(Number.isInteger(pre) && pre >= 0 && Number.isInteger(post) && post >= 0).toBe(true);
        expect(w === null || finite(w)).toBe(true);
        expect(d === null || (finite(d) && d > 0)).toBe(true);
      }
      if (s.weight.kind === 'uniform') expect(s.weight.high > s.weight.low).toBe(true);
      if (s.delay.kind === 'split') expect(Number.isInteger(s.delay.max) && s.delay.max >= 1).toBe(true);
      if (s.kind === 'exponential') expect(s.tau > 0).toBe(true);
      if (s.plasticity.rule !== 'none') expect(s.plasticity.wMax > s.plasticity.wMin && s.plasticity.wMin >= 0).toBe(true);
      expect(s.seed === null || (Number.isInteger(s.seed) && s.seed >= 0 && s.seed <= 4294967295)).toBe(true);
    }), runs);
  });

  it('normalizeGenerator', () => {
    fc.assert(fc.property(fc.oneof(generatorConfig, anyRaw(['kind', 'size', 'rate', 'seed', 'times'])), (raw) => {
      let s;
      try {
        s = normalizeGenerator(raw as Record<string, unknown>);
      } catch (e) {
        expectConfigError(e);
        return;
      }
      expect(Number.isInteger(s.size) && s.size >= 1 && s.size <= MAX_CHANNELS).toBe(true);
      if (s.kind === 'poisson') expect(s.rate >= 0 && s.rate <= 100_000).toBe(true);
      else {
        expect(s.spikes.length).toBeGreaterThan(0);
        for (const [t, c] of s.spikes) expect(finite(t) && t >= 0 && Number.isInteger(c) && c >= 0 && c < s.size).toBe(true);
      }
    }), runs);
  });

  it('normalizeRateMonitor and normalizeWeightMonitor', () => {
    fc.assert(fc.property(fc.oneof(rateConfig, weightConfig, anyRaw(['bin', 'smoothing', 'window', 'every', 'bins', 'low', 'high'])), (raw) => {
      const rate = refusalOf(() => {
        const s = normalizeRateMonitor(raw as Record<string, unknown>);
        expect(finite(s.bin) && s.bin > 0).toBe(true);
        expect(s.smoothing === null || (finite(s.smoothing) && s.smoothing > 0)).toBe(true);
      });
      if (rate) expectConfigError(rate);
      const weight = refusalOf(() => {
        const s = normalizeWeightMonitor(raw as Record<string, unknown>);
        expect(finite(s.every) && s.every > 0).toBe(true);
        expect(Number.isInteger(s.bins) && s.bins >= 1 && s.bins <= 1000).toBe(true);
        if (s.low !== null && s.high !== null) expect(s.high > s.low).toBe(true);
      });
      if (weight) expectConfigError(weight);
    }), runs);
  });

  it('a small network with random fields: refused naming the node, or built and run', () => {
    // every node valid but one, which may be hostile
    const valid = { synapse: validSynapse, generator: validGenerator, neuron: validNeuron, rate: validRate, weights: validWeights, clock: validClock };
    const anyOf = { synapse: synapseConfig, generator: generatorConfig, neuron: neuronConfig, rate: rateConfig, weights: weightConfig, clock: clockConfig };
    const networks = fc.constantFrom(...(Object.keys(valid) as Array<keyof typeof valid>)).chain((odd) => fc.record({ ...valid, [odd]: anyOf[odd] }));
    fc.assert(fc.property(networks, (overrides) => {
      const flow = smallNetwork({ ...overrides, clock: { ...(overrides.clock as object), duration: 20 } }) as FlowNode[];
      let network: Network;
      try {
        network = new Network(compileNetwork(flow, 'clock').description);
      } catch (e) {
        expectConfigError(e);
        expect((e as ConfigError).nodeLabel).toMatch(new RegExp(`^${KINDS} "`));
        return;
      }
      try {
        network.run(41);
      } catch (e) {
        // only a state that stops being finite may end a valid run, and it names the neuron
        expect((e as Error).message).toMatch(/^neuron "cells": /);
      }
    }), { numRuns: 400 });
  });
});

// ---------------------------------------------------------------------------------------------
// inside Node-RED

/** The spikes of the small network as it is, on a fresh load: what every property must leave possible. */
let reference: number[] = [];

/** Starts the loaded small network's clock; resolves with the spike monitor's result at the end of the run. */
function run(): Promise<Msg> {
  const result = next('spikeOut', (m) => m.event === 'finished');
  helper.getNode('clock').receive({ payload: 'start' });
  return result;
}

async function expectKnownGoodRun(): Promise<void> {
  await helper.load(NODES, smallNetwork());
  expect((await run()).payload.times).toEqual(reference);
  await helper.unload();
}

/**
 * Ends whatever the clock is doing and waits until everything it announced has arrived: the
 * reset's event comes after the end of any run (and its monitors' results).
 */
async function settle(): Promise<void> {
  const reset = next('events', (m) => m.payload.event === 'reset');
  helper.getNode('clock').receive({ payload: 'stop' });
  helper.getNode('clock').receive({ payload: 'reset' });
  await reset;
}

/** Starts the clock of the loaded network and stops it: refused with one labelled error, or run and ended. */
async function startAndStop(): Promise<'refused' | 'ran'> {
  const before = errorsOf('clock').length;
  const end = next('events', ended);
  helper.getNode('clock').receive({ payload: 'start' });
  const errors = errorsOf('clock').slice(before); // input handlers run synchronously
  if (errors.length > 0) {
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(LABELLED);
    expect(lastStatus('clock')).toMatchObject({ fill: 'red', shape: 'ring' });
    return 'refused';
  }
  helper.getNode('clock').receive({ payload: 'stop' });
  await end;
  return 'ran';
}

async function withFlow(flow: Flow, body: () => Promise<void>): Promise<void> {
  try {
    await helper.load(NODES, flow);
    await body();
  } finally {
    await helper.unload();
  }
}

describe('network nodes in Node-RED', () => {
  beforeAll(async () => {
    await helper.startServer();
    await helper.load(NODES, smallNetwork());
    reference = (await run()).payload.times;
    expect(reference.length).toBeGreaterThan(0);
    await helper.unload();
  });
  afterAll(() => helper.stopServer());
  afterEach(async () => {
    await helper.unload();
    expect(uncaught).toEqual([]);
    await expectKnownGoodRun();
  });

  describe('random configurations', () => {
    const runs = { numRuns: 50 };

    /**
     * Loads the small network with `overrides`; the node under test shows exactly its own
     * refusal (red) or none; a start is refused with a labelled error or runs and stops.
     */
    async function checkConfig(overrides: NetworkOverrides, id: string, label: string, validate: (node: FlowNode) => unknown): Promise<void> {
      const flow = smallNetwork(overrides);
      const expected = refusalOf(() => validate(nodeOf(flow, id)));
      const refused = refusalOf(() => new Network(compileNetwork(flow as FlowNode[], 'clock').description));
      await withFlow(flow, async () => {
        const errors = errorsOf(id);
        if (expected) {
          expect(errors).toEqual([asNodeError(expected, label)]);
          expect(errors[0]).toMatch(LABELLED);
          expect(lastStatus(id)).toMatchObject({ fill: 'red', shape: 'ring' });
          expect(lastStatus(id).text.length).toBeLessThanOrEqual(40);
        } else {
          expect(errors).toEqual([]);
          expect(lastStatus(id)?.fill).not.toBe('red');
        }
        const outcome = await startAndStop();
        expect(outcome).toBe(refused ? 'refused' : 'ran');
      });
    }

    it('synapse', async () => {
      await fc.assert(fc.asyncProperty(synapseConfig, (synapse) => checkConfig({ synapse }, 'syn', 'synapse "S"', (node) => normalizeSynapse(node))), runs);
    });

    it('spike generator', async () => {
      await fc.assert(fc.asyncProperty(generatorConfig, (generator) => checkConfig({ generator }, 'gen', 'spike generator "input"', (node) => checkGenerator(node))), runs);
    });

    it('rate monitor', async () => {
      await fc.assert(fc.asyncProperty(rateConfig, (rate) => checkConfig({ rate }, 'rate', 'rate monitor "rate"', (node) => {
        normalizeMonitorOutput(node);
        return normalizeRateMonitor(node);
      })), runs);
    });

    it('weight monitor', async () => {
      await fc.assert(fc.asyncProperty(weightConfig, (weights) => checkConfig({ weights }, 'weights', 'weight monitor "weights"', (node) => {
        normalizeMonitorOutput(node);
        return normalizeWeightMonitor(node);
      })), runs);
    });

    it('neuron: per-neuron expressions, seed, scheme', async () => {
      await fc.assert(fc.asyncProperty(neuronConfig, (neuron) => checkConfig({ neuron }, 'cells', 'neuron "cells"', (node) => {
        seedOf(node.seed);
        return neuronSpecOf(node);
      })), runs);
    });

    it('clock seed and a random-neuron source', async () => {
      const config = fc.record({ seed: configField(fc.constantFrom(1, 0, 4294967295, '7')) }, { requiredKeys: [] });
      await fc.assert(fc.asyncProperty(config, fc.record({ amplitude: configField(fc.constantFrom(20, '5')), seed: configField(fc.constantFrom(4, '')) }, { requiredKeys: [] }), async (clock, source) => {
        const flow = [
          ...smallNetwork({ clock }),
          { id: 'thalamus', z: 'tab', type: 'izh-source', name: 'thalamus', kind: 'random-neuron', ...source, x: 100, y: 100, wires: [['cells']] },
        ];
        const clockError = refusalOf(() => normalizeClock(nodeOf(flow, 'clock')));
        const sourceError = refusalOf(() => normalizeSource(nodeOf(flow, 'thalamus')));
        await withFlow(flow, async () => {
          if (clockError) expect(errorsOf('clock')).toEqual([asNodeError(clockError, 'clock "clock"')]);
          if (sourceError) expect(errorsOf('thalamus')).toEqual([asNodeError(sourceError, 'current source "thalamus"')]);
          else expect(errorsOf('thalamus')).toEqual([]);
          const outcome = await startAndStop();
          if (clockError || sourceError) expect(outcome).toBe('refused');
        });
      }), { numRuns: 30 });
    });
  });

  describe('random messages', () => {
    const synapseMessage = fc.oneof(
      fc.constantFrom('save', ' SAVE ', { save: true }, { save: false }, { save: 'true' }, { command: 'save' }, { save: true, weight: 2 }),
      fc.dictionary(fc.constantFrom(...SYNAPSE_FIELDS, 'colour', '__proto__', 'constructor'), fc.oneof(junk, fc.constantFrom(...CONNECTIONS, ...WEIGHT_EXPRESSIONS)), { maxKeys: 3 }),
      synapseConfig,
      junk,
    );
    const generatorMessage = fc.oneof(generatorConfig, fc.dictionary(fc.constantFrom('rate', 'kind', 'size', 'times', 'seed', 'volume'), junk, { maxKeys: 2 }), junk, fc.constantFrom(0, 40, -3, NaN));
    const anyMessage = fc.record({ payload: fc.oneof(synapseMessage, generatorMessage, junk), topic: junk, command: fc.oneof(fc.constantFrom('save', 'start'), junk) }, { requiredKeys: [] });

    /** Every error a node reported names it, the field and the value; after one, its status was red. */
    function expectLabelledErrors(id: string): void {
      for (const e of errorsOf(id)) expect(e).toMatch(LABELLED);
      if (errorsOf(id).length > 0) expect(callsOf(id, 'status').some((args) => args[0].fill === 'red')).toBe(true);
    }

    it('to the synapse, the generator and the monitors, while stopped, running and paused: labelled errors only, and the network still runs', async () => {
      const TARGETS = ['syn', 'gen', 'rate', 'weights', 'genRate'];
      const step = fc.record({ to: fc.constantFrom(...TARGETS), msg: anyMessage, wait: fc.boolean(), command: fc.constantFrom(null, null, 'pause', 'resume', 'step') });
      await fc.assert(fc.asyncProperty(fc.constantFrom('batch', 'realtime'), fc.array(step, { maxLength: 25 }), async (mode, steps) => {
        await withFlow(smallNetwork({ clock: { mode, speed: 20, interval: 10, duration: 200 } }), async () => {
          const clock = helper.getNode('clock');
          clock.receive({ payload: 'start' });
          for (const { to, msg, wait, command } of steps) {
            helper.getNode(to).receive({ ...msg });
            if (command) clock.receive({ payload: command, steps: 7 });
            if (wait) await tick();
          }
          for (const id of TARGETS) expectLabelledErrors(id);
          for (const id of ['rate', 'weights', 'genRate']) expect(errorsOf(id)).toEqual([]);
          // whatever the messages changed, the next start either runs or is refused naming a node
          await settle();
          const outcome = await startAndStop();
          expect(['ran', 'refused']).toContain(outcome);
        });
      }), { numRuns: 40 });
    });

    it('saves while running and paused, and the saved weights load back', async () => {
      await fc.assert(fc.asyncProperty(fc.constantFrom('running', 'paused', 'finished'), fc.integer({ min: 1, max: 300 }), async (state, steps) => {
        await withFlow(smallNetwork({ clock: { mode: 'realtime', speed: 5, interval: 10 } }), async () => {
          const clock = helper.getNode('clock');
          const syn = helper.getNode('syn');
          if (state === 'finished') {
            await run();
          } else {
            clock.receive({ payload: 'step', steps });
            if (state === 'running') clock.receive({ payload: 'resume' });
          }
          const saved = next('saved');
          syn.receive({ payload: 'save' });
          const weights = (await saved).payload;
          expect(weights.pre).toHaveLength(400);
          expect(errorsOf('syn')).toEqual([]);
          syn.receive({ payload: { rule: 'list', connections: weights } });
          expect(errorsOf('syn')).toEqual([]);
          await settle();
          const spikes = next('spikeOut', (m) => m.event === 'finished');
          clock.receive({ payload: 'start', mode: 'batch' });
          expect((await spikes).payload.times).toEqual(reference);
        });
      }), { numRuns: 15 });
    });
  });
});

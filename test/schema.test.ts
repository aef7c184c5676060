/**
 * One schema per node kind (lib/engine/schema.ts) and what is derived from it: the editor's
 * registerType defaults (written out in each .html, as node-red-dev's scorecard wants them)
 * agree with it, the dialogs' choices offer its options, the shared editor script
 * (resources/izh-editor.js) checks single fields as the runtime does, every i18n key has its
 * English text, and the runtime's normalize functions take their defaults from it.
 */
import { Parser } from 'acorn';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { normalizeGenerator } from '../lib/engine/generators';
import { normalizeRateMonitor, normalizeSpikeMonitor, normalizeStateMonitor, normalizeWeightMonitor } from '../lib/engine/monitors';
import { normalizeNeuron } from '../lib/engine/neuron';
import { normalizeClock } from '../lib/engine/simulation';
import { normalizeSource } from '../lib/engine/sources';
import { normalizeSynapse } from '../lib/engine/synapses';
import { ConfigError, isBlank } from '../lib/engine/validate';
import { normalizeMonitorOutput } from '../lib/flow/monitor-output';
import {
  CONFIG_VERSION, editorDefaults, fieldOf, MESSAGES, PACKAGE_NAME, readNumber, resolveTyped, SCHEMAS, servedSchema, typeFieldOf, type FieldSchema,
} from '../lib/engine/schema';

const ROOT = join(__dirname, '..');
const TYPES = Object.keys(SCHEMAS);
const html = (type: string) => readFileSync(join(ROOT, 'nodes', `${type}.html`), 'utf8');
const inlineScript = (type: string) => /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html(type))![1];
const template = (type: string) => new RegExp(`<script type="text/html" data-template-name="${type}">([\\s\\S]*?)</script>`).exec(html(type))![1];

/**
 * The editor's side in a sandbox: izh-editor.js and the inline script of every .html, with
 * just enough of jQuery and RED: the schema "arrives" at once, as GET izh/schema serves it.
 */
function editor() {
  const registered = new Map<string, any>();
  const served = JSON.parse(JSON.stringify(servedSchema()));
  const none: any = { length: 0, attr: () => undefined, val: () => undefined, prop: () => undefined, data: () => undefined, is: () => false };
  const request = (data?: unknown) => {
    const r: any = { done: (cb: (d: unknown) => void) => (data !== undefined && cb(data), r), fail: () => r };
    return r;
  };
  const $: any = () => none;
  $.ajax = () => request(served);
  $.getJSON = () => request();
  $.extend = (target: object, ...sources: object[]) => Object.assign(target, ...sources);
  const RED = { nodes: { registerType: (type: string, def: unknown) => registered.set(type, def), eachNode: () => undefined }, _: (key: string) => key, editor: { validateNode: () => undefined } };
  const context: any = createContext({ $, RED, console });
  context.window = context;
  runInContext(readFileSync(join(ROOT, 'resources', 'izh-editor.js'), 'utf8'), context);
  for (const type of TYPES) runInContext(inlineScript(type), context);
  return { IZH: context.IzhEditor, registered };
}
const { IZH, registered } = editor();

/** Rules with another field at its default, which the runtime applies after reading the field (wMax above wMin = 0). */
const WITH_DEFAULTS: Record<string, (x: number) => boolean> = { 'izh-synapse.wMax': (x) => x > 0 };

/** Other fields that let a single field be judged alone (a blank duration is fine in real time). */
const ALONE: Record<string, Record<string, unknown>> = { 'izh-clock': { mode: 'realtime' } };

/** A node of a type whose choices make `field` apply (the first option of each choice it belongs to). */
function nodeFor(type: string, field: FieldSchema, value: unknown): Record<string, unknown> {
  const node: Record<string, unknown> = { id: 'n', type, ...ALONE[type] };
  for (const [choice, values] of Object.entries(field.when ?? {})) node[choice] = values[0];
  node[field.name] = value;
  return node;
}

describe('the schema', () => {
  it('covers the nine node types, each field with a label and its English text', () => {
    expect(TYPES.sort()).toEqual(['izh-clock', 'izh-neuron', 'izh-rate-monitor', 'izh-source', 'izh-spike-generator', 'izh-spike-monitor', 'izh-state-monitor', 'izh-synapse', 'izh-weight-monitor']);
    for (const schema of Object.values(SCHEMAS)) {
      const all = [...schema.fields, ...Object.values(schema.forms ?? {}).flatMap((f) => f.params)];
      for (const f of all) {
        for (const key of [f.label, f.help, f.blank, f.example, ...Object.values(f.hints ?? {})].filter((k): k is string => k !== undefined)) {
          expect(key.startsWith(`${schema.type}.`), key).toBe(true);
          expect(MESSAGES[key], key).toMatch(/\S/);
        }
        if (f.kind === 'choice') expect(f.options!.length, f.name).toBeGreaterThan(0);
        if (f.kind === 'typed') expect(f.types).toEqual(['num', 'env']);
      }
    }
  });

  it('is served as JSON, infinite defaults as strings', () => {
    const served = servedSchema();
    expect(served).toMatchObject({ version: CONFIG_VERSION, package: PACKAGE_NAME });
    expect(served.schemas['izh-source'].fields.find((f) => f.name === 'offset')!.default).toBe('Infinity');
    expect(served.schemas['izh-source'].fields.find((f) => f.name === 'onset')!.default).toBe('-Infinity');
    expect(served.messages['izh-source.label.amplitude']).toBe('Amplitude');
  });

  it('gives the runtime its defaults: blank fields normalize to the schema\'s values', () => {
    const d = (type: string, name: string, choices = {}) => fieldOf(type, name, choices).default;
    const clock = normalizeClock({ dt: 0.5, duration: 10 });
    for (const name of ['speed', 'interval', 'seed', 'mode', 'startOnDeploy'] as const) expect(clock[name], name).toBe(d('izh-clock', name));
    const step = normalizeSource({ kind: 'step', amplitude: 1 }) as Record<string, unknown>;
    for (const name of ['baseline', 'onset', 'offset', 'edges']) expect(step[name], name).toBe(d('izh-source', name, { kind: 'step' }));
    expect(normalizeSource({ amplitude: 1 }).kind).toBe(d('izh-source', 'kind'));
    const neuron = normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 6 });
    expect(neuron.size).toBe(d('izh-neuron', 'size'));
    for (const name of ['v0', 'k1', 'k2', 'k3', 'vpeak', 'recovery']) expect((neuron.params as unknown as Record<string, unknown>)[name], name).toBe(fieldOf('izh-neuron', name, {}, '2003').default);
    expect(neuron.scheme).toBe(SCHEMAS['izh-neuron'].forms!['2003'].scheme);
    const book = normalizeNeuron({ form: '2007', C: 100, k: 0.7, vr: -60, vt: -40, vpeak: 35, a: 0.03, b: -2, c: -50, d: 100 });
    for (const name of ['u0', 'peakU', 'resetU', 'uMax', 'vb', 'bSwitchV', 'bAbove']) expect((book.params as unknown as Record<string, unknown>)[name], name).toBe(fieldOf('izh-neuron', name, {}, '2007').default);
    expect(book.scheme).toBe(SCHEMAS['izh-neuron'].forms!['2007'].scheme);
    expect(normalizeGenerator({ rate: 5 }).size).toBe(d('izh-spike-generator', 'size'));
    const stdp = normalizeSynapse({ weight: 1, delay: 1, plasticity: 'stdp' }).plasticity as unknown as Record<string, unknown>;
    for (const name of ['tauPlus', 'tauMinus', 'aPlus', 'aMinus', 'wMin', 'wMax']) expect(stdp[name], name).toBe(d('izh-synapse', name, { plasticity: 'stdp' }));
    const learning = normalizeSynapse({ weight: 1, delay: 1, plasticity: 'izhikevich2006' }).plasticity as unknown as Record<string, unknown>;
    for (const name of ['aPlus', 'aMinus', 'traceDecay', 'period', 'bias', 'derivativeDecay']) expect(learning[name], name).toBe(d('izh-synapse', name, { plasticity: 'izhikevich2006' }));
    expect(normalizeSpikeMonitor({}).maxSpikes).toBe(d('izh-spike-monitor', 'maxSpikes'));
    const state = normalizeStateMonitor({});
    expect([state.variables.join(','), state.every, state.maxValues]).toEqual([d('izh-state-monitor', 'variables'), d('izh-state-monitor', 'every'), d('izh-state-monitor', 'maxValues')]);
    expect(normalizeRateMonitor({}).bin).toBe(d('izh-rate-monitor', 'bin'));
    const weights = normalizeWeightMonitor({});
    expect([weights.every, weights.bins]).toEqual([d('izh-weight-monitor', 'every'), d('izh-weight-monitor', 'bins')]);
    expect(normalizeMonitorOutput({})).toEqual({ live: false, format: d('izh-state-monitor', 'format'), chartPoints: d('izh-state-monitor', 'chartPoints'), svg: false });
  });
});

describe('the editor', () => {
  it('loads the shared script before each node definition, from its resources URL', () => {
    for (const type of TYPES) {
      const source = html(type);
      const src = source.indexOf(`<script src="resources/${PACKAGE_NAME}/izh-editor.js"></script>`);
      expect(src, type).toBeGreaterThanOrEqual(0);
      expect(src, type).toBeLessThan(source.indexOf('<script type="text/javascript">'));
      // no dialog keeps a copy of what the shared script holds
      expect(source, type).not.toMatch(/function (isBlank|numberOf)\b/);
    }
  });

  it('writes registerType with a literal type and inline, literal defaults (what node-red-dev validate reads), as the schema says', () => {
    for (const type of TYPES) {
      const program = Parser.parse(inlineScript(type), { ecmaVersion: 5 }) as any;
      const calls: any[] = [];
      const walk = (node: any) => {
        if (!node || typeof node !== 'object') return;
        if (node.type === 'CallExpression' && node.callee?.property?.name === 'registerType') calls.push(node);
        for (const value of Object.values(node)) (Array.isArray(value) ? value : [value]).forEach(walk);
      };
      walk(program);
      expect(calls, type).toHaveLength(1);
      const [name, definition] = calls[0].arguments;
      expect(name).toMatchObject({ type: 'Literal', value: type });
      expect(definition.type).toBe('ObjectExpression');
      const defaults = definition.properties.find((p: any) => p.key.name === 'defaults').value;
      expect(defaults.type).toBe('ObjectExpression');
      for (const p of defaults.properties) {
        expect(p.value.type, `${type}.${p.key.name}`).toBe('ObjectExpression');
        const value = p.value.properties.find((q: any) => q.key.name === 'value')?.value;
        expect(['Literal', 'ObjectExpression', 'UnaryExpression'], `${type}.${p.key.name}`).toContain(value?.type);
      }
      // the values, as the editor gets them, are the schema's
      const def = registered.get(type);
      const values = Object.fromEntries(Object.entries(def.defaults as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
      expect(values, type).toEqual({ ...editorDefaults(type), version: CONFIG_VERSION });
    }
  });

  it("offers each choice's options in its dialog", () => {
    for (const type of TYPES) {
      for (const f of SCHEMAS[type].fields.filter((x) => x.kind === 'choice')) {
        const select = new RegExp(`<select id="node-input-${f.name}"[^>]*>([\\s\\S]*?)</select>`).exec(template(type));
        if (!select) continue; // a select built by the dialog from the schema (monitors' format, the neuron's presets)
        const options = [...select[1].matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
        expect(options, `${type}.${f.name}`).toEqual([...f.options!]);
      }
    }
  });

  it('builds the rows, labels and notes it names from fields of the schema', () => {
    for (const type of TYPES) {
      const names = [...template(type).matchAll(/data-izh-(?:rows|field|label|help|hint)="([^"]+)"/g)].flatMap((m) => m[1].split(/\s+/));
      for (const name of names) expect(SCHEMAS[type].fields.some((f) => f.name === name), `${type}: ${name}`).toBe(true);
    }
  });

  it('checks a single field as the runtime does', () => {
    const samples: unknown[] = ['', -1, 0, 0.5, 1, 2.5, 10, 1000, 100001, 1e12, -1e9, 'abc', '1e-3', 4294967296];
    let compared = 0;
    for (const type of TYPES) {
      const def = registered.get(type);
      for (const f of SCHEMAS[type].fields) {
        if (!['number', 'integer', 'typed'].includes(f.kind) || f.hidden) continue;
        expect(typeof def.defaults[f.name]?.validate, `${type}.${f.name} has a validator`).toBe('function');
        for (const value of samples) {
          const node = nodeFor(type, f, value);
          const inEditor = def.defaults[f.name].validate.call(node, value, {});
          let atRuntime = true;
          try {
            const x = readNumber(f, value);
            if (!isBlank(value)) atRuntime = WITH_DEFAULTS[`${type}.${f.name}`]?.(x) ?? true;
          } catch (e) {
            expect(e).toBeInstanceOf(ConfigError);
            atRuntime = false;
          }
          expect(inEditor === true, `${type}.${f.name} = ${JSON.stringify(value)}: ${String(inEditor)}`).toBe(atRuntime);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(400);
  });

  it('takes an environment variable in a typed field, a name the runtime looks up', () => {
    const clock = registered.get('izh-clock');
    expect(clock.defaults.dt.validate.call({ dt: 'IZH_DT', dtType: 'env' }, 'IZH_DT', {})).toBe(true);
    expect(clock.defaults.dt.validate.call({ dt: '', dtType: 'env' }, '', {})).toMatch(/environment variable/);
    expect(clock.defaults.dt.validate.call({ dt: 'a b', dtType: 'env' }, 'a b', {})).toMatch(/environment variable/);
    expect(clock.defaults.dt.validate.call({ dt: 'IZH_DT', dtType: 'num' }, 'IZH_DT', {})).toMatch(/number/);
    expect(resolveTyped('izh-clock', { dt: 'IZH_DT', dtType: 'env' }, (name) => (name === 'IZH_DT' ? '0.5' : undefined)).dt).toBe(0.5);
  });

  it('migrates a node as the runtime does', () => {
    const old = { id: 'c', type: 'izh-clock', dt: 0.25, duration: 100, speed: 1 };
    const migrated = IZH.migrate('izh-clock', old);
    expect(migrated).toEqual({ ...old, dtType: 'num', durationType: 'num', speedType: 'num', version: CONFIG_VERSION });
    expect(IZH.migrate('izh-clock', migrated)).toEqual(migrated);
    expect(IZH.migrate('izh-source', { amplitude: 5 })).toEqual({ amplitude: 5, amplitudeType: 'num', version: CONFIG_VERSION });
  });

  it('puts placeholders from the schema: required, blank values, examples', () => {
    expect(IZH.placeholderOf(fieldOf('izh-source', 'amplitude'), '')).toBe('required');
    expect(IZH.placeholderOf(fieldOf('izh-source', 'baseline'), '')).toBe('blank: 0');
    expect(IZH.placeholderOf(fieldOf('izh-neuron', 'u0', {}, '2003'), 'compact')).toBe('b·v0');
    expect(IZH.placeholderOf(fieldOf('izh-source', 'offset'), 'label')).toBe('Offset: ∞');
    expect(IZH.placeholderOf(fieldOf('izh-synapse', 'weight', { weightKind: 'expression' }), '')).toBe('e.g. 0.5 * r');
    expect(IZH.placeholderOf(fieldOf('izh-synapse', 'aMinus', { plasticity: 'stdp' }), 'compact')).toBe('-0.12');
    expect(isBlank(IZH.placeholderOf(fieldOf('izh-clock', 'mode'), ''))).toBe(true);
    expect(typeFieldOf('dt')).toBe('dtType');
  });
});

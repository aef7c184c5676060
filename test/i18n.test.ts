/**
 * The message catalogs: every key the sources use exists in English and German, both languages
 * have the same keys with the same __placeholders__, and every node has its help in both.
 * English is what Node-RED loads (englishCatalog: the hand-written nodes/locales/en-US catalogs
 * with lib's texts laid in); German is nodes/locales/de as translated.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGLISH, message } from '../lib/engine/messages';
import { MESSAGES, PACKAGE_NAME, SCHEMAS, SOURCE_KINDS } from '../lib/engine/schema';
import { catalogOf, englishCatalog, NODE_SETS, say, translate } from '../nodes/i18n';
import type { NodeRED } from '../nodes/api';

const ROOT = join(__dirname, '..');
const LOCALES = join(ROOT, 'nodes', 'locales');
const LANGUAGES = ['en-US', 'de'];

/** key -> text of a nested catalog */
function flatten(catalog: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(catalog as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out[path] = value;
    else flatten(value, path, out);
  }
  return out;
}

/** The catalogs of one language by node set, flattened: English as built, others as written in `dir`. */
function catalogs(dir: string, lang: string): Record<string, Record<string, string>> {
  return Object.fromEntries(NODE_SETS.map((set) => [set, flatten(lang === 'en-US' ? englishCatalog(set) : JSON.parse(readFileSync(join(dir, lang, `${set}.json`), 'utf8')))]));
}

const placeholders = (text: string) => [...new Set(text.match(/__\w+__/g) ?? [])].sort();

/** Every catalog key the sources use: say()/message() literals, data-i18n attributes, _() calls, the schema's keys and lib's ids. */
function usedKeys(): string[] {
  const keys = new Set<string>([...Object.keys(MESSAGES), ...Object.keys(ENGLISH).map((id) => `izh.${id}`)]);
  const sources = [
    ...readdirSync(join(ROOT, 'nodes')).filter((f) => /\.(ts|html)$/.test(f)).map((f) => join(ROOT, 'nodes', f)),
    join(ROOT, 'resources', 'izh-editor.js'),
  ];
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    // quoted literals that name a catalog key: 'izh-clock.status.ready', "izh.required"
    for (const m of text.matchAll(/['"`]((?:izh|izh-[a-z-]+)\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9 -]+)*)['"`]/g)) {
      const parts = m[1].split('.');
      if (parts[0] === 'izh' || (NODE_SETS.includes(parts[0]) && parts.length > 2)) keys.add(m[1]);
    }
    // data-i18n="key", "[html]key", "[placeholder]ns:key;[title]key": keys of Node-RED's own catalogs are not ours
    for (const m of text.matchAll(/data-i18n="([^"]+)"/g)) {
      for (const entry of m[1].split(';')) {
        const bare = entry.replace(/^\[[a-z]+\]/, '');
        const colon = bare.lastIndexOf(':');
        if (colon === -1) keys.add(bare);
        else if (bare.slice(0, colon).startsWith(`${PACKAGE_NAME}/`)) keys.add(bare.slice(colon + 1));
      }
    }
  }
  // keys built from a value: a status per source kind and per run event, a count per noun
  for (const kind of SOURCE_KINDS) if (kind !== 'expression') keys.add(`izh-source.status.${kind}`);
  for (const event of ['running', 'paused', 'done', 'stopped', 'reset', 'failed']) keys.add(`izh-clock.status.${event}`);
  for (const noun of ['spike', 'bin', 'sample', 'neuron', 'synapse']) keys.add(`izh.counts.${noun}`).add(`izh.counts.${noun}s`);
  return [...keys];
}

/** What is wrong with the catalogs in `dir` (English as built, other languages from `dir`). */
function problems(dir: string): string[] {
  const found: string[] = [];
  const [english, ...others] = LANGUAGES.map((lang) => catalogs(dir, lang));
  for (const [i, catalog] of others.entries()) {
    const lang = LANGUAGES[i + 1];
    for (const set of NODE_SETS) {
      const en = english[set], other = catalog[set];
      for (const key of Object.keys(en)) {
        if (other[key] === undefined) found.push(`${lang}/${set}: ${key} is missing`);
        else if (placeholders(en[key]).join() !== placeholders(other[key]).join()) found.push(`${lang}/${set}: ${key} has ${placeholders(other[key])}, English ${placeholders(en[key])}`);
      }
      for (const key of Object.keys(other)) if (en[key] === undefined) found.push(`${lang}/${set}: ${key} is not an English key`);
    }
  }
  for (const [i, catalog] of [english, ...others].entries()) {
    for (const key of usedKeys()) if (catalog[catalogOf(key)]?.[key] === undefined) found.push(`${LANGUAGES[i]}: the used key ${key} is in no catalog`);
  }
  for (const lang of LANGUAGES) {
    for (const set of NODE_SETS) {
      let help = '';
      try {
        help = readFileSync(join(dir, lang, `${set}.html`), 'utf8');
      } catch {
        found.push(`${lang}: no help for ${set}`);
        continue;
      }
      if (!help.includes(`data-help-name="${set}"`)) found.push(`${lang}/${set}.html: not the help of ${set}`);
    }
  }
  return found;
}

const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the catalogs to break. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'izh-locales-'));
  copies.push(dir);
  cpSync(LOCALES, dir, { recursive: true });
  return dir;
}

describe('the message catalogs', () => {
  it('have every used key in English and German, the same keys and placeholders, and help in both', () => {
    expect(usedKeys().length).toBeGreaterThan(600);
    expect(problems(LOCALES)).toEqual([]);
  });

  it('find a key missing from German, a changed placeholder, a key used but never written and a missing help', () => {
    const dir = copy();
    const file = join(dir, 'de', 'izh-source.json');
    const de = JSON.parse(readFileSync(file, 'utf8'));
    delete de['izh-source'].errors.payload;
    de['izh-source'].status.ramp = 'Rampe __steigung__/ms';
    writeFileSync(file, JSON.stringify(de));
    rmSync(join(dir, 'de', 'izh-synapse.html'));
    expect(problems(dir)).toEqual(expect.arrayContaining([
      'de/izh-source: izh-source.errors.payload is missing',
      'de/izh-source: izh-source.status.ramp has __steigung__, English __slope__',
      'de: the used key izh-source.errors.payload is in no catalog',
      'de: no help for izh-synapse',
    ]));
  });

  it('give every schema key of a node type to that type (the editor looks them up there)', () => {
    for (const type of Object.keys(SCHEMAS)) expect(Object.keys(englishCatalog(type))).toContain(type);
    expect(Object.keys(MESSAGES).every((key) => NODE_SETS.includes(catalogOf(key)))).toBe(true);
  });
});

describe('translate', () => {
  /** a RED._ over the German catalogs, as Node-RED's i18next resolves `namespace:key` */
  const german: NodeRED = {
    _: (full: string, values?: Record<string, unknown>) => {
      const [ns, key] = full.split(':');
      const set = ns.split('/').pop()!;
      const text = catalogs(LOCALES, 'de')[set][key];
      return text === undefined ? key : text.replace(/__(\w+)__/g, (m, name) => String(values?.[name] ?? m));
    },
  } as unknown as NodeRED;

  it('translates nested messages and keeps English when the runtime has no text (the test helper returns the key)', () => {
    const error = message('errors.sentence', { node: message('labels.named', { kind: message('kinds.izh-neuron'), name: 'RS' }), field: 'a', reason: message('errors.number'), value: '"x"' });
    expect(error.english).toBe('neuron "RS": a must be a number (got "x")');
    expect(translate(german, error)).toBe('Neuron „RS“: a muss eine Zahl sein (erhalten: "x")');
    expect(translate({ _: (key: string) => key } as unknown as NodeRED, error)).toBe(error.english);
    expect(translate(german, say('izh-clock.status.ready', { dt: 0.25 }))).toBe('bereit, dt 0.25 ms');
  });
});

/**
 * How the nodes speak to their users: every error, warning and status is a Message (lib/engine/
 * messages.ts) that the runtime translates with RED._ into Node-RED's language (settings.lang,
 * or the locale of its environment) from the nodes' catalogs, nodes/locales/<lang>/<node>.json.
 *
 * Keys starting `izh.` (lib's errors and words, shared statuses, the edit dialogs' common words)
 * live in izh-clock's catalog; `izh-neuron.…` keys live in izh-neuron's, and so on. The English
 * of a node's own keys is its en-US catalog, imported here; the English of `izh.errors.…` and the
 * other lib keys is lib/engine/messages.ts, which the build writes into izh-clock's en-US catalog.
 * When RED._ has no text for a key (a runtime without our catalogs, or the test helper, whose
 * RED._ returns the key) the English is used.
 */
import { ENGLISH as LIB_ENGLISH, fill, isMessage, type Message, type Value } from '../lib/engine/messages';
import { MESSAGES, PACKAGE_NAME } from '../lib/engine/schema';
import type { NodeRED } from './api';
import clock from './locales/en-US/izh-clock.json';
import source from './locales/en-US/izh-source.json';
import neuron from './locales/en-US/izh-neuron.json';
import generator from './locales/en-US/izh-spike-generator.json';
import synapse from './locales/en-US/izh-synapse.json';
import spikeMonitor from './locales/en-US/izh-spike-monitor.json';
import stateMonitor from './locales/en-US/izh-state-monitor.json';
import rateMonitor from './locales/en-US/izh-rate-monitor.json';
import weightMonitor from './locales/en-US/izh-weight-monitor.json';

/** The hand-written English catalogs of the nodes, by node set. */
const CATALOGS: Record<string, Record<string, unknown>> = {
  'izh-clock': clock, 'izh-source': source, 'izh-neuron': neuron, 'izh-spike-generator': generator, 'izh-synapse': synapse,
  'izh-spike-monitor': spikeMonitor, 'izh-state-monitor': stateMonitor, 'izh-rate-monitor': rateMonitor, 'izh-weight-monitor': weightMonitor,
};
/** The same, merged (each has its own top-level keys). */
const ENGLISH: Record<string, unknown> = Object.assign({}, ...Object.values(CATALOGS));

/** Every key of lib with its English: lib's messages (izh.<id>) and the schema's labels and help. */
function libTexts(): Record<string, string> {
  const texts: Record<string, string> = { ...MESSAGES };
  for (const [id, text] of Object.entries(LIB_ENGLISH)) texts[`izh.${id}`] = text;
  return texts;
}

/**
 * The English catalog of a node set as Node-RED loads it (dist/nodes/locales/en-US/<set>.json,
 * written by scripts/build-assets.mjs): the hand-written one with lib's keys of this set laid in.
 */
export function englishCatalog(set: string): Record<string, unknown> {
  const catalog = structuredClone(CATALOGS[set]);
  if (!catalog) throw new Error(`no catalog for the node set ${set}`);
  for (const [key, text] of Object.entries(libTexts())) {
    if (catalogOf(key) !== set) continue;
    const path = key.split('.');
    let at = catalog;
    for (const part of path.slice(0, -1)) {
      const next = at[part] ?? (at[part] = {});
      if (typeof next !== 'object') throw new Error(`the catalog key ${key} is inside the text ${path.slice(0, -1).join('.')}`);
      at = next as Record<string, unknown>;
    }
    const leaf = path[path.length - 1];
    if (at[leaf] !== undefined) throw new Error(`the catalog key ${key} has a hand-written text and one from lib`);
    at[leaf] = text;
  }
  return catalog;
}

/** The node sets, each with a catalog of its own. */
export const NODE_SETS = Object.keys(CATALOGS);

/** The English template of a catalog key of the nodes (undefined when there is none). */
export function englishOf(key: string): string | undefined {
  let at: unknown = ENGLISH;
  for (const part of key.split('.')) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined;
  return typeof at === 'string' ? at : undefined;
}

/** A message of the nodes by its catalog key, e.g. say('izh-clock.status.ready', {dt: 0.25}). */
export function say(key: string, values: Readonly<Record<string, Value>> = {}): Message {
  const template = englishOf(key);
  if (template === undefined) throw new Error(`no English text for the message ${key}`);
  return { id: key, values, english: fill(template, values) };
}

/** The node set whose catalog holds a key: `izh.…` is izh-clock's, `izh-neuron.…` izh-neuron's. */
export function catalogOf(key: string): string {
  const head = key.split('.')[0];
  return head === 'izh' ? 'izh-clock' : head;
}

/** A text in the runtime's language (a string stays as it is). */
export function translate(RED: NodeRED, text: Value): string {
  if (!isMessage(text)) return String(text);
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.values)) values[name] = typeof value === 'object' ? translate(RED, value) : value;
  const full = `${PACKAGE_NAME}/${catalogOf(text.id)}:${text.id}`;
  let out: unknown;
  try {
    out = RED._?.(full, values);
  } catch {
    out = undefined;
  }
  return typeof out === 'string' && out !== full && out !== text.id ? out : text.english;
}

/**
 * The package in German: a Node-RED started with `lang: 'de'` in its settings (the runtime's
 * language; without it Node-RED takes LC_ALL, LC_MESSAGES or LANG) reports our errors and
 * statuses in German, and an editor opened by a German browser (the editor follows
 * navigator.language, and the help follows the request's Accept-Language) shows our palette,
 * dialogs and help in German.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { click, setUp, STEP_MS, TEST_MS, type Setup } from './support/browser';

const TYPES = ['izh-clock', 'izh-source', 'izh-neuron', 'izh-spike-monitor', 'izh-state-monitor', 'izh-spike-generator', 'izh-synapse', 'izh-rate-monitor', 'izh-weight-monitor'];

/** A neuron that two inject nodes send bad messages; a status node prints its status to the log. */
const FLOW = [
  { id: 'tab', type: 'tab', label: 'Deutsch' },
  { id: 'clock', z: 'tab', type: 'izh-clock', name: '', dt: 0.25, dtType: 'num', duration: 100, durationType: 'num', mode: 'batch', version: 2, x: 100, y: 60, wires: [['cell'], []] },
  { id: 'cell', z: 'tab', type: 'izh-neuron', name: 'Zelle', preset: 'custom', form: '2003', size: 1, params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, spikeEvents: 'off', version: 2, x: 300, y: 60, wires: [[], []] },
  { id: 'bad-a', z: 'tab', type: 'inject', props: [{ p: 'payload' }], payload: '{"a":"abc"}', payloadType: 'json', once: true, onceDelay: 0.1, repeat: '', x: 100, y: 140, wires: [['cell']] },
  { id: 'watch', z: 'tab', type: 'status', scope: ['cell'], x: 100, y: 220, wires: [['show']] },
  { id: 'show', z: 'tab', type: 'debug', active: true, tosidebar: false, console: true, tostatus: false, complete: 'status.text', targetType: 'msg', x: 300, y: 220, wires: [] },
];

let s: Setup;

beforeAll(async () => {
  s = await setUp({ lang: 'de' });
  await s.deploy(FLOW);
}, TEST_MS);

afterAll(async () => {
  await s?.close();
}, STEP_MS);

describe('a German Node-RED', () => {
  it('reports an error in German, naming the node, the field and the value', async () => {
    const log = await s.red.printed(/Neuron „Zelle“: a .*\(erhalten: "abc"\)/);
    expect(log).toContain('Neuron „Zelle“: a muss eine Zahl sein (erhalten: "abc")');
  }, TEST_MS);

  it('shows the status in German', async () => {
    const log = await s.red.printed(/\[debug:show\] a muss/);
    expect(log).toMatch(/\[debug:show\] a muss eine Zahl sein\s*$/m);
  }, TEST_MS);
});

describe('the editor in German', () => {
  let page: Page;

  beforeAll(async () => {
    ({ page } = await s.editor('cell', { width: 1400, height: 900 }, 'de-DE'));
    for (const type of TYPES) await page.waitForSelector(`.red-ui-palette-node[data-palette-type="${type}"]`);
  }, TEST_MS);

  it('labels the palette in German', async () => {
    // the text, not innerText: a long label wraps in the palette
    expect(await page.locator('.red-ui-palette-node[data-palette-type="izh-clock"] .red-ui-palette-label').textContent()).toBe('Taktgeber');
    expect(await page.locator('.red-ui-palette-node[data-palette-type="izh-rate-monitor"] .red-ui-palette-label').textContent()).toBe('Ratenmonitor');
  }, TEST_MS);

  it("shows a neuron's dialog in German", async () => {
    await page.evaluate(() => (window as any).RED.editor.edit((window as any).RED.nodes.node('cell')));
    await page.waitForSelector('#node-dialog-cancel', { state: 'visible' });
    // a label from the schema, an option and a tip from the template, a caption built by the dialog
    expect(await page.locator('label[for="node-input-form"]').innerText()).toContain('Modellform');
    expect(await page.locator('#node-input-spikeEvents option[value="each"]').innerText()).toBe('eine Nachricht pro Spike');
    expect(await page.locator('label[for="node-input-name"]').innerText()).toContain('Name');
    expect(await page.locator('#izh-neuron-params').innerText()).toContain('Dynamik');
    await click(page.locator('#node-dialog-cancel'));
    await page.waitForSelector('#dialog-form', { state: 'detached' });
  }, TEST_MS);

  it("shows a neuron's help in German", async () => {
    await page.evaluate(() => (window as any).RED.sidebar.help.show('izh-neuron'));
    // the help sidebar nests .red-ui-help elements: the innermost one holding the text
    const help = page.locator('.red-ui-help', { hasText: 'Eine Population spikender Izhikevich-Neuronen' }).last();
    await help.waitFor();
    expect(await help.innerText()).toContain('Membranpotential');
  }, TEST_MS);
});

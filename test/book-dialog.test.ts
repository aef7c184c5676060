/**
 * The neuron's edit dialog in a real browser (Node-RED started here on a free port, Debian's
 * Chromium through playwright-core, like test/browser.test.ts): the scheme shown follows the
 * form's default (2003: izhikevich, 2007: the book's euler) for a neuron without a scheme, and
 * picking a preset sets the scheme it was published with.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { click } from './support/browser';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';

const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * How long one step in the browser (a page to load, a chart to fill, a node to appear) may take
 * before the test calls it hung, and how long a whole test may take: generous, because a busy
 * machine makes Chromium and Node-RED slow, and every wait ends as soon as what it waits for
 * has happened.
 */
const STEP_MS = 120_000;
const TEST_MS = 300_000;

let userDir: string;
let red: NodeRedProcess | undefined;
let browser: Browser;
let base: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const neuron = (id: string, fields: Record<string, unknown>, y: number) => ({
  id, type: 'izh-neuron', z: 'tab', name: id, preset: 'custom', size: 1, spikeEvents: 'off', x: 300, y, wires: [[], []], ...fields,
});
const FLOWS = [
  { id: 'tab', type: 'tab', label: 'dialog' },
  // saved without a scheme: the dialog shows the form's default
  neuron('blank2007', { form: '2007', scheme: '', params: { C: 20, k: 1, vr: -55, vt: -40, vpeak: 25, a: 0.2, b: 0.025, c: -45, d: 0, vb: -55 } }, 100),
  neuron('blank2003', { form: '2003', params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 } }, 160),
  neuron('rk4', { form: '2003', scheme: 'rk4', params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 } }, 220),
];

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  userDir = mkdtempSync(join(tmpdir(), 'izh-dialog-'));
  writeFileSync(
    join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', nodesDir: [ROOT], credentialSecret: false, editorTheme: { tours: false }, telemetry: { enabled: false } })};`,
  );
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(FLOWS));
  red = await startNodeRed(userDir);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, TEST_MS);

afterAll(async () => {
  await browser?.close();
  await red?.stop();
  rmSync(userDir, { recursive: true, force: true });
}, STEP_MS);

/** Opens the edit dialog of node `id` and waits until the preset list has arrived from the runtime. */
async function openDialog(page: Page, id: string): Promise<void> {
  await page.evaluate((nodeId) => (window as any).RED.editor.edit((window as any).RED.nodes.node(nodeId)), id);
  await page.waitForSelector('#node-input-preset option[value="book FS"]', { state: 'attached' });
}
const value = (page: Page, field: string) => page.locator(`#node-input-${field}`).inputValue();
async function closeDialog(page: Page): Promise<void> {
  await click(page.locator('#node-dialog-cancel'));
  await page.waitForSelector('#node-input-scheme', { state: 'detached' });
}

describe('the neuron dialog', () => {
  it('shows each form\'s default scheme and sets a preset\'s scheme', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(STEP_MS);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);
    await page.waitForFunction(() => (window as any).RED?.nodes?.node('blank2007'));
    // the parameters and the form's scheme come from the runtime's schema
    await page.waitForFunction(() => (window as any).IzhEditor?.loaded());

    await openDialog(page, 'blank2007');
    expect(await value(page, 'scheme')).toBe('euler');
    await closeDialog(page);

    await openDialog(page, 'blank2003');
    expect(await value(page, 'scheme')).toBe('izhikevich');
    // a book preset: the 2007 form and the book's scheme
    await page.selectOption('#node-input-preset', 'book FS');
    expect(await value(page, 'form')).toBe('2007');
    expect(await value(page, 'scheme')).toBe('euler');
    expect(await page.locator('#izh-neuron-preset-hint').innerText()).toContain('published with the euler scheme, dt 0.25 ms');
    // a 2004 pattern: back to the published 2003/2004 scheme
    await page.selectOption('#node-input-preset', 'A');
    expect(await value(page, 'form')).toBe('2003');
    expect(await value(page, 'scheme')).toBe('izhikevich');
    // switching the form by hand moves a default scheme along
    await page.selectOption('#node-input-form', '2007');
    expect(await value(page, 'scheme')).toBe('euler');
    await page.selectOption('#node-input-form', '2003');
    expect(await value(page, 'scheme')).toBe('izhikevich');
    await closeDialog(page);

    // a scheme chosen on purpose stays when the form changes
    await openDialog(page, 'rk4');
    expect(await value(page, 'scheme')).toBe('rk4');
    await page.selectOption('#node-input-form', '2007');
    expect(await value(page, 'scheme')).toBe('rk4');
    await closeDialog(page);
    expect(errors).toEqual([]);
    await page.close();
  }, TEST_MS);
});

/**
 * The network nodes' edit dialogs in a real browser (Node-RED started here on a free port,
 * Debian's Chromium through playwright-core, like test/book-dialog.test.ts): every node of the
 * five network examples passes the editor's validators, each dialog shows the fields of the
 * choices made and hides the others, and the validators flag bad values.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_EXAMPLES } from '../lib/flow/network-examples';
import { click } from './support/browser';

const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXAMPLES = NETWORK_EXAMPLES.flatMap((e) => e.flow());

let userDir: string;
let red: ChildProcess;
let browser: Browser;
let page: Page;
let base: string;
let log = '';
const pageErrors: string[] = [];

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

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  userDir = mkdtempSync(join(tmpdir(), 'izh-network-dialog-'));
  writeFileSync(
    join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', nodesDir: [ROOT], credentialSecret: false, editorTheme: { tours: false }, telemetry: { enabled: false } })};`,
  );
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(EXAMPLES));
  red = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', join(userDir, 'settings.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Node-RED says when the flows have started (or why it stopped)
  await new Promise<void>((resolve, reject) => {
    red.stdout!.on('data', (d) => {
      log += d;
      if (log.includes('Started flows')) resolve();
    });
    red.stderr!.on('data', (d) => (log += d));
    red.once('exit', (code) => reject(new Error(`Node-RED exited (${code}):\n${log}`)));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(base);
  await page.waitForFunction(() => (window as any).RED?.nodes?.node('izh-spnet-excitatory'), null, { timeout: 30_000 });
  // the dialogs' validators and fields come from the runtime's schema (resources/izh-editor.js)
  await page.waitForFunction(() => (window as any).IzhEditor?.loaded(), null, { timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (red && red.exitCode === null) {
    const exited = new Promise((resolve) => red.once('exit', resolve));
    red.kill('SIGINT');
    await exited;
  }
  rmSync(userDir, { recursive: true, force: true });
});

async function openDialog(id: string, ready: string): Promise<void> {
  await page.evaluate((nodeId) => (window as any).RED.editor.edit((window as any).RED.nodes.node(nodeId)), id);
  await page.waitForSelector(ready, { state: 'visible', timeout: 10_000 });
}
async function closeDialog(gone: string): Promise<void> {
  await click(page.locator('#node-dialog-cancel'));
  await page.waitForSelector(gone, { state: 'detached', timeout: 10_000 });
}
const visible = (selector: string) => page.locator(selector).first().isVisible();
const value = (field: string) => page.locator(`#node-input-${field}`).inputValue();
/** Types a value into a field and says whether the editor marks it invalid. */
async function flagged(field: string, text: string): Promise<boolean> {
  const input = page.locator(`#node-input-${field}`);
  await input.fill(text);
  await input.dispatchEvent('change');
  return input.evaluate((el) => el.classList.contains('input-error'));
}

describe('the network dialogs', () => {
  it('accept every node of the network examples', async () => {
    const ids = EXAMPLES.filter((n) => n.type.startsWith('izh-')).map((n) => n.id);
    const valid = await page.evaluate((list) => list.filter((id) => (window as any).RED.nodes.node(id)?.valid === true), ids);
    expect(valid).toEqual(ids);
    // and the validators do flag: a synapse whose degree is gone
    const flaggedNode = await page.evaluate(() => {
      const RED = (window as any).RED;
      const node = RED.nodes.node('izh-spnet-inhibitory');
      const degree = node.degree;
      node.degree = '';
      RED.editor.validateNode(node);
      const result = node.valid;
      node.degree = degree;
      RED.editor.validateNode(node);
      return [result, node.valid];
    });
    expect(flaggedNode).toEqual([false, true]);
    expect(await page.evaluate(() => (window as any).RED.nodes.node('izh-spnet-excitatory')._def.label.call((window as any).RED.nodes.node('izh-spnet-excitatory')))).toBe('excitatory, plastic');
  });

  it('synapse: the rule, weights, delays, kind and learning show their own fields', async () => {
    await openDialog('izh-spnet-excitatory', '#node-input-rule');
    expect(await value('rule')).toBe('out-degree');
    expect(await visible('.izh-synapse-row-degree')).toBe(true);
    expect(await visible('#node-input-duplicates')).toBe(true);
    expect(await visible('.izh-synapse-row-probability')).toBe(false);
    expect(await visible('.izh-synapse-row-connections')).toBe(false);
    expect(await visible('#node-input-delayMin')).toBe(false);
    expect(await page.locator('#izh-synapse-delaymax-label').innerText()).toBe('from 1 to D =');
    expect(await visible('#node-input-period')).toBe(true);
    expect(await visible('#node-input-tauPlus')).toBe(false);
    expect(await page.locator('#node-input-aMinus').getAttribute('placeholder')).toBe('0.12');

    await page.selectOption('#node-input-plasticity', 'stdp');
    expect(await visible('#node-input-tauPlus')).toBe(true);
    expect(await visible('#node-input-period')).toBe(false);
    expect(await page.locator('#node-input-aMinus').getAttribute('placeholder')).toBe('-0.12');
    await page.selectOption('#node-input-plasticity', 'none');
    expect(await visible('.izh-synapse-row-bounds')).toBe(false);

    await page.selectOption('#node-input-rule', 'probability');
    expect(await visible('.izh-synapse-row-probability')).toBe(true);
    expect(await visible('.izh-synapse-row-degree')).toBe(false);
    expect(await visible('#node-input-autapses')).toBe(true);
    expect(await visible('#node-input-duplicates')).toBe(false);
    expect(await flagged('probability', '1.5')).toBe(true);
    expect(await flagged('probability', '0.25')).toBe(false);

    await page.selectOption('#node-input-rule', 'list');
    expect(await visible('.izh-synapse-row-connections')).toBe(true);
    expect(await visible('.izh-synapse-row-flags')).toBe(false);
    expect(await flagged('connections', '[[0, 1, 2')).toBe(true);
    expect(await flagged('connections', '[[0, 1, 2, 1], [1, 2]]')).toBe(false);

    await page.selectOption('#node-input-weightKind', 'normal');
    expect(await visible('#node-input-weightMean')).toBe(true);
    expect(await visible('#node-input-weightLow')).toBe(true);
    expect(await visible('.izh-synapse-row-weight')).toBe(false);
    await page.selectOption('#node-input-weightKind', 'expression');
    expect(await visible('.izh-synapse-row-weight')).toBe(true);
    expect(await page.locator('#node-input-weight').getAttribute('placeholder')).toBe('e.g. 0.5 * r');

    await page.selectOption('#node-input-delayKind', 'uniform');
    expect(await visible('#node-input-delayMin')).toBe(true);
    expect(await flagged('delayMin', '0')).toBe(true);
    expect(await flagged('delayMin', '2')).toBe(false);
    expect(await flagged('delayMax', '1')).toBe(true);

    await page.selectOption('#node-input-kind', 'exponential');
    expect(await visible('.izh-synapse-row-tau')).toBe(true);
    expect(await flagged('tau', '-1')).toBe(true);
    expect(await flagged('preNeurons', '9-3')).toBe(true);
    expect(await flagged('preNeurons', '0-799')).toBe(false);
    expect(await flagged('seed', '1.5')).toBe(true);
    await closeDialog('#node-input-rule');
  });

  it('spike generator: poisson or times', async () => {
    await openDialog('izh-poisson-poisson', '#node-input-kind');
    expect(await visible('#node-input-rate')).toBe(true);
    expect(await visible('#node-input-times')).toBe(false);
    expect(await flagged('rate', '-1')).toBe(true);
    await page.selectOption('#node-input-kind', 'times');
    expect(await visible('#node-input-rate')).toBe(false);
    expect(await visible('#node-input-times')).toBe(true);
    expect(await flagged('times', '[[10, 500]]')).toBe(true); // channel beyond the 200 channels
    expect(await flagged('times', '[[10, 5], [12.5, 199]]')).toBe(false);
    expect(await flagged('times', '10, 20')).toBe(false);
    await closeDialog('#node-input-times');
  });

  it('rate and weight monitors', async () => {
    await openDialog('izh-spnet-rate', '#node-input-bin');
    expect(await value('bin')).toBe('10');
    expect(await flagged('bin', '0')).toBe(true);
    expect(await flagged('smoothing', '50')).toBe(false);
    await closeDialog('#node-input-bin');
    await openDialog('izh-spnet-weights', '#node-input-every');
    expect(await value('every')).toBe('1000');
    expect(await flagged('bins', '1001')).toBe(true);
    expect(await flagged('low', '5')).toBe(false);
    expect(await flagged('high', '2')).toBe(true);
    await page.selectOption('#node-input-format', 'chart');
    expect(await visible('#node-input-chartPoints')).toBe(true);
    await closeDialog('#node-input-every');
  });

  it('neuron: the half-step scheme, the seed and per-neuron expressions', async () => {
    await page.evaluate(() => (window as any).RED.editor.edit((window as any).RED.nodes.node('izh-net2003-E')));
    await page.waitForSelector('#izh-param-c', { state: 'visible', timeout: 10_000 });
    expect(await value('scheme')).toBe('izhikevich-net');
    expect(await page.locator('#node-input-scheme option[value="izhikevich-net"]').innerText()).toMatch(/half steps/);
    expect(await page.locator('#izh-param-c').inputValue()).toBe('-65 + 15 * r^2');
    const paramFlagged = async (key: string, text: string) => {
      await page.locator(`#izh-param-${key}`).fill(text);
      await page.locator(`#izh-param-${key}`).dispatchEvent('input');
      return page.locator(`#izh-param-${key}`).evaluate((el) => el.classList.contains('input-error'));
    };
    expect(await paramFlagged('c', '-65 + 15 * r^2')).toBe(false);
    expect(await paramFlagged('a', 'i < 800 ? 0.02 : 0.1')).toBe(false);
    expect(await paramFlagged('c', 'lots')).toBe(true);
    expect(await paramFlagged('c', '-65 + (15 * r')).toBe(true);
    expect(await paramFlagged('c', '40')).toBe(true); // above the peak
    expect(await flagged('seed', '-3')).toBe(true);
    expect(await flagged('seed', '42')).toBe(false);
    await closeDialog('#izh-param-c');
  });

  it('source: one random neuron per step; clock: the run seed', async () => {
    await openDialog('izh-spnet-thalamus', '#node-input-kind');
    expect(await value('kind')).toBe('random-neuron');
    // the amplitude is a typedInput: a number or an environment variable
    expect(await visible('.izh-source-row-amplitude .red-ui-typedInput-container')).toBe(true);
    expect(await visible('#node-input-seed')).toBe(true);
    expect(await visible('#node-input-std')).toBe(false);
    expect(await page.locator('#izh-source-kind-hint').innerText()).toMatch(/one neuron of each target population/);
    await closeDialog('#izh-source-kind-hint');
    await openDialog('izh-spnet-clock', '#node-input-seed');
    expect(await value('seed')).toBe('1');
    expect(await flagged('seed', '4294967296')).toBe(true);
    expect(await flagged('seed', '7')).toBe(false);
    await closeDialog('#node-input-seed');
    expect(pageErrors).toEqual([]);
  });
});

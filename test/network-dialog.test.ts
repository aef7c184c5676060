/**
 * The network nodes' edit dialogs in a real browser (Node-RED started here on a free port,
 * Debian's Chromium through playwright-core, like test/book-dialog.test.ts): every node of the
 * five network examples passes the editor's validators, each dialog shows the fields of the
 * choices made and hides the others, and the validators flag bad values.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_EXAMPLES } from '../lib/flow/network-examples';
import { closeDialog as close, openDialog as open, setUp, STEP_MS, TEST_MS, type Editor, type Setup } from './support/browser';

const EXAMPLES = NETWORK_EXAMPLES.flatMap((e) => e.flow());

let s: Setup;
let editor: Editor;
let page: Page;

beforeAll(async () => {
  s = await setUp({}, EXAMPLES);
  editor = await s.editor('izh-spnet-excitatory');
  page = editor.page;
}, TEST_MS);

afterAll(async () => {
  await s?.close();
}, STEP_MS);

/** Opens node `id`'s dialog and waits until the field `ready` shows. */
async function openDialog(id: string, ready: string): Promise<void> {
  await open(page, id);
  await page.waitForSelector(ready, { state: 'visible' });
}
const closeDialog = () => close(page);
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
  }, TEST_MS);

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
    await closeDialog();
  }, TEST_MS);

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
    await closeDialog();
  }, TEST_MS);

  it('rate and weight monitors', async () => {
    await openDialog('izh-spnet-rate', '#node-input-bin');
    expect(await value('bin')).toBe('10');
    expect(await flagged('bin', '0')).toBe(true);
    expect(await flagged('smoothing', '50')).toBe(false);
    await closeDialog();
    await openDialog('izh-spnet-weights', '#node-input-every');
    expect(await value('every')).toBe('1000');
    expect(await flagged('bins', '1001')).toBe(true);
    expect(await flagged('low', '5')).toBe(false);
    expect(await flagged('high', '2')).toBe(true);
    await page.selectOption('#node-input-format', 'chart');
    expect(await visible('#node-input-chartPoints')).toBe(true);
    await closeDialog();
  }, TEST_MS);

  it('neuron: the half-step scheme, the seed and per-neuron expressions', async () => {
    await openDialog('izh-net2003-E', '#izh-param-c');
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
    await closeDialog();
  }, TEST_MS);

  it('source: one random neuron per step; clock: the run seed', async () => {
    await openDialog('izh-spnet-thalamus', '#node-input-kind');
    expect(await value('kind')).toBe('random-neuron');
    // the amplitude is a typedInput: a number or an environment variable
    expect(await visible('.izh-source-row-amplitude .red-ui-typedInput-container')).toBe(true);
    expect(await visible('#node-input-seed')).toBe(true);
    expect(await visible('#node-input-std')).toBe(false);
    expect(await page.locator('#izh-source-kind-hint').innerText()).toMatch(/one neuron of each target population/);
    await closeDialog();
    await openDialog('izh-spnet-clock', '#node-input-seed');
    expect(await value('seed')).toBe('1');
    expect(await flagged('seed', '4294967296')).toBe(true);
    expect(await flagged('seed', '7')).toBe(false);
    await closeDialog();
    expect(editor.errors).toEqual([]);
  }, TEST_MS);
});

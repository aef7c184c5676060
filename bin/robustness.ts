/**
 * How much do the published figures depend on the integration step? Every one of the 28
 * patterns and the book's cell types (9 presets) runs with its preset three times: its published
 * scheme at the published dt (the figure; izhikevich for 2003/2004, the book's euler for the
 * book), classical Runge-Kutta (rk4) at the same dt, and the published scheme at half the dt.
 * Each run is checked against the pattern's signature with the checks the signature tests use
 * (lib/analysis/signatures.ts). The table goes to stdout and into README.md between the markers
 * <!-- robustness:start --> and <!-- robustness:end -->.
 *
 *   npm run robustness        (builds, then node dist/bin/robustness.js [README.md])
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scheme } from '../lib/engine/neuron';
import { PRESETS } from '../lib/flow/presets';
import { checkSignature } from '../lib/analysis/signatures';
import { recordPreset } from '../lib/flow/record';

const START = '<!-- robustness:start -->';
const END = '<!-- robustness:end -->';

/** `scheme: null`: the preset's own published scheme */
const RUNS: Array<{ heading: string; scheme: Scheme | null; dtFactor: number }> = [
  { heading: 'published scheme, published dt', scheme: null, dtFactor: 1 },
  { heading: 'rk4, published dt', scheme: 'rk4', dtFactor: 1 },
  { heading: 'published scheme, dt / 2', scheme: null, dtFactor: 0.5 },
];

function cell(code: string, scheme: Scheme, dtFactor: number): { ok: boolean; text: string } {
  const recording = recordPreset(code, { scheme, dtFactor });
  const verdict = checkSignature(code, recording);
  const spikes = `${recording.times.length} spike${recording.times.length === 1 ? '' : 's'}`;
  return verdict.ok ? { ok: true, text: `yes (${spikes})` } : { ok: false, text: `**no** (${spikes}): ${verdict.failed.join('; ')}` };
}

function table(): { markdown: string; kept: number[] } {
  const patterns = PRESETS;
  const kept = RUNS.map(() => 0);
  const rows = patterns.map((preset) => {
    const cells = RUNS.map((run, i) => {
      const c = cell(preset.code, run.scheme ?? preset.scheme, run.dtFactor);
      if (c.ok) kept[i]++;
      return c.text;
    });
    const scheme = preset.group === 'book' ? `${preset.scheme}, ` : '';
    return `| ${preset.code} ${preset.name} (${scheme}dt ${preset.clock.dt} ms) | ${cells.join(' | ')} |`;
  });
  const totals = `| **signature kept** | ${kept.map((k) => `**${k} of ${patterns.length}**`).join(' | ')} |`;
  const markdown = [
    `| pattern (published dt) | ${RUNS.map((r) => r.heading).join(' | ')} |`,
    `|---|${RUNS.map(() => '---').join('|')}|`,
    ...rows,
    totals,
  ].join('\n');
  return { markdown, kept };
}

function main(): void {
  const readme = process.argv[2] ?? [join(__dirname, '..', '..', 'README.md'), join(__dirname, '..', 'README.md')].find(existsSync);
  const { markdown } = table();
  console.log(markdown);
  if (!readme) throw new Error('README.md not found; give its path');
  const text = readFileSync(readme, 'utf8');
  const from = text.indexOf(START), to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${readme} has no ${START} ... ${END} markers`);
  writeFileSync(readme, `${text.slice(0, from + START.length)}\n${markdown}\n${text.slice(to)}`);
  console.log(`\nwrote the table into ${readme}`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

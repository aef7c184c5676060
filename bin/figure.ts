/**
 * Draws the two published figures from the example flows: every flow in flows/ runs through
 * the headless runner (the embedded Node-RED runtime, all 28 in one), and each state monitor's
 * v and I become a panel of docs/figure.svg, the 8 cortical classes (2003) in a 4 x 2 block
 * and the 20 features A-T (2004) in a 4 x 5 grid, in reading order.
 *
 *   npm run figure            (builds, then node dist/bin/figure.js [output.svg])
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FlowNode } from '../lib/flow/compiler';
import { EXAMPLE_FOLDERS } from '../lib/flow/examples';
import { PRESETS, type PresetGroup } from '../lib/flow/presets';
import { renderFigure, type FigureSection, type Panel } from '../lib/render/svg';
import { runFlow } from './runner';

/** The repository root: two levels above dist/bin, one above bin. */
const ROOT = [join(__dirname, '..', '..'), join(__dirname, '..')].find((dir) => {
  try {
    return readdirSync(join(dir, 'flows')).length > 0;
  } catch {
    return false;
  }
})!;

const SECTIONS: Array<{ group: PresetGroup; heading: string; columns: number }> = [
  { group: 'cortical', heading: 'Cortical cell classes (Izhikevich 2003, Fig. 2)', columns: 4 },
  { group: 'features', heading: 'Neuro-computational features (Izhikevich 2004, Fig. 1)', columns: 4 },
];

async function main(): Promise<void> {
  const output = process.argv[2] ?? join(ROOT, 'docs', 'figure.svg');
  const flows = SECTIONS.flatMap(({ group }) =>
    PRESETS.filter((p) => p.group === group).map((preset) => {
      const file = join(ROOT, 'flows', EXAMPLE_FOLDERS[group], `${preset.code} ${preset.name}.json`);
      return { preset, nodes: JSON.parse(readFileSync(file, 'utf8')) as FlowNode[] };
    }),
  );
  const report = await runFlow(flows.flatMap((f) => f.nodes), { timeoutMs: 60_000 });
  const panelOf = (nodes: FlowNode[]): Panel => {
    const tab = nodes.find((n) => n.type === 'tab')!;
    const trace = report.monitors.find((m) => m.z === tab.id && m.type === 'state');
    if (trace?.type !== 'state') throw new Error(`${String(tab.label)}: no state monitor in the report`);
    return { title: String(tab.label), t: trace.t, v: trace.v?.[0], I: trace.I?.[0] };
  };
  const sections: FigureSection[] = SECTIONS.map(({ group, heading, columns }) => ({
    heading,
    columns,
    panels: flows.filter((f) => f.preset.group === group).map((f) => panelOf(f.nodes)),
  }));
  const svg = renderFigure(sections, { title: 'Spiking-RED: the 28 published firing patterns, run as Node-RED flows' });
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, svg);
  const panels = sections.reduce((n, s) => n + s.panels.length, 0);
  console.log(`wrote ${output}: ${panels} panels, ${(svg.length / 1024).toFixed(0)} kB, ${process.uptime().toFixed(1)} s since the process started`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

// Writes the example flow of every published pattern and book cell into flows/<group folder>/, and the
// Dashboard 2 examples, from the presets in lib/ (run `npm run build` first). The flows are
// committed; rerun after a preset or a flow builder changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { PRESETS, exampleFlow, exampleFileName, EXAMPLE_FOLDERS, explorerFlow, dashboardPatternFlow, iotFlow, findPreset, NETWORK_EXAMPLES } = createRequire(import.meta.url)(join(root, 'dist', 'lib'));
/** Folder of the flows that need @flowfuse/node-red-dashboard. */
const DASHBOARD_FOLDER = 'dashboard (needs Dashboard 2)';
let count = 0;
for (const preset of PRESETS) {
  const folder = join(root, 'flows', EXAMPLE_FOLDERS[preset.group]);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, exampleFileName(preset)), `${JSON.stringify(exampleFlow(preset), null, 2)}\n`);
  count++;
}
// networks
const networks = join(root, 'flows', 'networks');
mkdirSync(networks, { recursive: true });
for (const { file, flow } of NETWORK_EXAMPLES) {
  writeFileSync(join(networks, file), `${JSON.stringify(flow(), null, 2)}\n`);
  count++;
}
// flows that need FlowFuse Dashboard 2
const dashboard = join(root, 'flows', DASHBOARD_FOLDER);
mkdirSync(dashboard, { recursive: true });
const write = (file, nodes) => {
  writeFileSync(join(dashboard, file), `${JSON.stringify(nodes, null, 2)}\n`);
  count++;
};
write('explorer.json', explorerFlow());
write('C tonic bursting on a dashboard.json', dashboardPatternFlow(findPreset('C')));
write('sensor drives a neuron (IoT).json', iotFlow());
console.log(`wrote ${count} example flows`);

// Writes the example flow of every published pattern into flows/<group folder>/ from the
// presets in lib/ (run `npm run build` first). The flows are committed; rerun after a preset changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { PRESETS, exampleFlow, exampleFileName, EXAMPLE_FOLDERS } = createRequire(import.meta.url)(join(root, 'dist', 'lib'));
let count = 0;
for (const preset of PRESETS) {
  if (preset.group === 'book') continue;
  const folder = join(root, 'flows', EXAMPLE_FOLDERS[preset.group]);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, exampleFileName(preset)), `${JSON.stringify(exampleFlow(preset), null, 2)}\n`);
  count++;
}
console.log(`wrote ${count} example flows`);

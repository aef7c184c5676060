// Puts the non-TypeScript parts where Node-RED looks for them: each node's .html next to its
// compiled .js, the icons in an icons/ folder beside them, and the example flows in examples/.
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'nodes');
mkdirSync(out, { recursive: true });
for (const file of readdirSync(join(root, 'nodes'))) {
  if (file.endsWith('.html')) cpSync(join(root, 'nodes', file), join(out, file));
}
rmSync(join(out, 'icons'), { recursive: true, force: true });
cpSync(join(root, 'icons'), join(out, 'icons'), { recursive: true });
rmSync(join(root, 'examples'), { recursive: true, force: true });
cpSync(join(root, 'flows'), join(root, 'examples'), { recursive: true });

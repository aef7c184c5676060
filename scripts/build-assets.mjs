// Puts the non-TypeScript parts where Node-RED looks for them: each node's .html next to its
// compiled .js, the icons in an icons/ folder beside them, the message catalogs and help in
// locales/<lang>/ beside them, and the example flows in examples/.
// The English catalogs are hand-written (nodes/locales/en-US) with lib's English laid in
// (englishCatalog in nodes/i18n.ts: lib/engine/messages.ts and the schema's labels and help), so
// lib's English is written once; every other language is copied as translated.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'nodes');
mkdirSync(out, { recursive: true });
for (const file of readdirSync(join(root, 'nodes'))) {
  if (file.endsWith('.html')) cpSync(join(root, 'nodes', file), join(out, file));
}
rmSync(join(out, 'locales'), { recursive: true, force: true });
cpSync(join(root, 'nodes', 'locales'), join(out, 'locales'), { recursive: true });
const { englishCatalog, NODE_SETS } = createRequire(import.meta.url)(join(out, 'i18n.js'));
for (const set of NODE_SETS) {
  writeFileSync(join(out, 'locales', 'en-US', `${set}.json`), `${JSON.stringify(englishCatalog(set), null, 2)}\n`);
}
rmSync(join(out, 'icons'), { recursive: true, force: true });
cpSync(join(root, 'icons'), join(out, 'icons'), { recursive: true });
rmSync(join(root, 'examples'), { recursive: true, force: true });
cpSync(join(root, 'flows'), join(root, 'examples'), { recursive: true });

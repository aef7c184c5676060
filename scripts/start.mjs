// npm start: Node-RED on http://127.0.0.1:1880 with this package, its examples and Dashboard 2
// (both from this folder's node_modules, nothing global). Everything Node-RED keeps (flows,
// settings) lives in .node-red-data/, which git ignores. The first start deploys the explorer,
// so http://127.0.0.1:1880/dashboard shows a neuron firing right away (its first page; the batch
// and network pages are /dashboard/spiking-red-batch and -network; PORT=<n> picks another port).
// The editor's tours are off: Node-RED 4.1's welcome tour would cover the explorer flow.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const userDir = join(root, '.node-red-data');
const port = Number(process.env.PORT ?? 1880);
mkdirSync(userDir, { recursive: true });
writeFileSync(
  join(userDir, 'settings.js'),
  `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', nodesDir: [root], credentialSecret: false, editorTheme: { tours: false }, telemetry: { enabled: false } }, null, 2)};\n`,
);
const flows = join(userDir, 'flows.json');
if (!existsSync(flows)) copyFileSync(join(root, 'flows', 'dashboard (needs Dashboard 2)', 'explorer.json'), flows);

const red = createRequire(import.meta.url).resolve('node-red/red.js');
const child = spawn(process.execPath, [red, '--userDir', userDir, '--settings', join(userDir, 'settings.js')], { stdio: 'inherit' });
console.log(`Spiking-RED: the dashboard is at http://127.0.0.1:${port}/dashboard (pages /dashboard/spiking-red-explorer, -batch and -network) and the editor at http://127.0.0.1:${port}/ (Ctrl+C stops both)`);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

// npm start: Node-RED on http://127.0.0.1:1880 with this package and its examples loaded.
// Everything it keeps (flows, settings, credentials) lives in .node-red-data/, which git ignores.
// The first start deploys the pattern-A example so there is something to press.
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
  `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', nodesDir: [root], credentialSecret: false }, null, 2)};\n`,
);
const flows = join(userDir, 'flows.json');
if (!existsSync(flows)) copyFileSync(join(root, 'flows', 'neuro-computational features (2004)', 'A tonic spiking.json'), flows);

const red = createRequire(import.meta.url).resolve('node-red/red.js');
const child = spawn(process.execPath, [red, '--userDir', userDir, '--settings', join(userDir, 'settings.js')], { stdio: 'inherit' });
console.log(`Spiking-RED: Node-RED editor at http://127.0.0.1:${port}/ (Ctrl+C stops it)`);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

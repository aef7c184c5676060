// Empties dist/ before a build, so files whose sources were moved or deleted do not linger there
// and end up in the npm package (tsc only ever adds and overwrites).
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

rmSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'), { recursive: true, force: true });

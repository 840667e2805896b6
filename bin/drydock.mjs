#!/usr/bin/env node
// The installed binary runs the compiled JavaScript; `npm install` builds it (the prepare script).
import { existsSync } from 'node:fs';
const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('drydock: dist/ is missing. Run `npm install` (or `npm run build`) in the drydock checkout first.\n');
  process.exit(1);
}
await import(main.href);

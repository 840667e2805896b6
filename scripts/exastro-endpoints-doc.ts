/** Writes docs/exastro-endpoints.md from test/support/exastro-endpoints.ts (`npm run docs:exastro`). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderEndpointTable } from '../test/support/exastro-endpoints.js';

writeFileSync(path.join(import.meta.dirname, '..', 'docs', 'exastro-endpoints.md'), renderEndpointTable());

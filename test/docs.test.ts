import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ENVIRONMENT_VARIABLES } from '../src/config/from-env.js';
import { API_ROUTES } from '../src/http/app.js';
import { buildOpenApi } from '../src/http/openapi.js';
import { isRawAnswer } from '../src/http/route.js';
import { SWITCH_IDS } from '../src/maintenance/switches.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README is the user's reference: it must stay true as routes and settings change. */
describe('README', () => {
  it('starts with the two commands', () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    assert.equal(blocks[0], 'npm install && npm start');
    assert.equal(blocks[1], 'bash scripts/test-everything.sh');
    assert.ok(readme.indexOf('```sh') < readme.indexOf('## '), 'the commands come before any section');
  });

  it('lists every API route', () => {
    const missing = API_ROUTES.map((r) => `| ${r.method} | \`${r.url.replace(/:([a-z_]+)/g, '{$1}')}\` |`).filter((row) => !readme.includes(row));
    assert.deepEqual(missing, []);
  });

  it('documents every environment variable', () => {
    const missing = Object.keys(ENVIRONMENT_VARIABLES).filter((v) => !readme.includes(`\`${v}\``));
    assert.deepEqual(missing, []);
  });
});

describe('OpenAPI document', () => {
  it('has every route, with its write declaration and request schema', () => {
    const doc = buildOpenApi(API_ROUTES, 'test') as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-drydock-writes': string; requestBody?: unknown }>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    for (const r of API_ROUTES) {
      const op = doc.paths[r.url.replace(/:([a-z_]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${r.url}`);
      assert.equal(op['x-drydock-writes'], typeof r.writes === 'string' ? r.writes : 'exempt');
      // The token endpoint reads its form itself: a body without a schema of the route's.
      assert.equal(op.requestBody !== undefined, r.body !== undefined || r.accepts === 'form', `${r.method} ${r.url} request body`);
    }
  });

  it("describes every route's answer: the envelope with the route's data schema, or the file or stream it sends", () => {
    type Schema = { type?: string; anyOf?: unknown[]; properties?: Record<string, Schema>; required?: string[]; enum?: unknown[] };
    const doc = buildOpenApi(API_ROUTES, 'test') as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
    };
    const answer = (method: string, url: string) => doc.paths[url.replace(/:([a-z_]+)/g, '{$1}')]![method.toLowerCase()]!.responses['200']!;
    for (const r of API_ROUTES) {
      const content = answer(r.method, r.url).content ?? {};
      if (isRawAnswer(r.response)) {
        assert.deepEqual(Object.keys(content), r.response.contentTypes, `${r.method} ${r.url}`);
        continue;
      }
      const envelope = content['application/json']?.schema;
      assert.deepEqual(envelope?.required, ['data', 'message', 'result', 'ts'], `${r.method} ${r.url}`);
      const data = envelope?.properties?.['data'];
      assert.ok(data && (data.type !== undefined || data.anyOf !== undefined), `${r.method} ${r.url}: data schema ${JSON.stringify(data)}`);
    }
    // The setting's answer names every switch, each "0" or "1".
    const setting = answer('GET', '/api/platform/maintenance-mode-setting').content!['application/json']!.schema.properties!['data']!;
    for (const id of SWITCH_IDS) {
      assert.ok(setting.required?.includes(id), id);
      assert.deepEqual(setting.properties?.[id]?.enum, ['0', '1'], id);
    }
  });
});

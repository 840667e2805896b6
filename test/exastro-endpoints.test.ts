/**
 * drydock against Exastro's published endpoints (test/support/exastro-endpoints.ts): what drydock
 * says it supports is a route with Exastro's method and path, nothing drydock declares under an
 * Exastro prefix goes unaccounted for, and docs/exastro-endpoints.md says the same as the list.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { API_ROUTES } from '../src/http/app.js';
import { DRYDOCK_EXTENSIONS, EXASTRO_ENDPOINTS, isExastroPath, renderEndpointTable } from './support/exastro-endpoints.js';

/** "METHOD path" with every path parameter as `{}`: Exastro and drydock may name one differently. */
const shape = (method: string, path: string) => `${method} ${path.replace(/:([a-z_]+)/g, '{$1}').replace(/\{[^}]+\}/g, '{}')}`;
const routes = new Set(API_ROUTES.map((r) => shape(r.method, r.url)));
const endpoint = new Map(EXASTRO_ENDPOINTS.map((e) => [shape(e.method, e.path), e]));

describe("Exastro's endpoints", () => {
  it('are listed once each', () => {
    assert.equal(endpoint.size, EXASTRO_ENDPOINTS.length);
  });

  it('every one drydock supports (as is, or with a difference) is a route with the same method and path', () => {
    const missing = EXASTRO_ENDPOINTS.filter((e) => e.support !== 'unsupported' && !routes.has(shape(e.method, e.path)));
    assert.deepEqual(missing, [], 'claimed but not declared (or declared with another method)');
  });

  it('every one marked unsupported has no route, and says why; every difference is written down', () => {
    const declared = EXASTRO_ENDPOINTS.filter((e) => e.support === 'unsupported' && routes.has(shape(e.method, e.path)));
    assert.deepEqual(declared, [], 'declared now: mark them supported or differs');
    for (const e of EXASTRO_ENDPOINTS)
      assert.equal(e.note === '', e.support === 'supported', `${e.method} ${e.path}: a note exactly when it is not plainly supported`);
  });

  it("every route drydock declares under an Exastro prefix is Exastro's or one of drydock's listed extensions", () => {
    const extensions = new Set(DRYDOCK_EXTENSIONS.map((k) => shape(k.split(' ')[0]!, k.split(' ')[1]!)));
    const stray = API_ROUTES.filter((r) => isExastroPath(r.url.replace(/:([a-z_]+)/g, '{$1}')))
      .map((r) => shape(r.method, r.url))
      .filter((k) => !endpoint.has(k) && !extensions.has(k));
    assert.deepEqual(stray, [], 'an Exastro path with a method Exastro does not use, or a route missing from the list');
    for (const k of extensions) {
      assert.ok(routes.has(k), `${k}: an extension that is no route`);
      assert.ok(!endpoint.has(k), `${k}: an extension that is Exastro's`);
    }
  });

  it('docs/exastro-endpoints.md is the list as a table (npm run docs:exastro rewrites it)', () => {
    const doc = readFileSync(path.join(import.meta.dirname, '..', 'docs', 'exastro-endpoints.md'), 'utf8');
    assert.equal(doc, renderEndpointTable());
  });
});

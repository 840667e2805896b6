/**
 * Routes are thin: nothing under src/http/routes/ queries the store. A route declares itself, hands
 * `ctx.db` to a domain read function or runs a domain write function inside `ctx.write`, and shapes
 * the answer (docs/architecture.md, "Recipe: add a route"). The rule is the `routesAreThin` block of
 * eslint.config.js; this test runs that block alone (no type checker, so it takes a second) on every
 * route file, and on snippets that query the store in each way a route could, so a rule that stops
 * catching one fails here too.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = path.resolve(import.meta.dirname, '..');
const ROUTES = path.join(ROOT, 'src', 'http', 'routes');

const { routesAreThin } = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.js')).href)) as { routesAreThin: Linter.Config };
const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, routesAreThin];
const linter = new Linter({ cwd: ROOT });

/** The rule's findings in `code`, as if it were a file under src/http/routes/. */
function findings(code: string, file = path.join(ROUTES, 'probe.ts')): string[] {
  return linter.verify(code, config, file).map((m) => `${path.relative(ROOT, file)}:${m.line}: ${m.ruleId ?? 'parse error'}: ${m.message}`);
}

describe('routes are thin', () => {
  it('no route under src/http/routes/ queries the store', () => {
    const files = readdirSync(ROUTES).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 10, `the route files (${files.join(', ')})`);
    const found = files.flatMap((f) => findings(readFileSync(path.join(ROUTES, f), 'utf8'), path.join(ROUTES, f)));
    assert.deepEqual(found, [], 'move the query into the domain module and call it (docs/architecture.md, "Recipe: add a route")');
  });

  const querying: Record<string, string> = {
    'a query on the reader': `const rows = await ctx.db.selectFrom('menus').selectAll().execute();`,
    'the store reader passed on': `const menus = await listMenus(ctx.deps.store.db, org, ws);`,
    'a query inside the gated write': `await ctx.write((trx) => trx.updateTable('users').set({ enabled: 0 }).execute());`,
    'an insert inside the gated write': `await ctx.write((trx) => trx.insertInto('menus').values(row).execute());`,
    'a delete inside the gated write': `await ctx.write((trx) => trx.deleteFrom('users').where('id', '=', id).execute());`,
    'a transaction of its own': `await deps.store.transaction('shared', (trx) => createMenu(trx, org, ws, def));`,
    'a notification of its own': `await ctx.write((trx) => ctx.deps.store.notifyOnCommit(trx, 'jobs'));`,
    'a Kysely transaction on the reader': `await ctx.db.transaction().execute((trx) => createMenu(trx, org, ws, def));`,
    'raw SQL': `import { sql } from 'kysely';\nawait sql\`UPDATE backyard_jobs SET stop_requested = 1\`.execute(ctx.db);`,
  };
  for (const [what, code] of Object.entries(querying)) {
    it(`refuses ${what}`, () => {
      assert.notDeepEqual(findings(code), [], code);
    });
  }

  it('lets a route hand the reader, a transaction and the store to domain functions', () => {
    const thin = [
      `const menu = await getMenu(ctx.db, org, ws, name);`,
      `await ctx.write((trx) => createMenu(trx, org, ws, ctx.body));`,
      `await ctx.write((trx) => registerJob(ctx.deps.store, trx, job));`,
      `await emergencyStop(ctx.deps.store, job);`,
      `const kind = deps.store.capabilities.kind;`,
    ].join('\n');
    assert.deepEqual(findings(thin), []);
  });
});

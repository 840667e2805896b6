/**
 * The image recipe (Dockerfile). No container engine runs on drydock's build machines, so the image
 * itself is not built here; what can be checked is checked against the package as `npm install`
 * builds it:
 * - every file the build stage copies from the checkout exists, and so does every path the run stage
 *   copies out of the build (package.json, node_modules, dist, bin);
 * - the npm scripts it runs exist; the entrypoint is the package's bin, and it runs: `serve`,
 *   `worker` and `migrate` (the default command and what the manifests run) answer `--help` through
 *   the built dist/ with exit 0;
 * - it runs as a non-root user, on the Node major version package.json requires, with Terraform
 *   behind a build argument.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '..');
const RECIPE = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
  engines: { node: string };
};

/** The recipe's instructions, continuation lines joined, comments dropped. */
const INSTRUCTIONS = RECIPE.replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages = (() => {
  const out: string[][] = [];
  for (const line of INSTRUCTIONS) {
    if (/^FROM /i.test(line)) out.push([]);
    out.at(-1)?.push(line);
  }
  return out;
})();

describe('the image recipe (Dockerfile)', () => {
  it('has a build stage and a run stage', () => {
    assert.equal(stages.length, 2);
    assert.match(stages[0]![0]!, /^FROM \S+ AS build$/);
  });

  it('copies into the build only files the checkout has', () => {
    const copies = stages[0]!.filter((l) => /^COPY /.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    assert.ok(copies.length >= 5);
    for (const source of copies) assert.ok(existsSync(path.join(ROOT, source)), `COPY ${source}: exists in the checkout`);
  });

  it('runs npm scripts the package has, and copies out of the build what `npm run build` makes', () => {
    for (const [, script] of RECIPE.matchAll(/npm run ([\w:-]+)/g)) assert.ok(PACKAGE.scripts[script!], `npm run ${script}`);
    const fromBuild = stages[1]!.filter((l) => /^COPY --from=build /.test(l)).map((l) => l.split(/\s+/)[2]!);
    assert.deepEqual(fromBuild.sort(), ['/src/bin', '/src/dist', '/src/node_modules', '/src/package.json']);
    // /src in the build stage is the checkout after `npm ci` and `npm run build`: this checkout.
    for (const p of fromBuild) assert.ok(existsSync(path.join(ROOT, p.replace('/src/', ''))), `${p} exists after npm install (dist/ is built by prepare)`);
    assert.ok(existsSync(path.join(ROOT, 'dist', 'main.js')), 'dist/main.js');
    assert.ok(existsSync(path.join(ROOT, 'dist', 'web', 'index.html')), 'the console is built into dist/web');
  });

  it('its entrypoint is the package bin and runs serve, worker and migrate from the built package', () => {
    const entrypoint = stages[1]!.find((l) => l.startsWith('ENTRYPOINT '))!;
    const argv = JSON.parse(entrypoint.slice('ENTRYPOINT '.length)) as string[];
    const workdir = stages[1]!.find((l) => l.startsWith('WORKDIR '))!.split(/\s+/)[1]!;
    const script = argv.find((a) => a.endsWith('.mjs'))!;
    assert.equal(path.relative(workdir, script), PACKAGE.bin.drydock!.replace(/^\.\//, ''), 'the entrypoint runs the package bin');
    assert.deepEqual(JSON.parse(stages[1]!.find((l) => l.startsWith('CMD '))!.slice(4)), ['serve'], 'serve by default');
    for (const command of [['serve'], ['worker'], ['migrate']]) {
      const r = spawnSync(process.execPath, [path.join(ROOT, PACKAGE.bin.drydock!), ...command, '--help'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_ENV: 'production' },
      });
      assert.equal(r.status, 0, `drydock ${command.join(' ')} --help through dist/:\n${r.stderr}`);
    }
  });

  it('runs as a non-root user on the Node major the package requires, Terraform behind a build argument', () => {
    const user = stages[1]!.find((l) => l.startsWith('USER '))!.split(/\s+/)[1]!;
    assert.match(user, /^[1-9]\d*:[1-9]\d*$/, 'a numeric non-root uid:gid (runAsNonRoot can check it)');
    const node = /ARG NODE_IMAGE=node:(\d+)-/.exec(RECIPE)?.[1];
    assert.equal(`>=${node}`, PACKAGE.engines.node);
    assert.match(RECIPE, /ARG TERRAFORM_VERSION=""/);
    assert.match(RECIPE, /apt-get install[^\n]*\bansible\b[^\n]*\bpostgresql-client\b/, 'workers have ansible-playbook and the PostgreSQL client');
  });
});

/**
 * A CLI command that cannot do its work says so in one line — what is wrong and what to do — exits
 * with the documented code, prints no stack trace, and leaves nothing behind (issue 11).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { describeRun, runCli } from './support/cli.js';
import { tempDirs } from './support/temp-dirs.js';

const STACK = /\n\s+at \S/;

describe('CLI failures: one line, the documented exit code, nothing created', () => {
  const tmp = tempDirs('drydock-fail-');

  it('backup of a store that is not there: exit 2, the path named, no file or directory created', async () => {
    const dir = tmp();
    for (const [args, env, named] of [
      [['backup', '--database-url', path.join(dir, 'nodir', 'x.db'), '--out', path.join(dir, 'b.tar')], {}, /nodir\/x\.db/],
      // No store given while DRYDOCK_URL points at a server: the default ./data/drydock.sqlite is not made.
      [['backup', '--out', path.join(dir, 'b.tar')], { DRYDOCK_URL: 'http://127.0.0.1:9' }, /data\/drydock\.sqlite/],
    ] as const) {
      const r = await runCli(args, env, { cwd: dir });
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, named);
      assert.doesNotMatch(r.stderr, STACK);
      assert.deepEqual(readdirSync(dir), [], 'nothing created');
    }
    const empty = path.join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    const r = await runCli(['backup', '--database-url', empty, '--out', path.join(dir, 'b.tar')]);
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /holds no drydock store/);
    assert.equal(existsSync(path.join(dir, 'b.tar')), false);
  });

  it('backup to a directory that is not there: exit 2 before the store is opened, the directory named', async () => {
    const dir = tmp();
    const store = path.join(dir, 'drydock.sqlite');
    const migrated = await runCli(['migrate', '--database-url', store]);
    assert.equal(migrated.code, 0, describeRun(migrated));
    const r = await runCli(['backup', '--force', '--database-url', store, '--out', path.join(dir, 'backups', 'b.tar')]);
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /the directory \S+backups does not exist/);
    assert.doesNotMatch(r.stderr, STACK);
    assert.deepEqual(readdirSync(dir).sort(), ['drydock.sqlite'], 'no directory, archive or partial archive created');
  });

  it('serve on a port in use: one line naming the address, exit 2, the store not touched', async () => {
    const dir = tmp();
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((busy.address() as net.AddressInfo).port);
      const store = path.join(dir, 'drydock.sqlite');
      const r = await runCli(['serve', '--host', '127.0.0.1', '--port', port, '--database-url', store], { DRYDOCK_ADMIN_PASSWORD: 'admin-password-1' });
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is in use`));
      assert.doesNotMatch(r.stderr, STACK);
      assert.equal(existsSync(store), false, 'no store was created or migrated');
    } finally {
      busy.close();
    }
  });

  it('restart with no server behind the pid file: refused in one line, exit 5, the pid file named', async () => {
    const pidFile = path.join(tmp(), 'drydock.pid');
    const r = await runCli(['restart', '--pid-file', pidFile]);
    assert.equal(r.code, 5, describeRun(r));
    assert.ok(r.stderr.includes(`cannot read the pid file ${pidFile}`), r.stderr);
    assert.doesNotMatch(r.stderr, STACK);
  });

  it('fleet validate of a YAML alias bomb: refused in one line, exit 1', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bomb.yaml');
    writeFileSync(
      file,
      [
        'a: &a [x,x,x,x,x,x,x,x,x]',
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
        'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
        'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
        '',
      ].join('\n'),
    );
    const r = await runCli(['fleet', 'validate', file]);
    assert.notEqual(r.code, 0, describeRun(r));
    assert.match(r.stdout + r.stderr, /alias/i);
    assert.doesNotMatch(r.stdout + r.stderr, STACK);
  });
});

#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerBackup } from './cli/backup.js';
import { registerDrain } from './cli/drain.js';
import { registerExecuteCheck } from './cli/execute-check.js';
import { registerFleet } from './cli/fleet.js';
import { registerKube } from './cli/kube.js';
import { EXIT, exitCodeOf } from './cli/exit-codes.js';
import { registerMaintenance } from './cli/maintenance.js';
import { registerMigrate } from './cli/migrate.js';
import { registerTenants } from './cli/tenants.js';
import { registerUpgrade } from './cli/upgrade.js';
import { registerRestart } from './cli/restart.js';
import { registerServe } from './cli/serve.js';
import { registerWorker } from './cli/worker.js';
import { VERSION } from './version.js';

// Everything drydock creates — the SQLite store and its WAL, backup archives, pid files, the logs it
// writes, job work directories — holds password hashes, session tokens or job secrets: owner-only
// (files 0600, directories 0700), whatever the shell's umask. Child processes (ansible-playbook,
// terraform) inherit it. test/file-permissions.test.ts checks it.
process.umask(0o077);

/** The `drydock` binary: parses argv and dispatches to a command of cli/. */
const program = new Command()
  .name('drydock')
  .description('Multi-tenant automation platform with safe maintenance: stop jobs, drain, read-only, back up, upgrade.')
  .version(VERSION)
  // `drydock --version` prints drydock's version; after a command name, --version is that
  // command's own option (`drydock fleet run --version 2.5.1`).
  .enablePositionalOptions()
  // Read by the error handler below (process.argv), accepted anywhere on the line.
  .option('--debug', 'on an unexpected error, print its stack trace (also DRYDOCK_DEBUG=1)')
  .addHelpText(
    'after',
    [
      '',
      'Every command has --help with an example. Exit codes: 0 done, 1 failed, 2 bad flags, 3 timed out, 4 unreachable, 5 refused, 130 interrupted.',
      'Examples:',
      '  drydock serve --workers',
      '  drydock drain --read-only && drydock backup --out backup.tar && drydock resume',
    ].join('\n'),
  )
  // Usage errors (unknown option or command, missing argument) end with the documented code 2,
  // not commander's default 1 (which means "the API refused"). Subcommands inherit this.
  .exitOverride();

registerServe(program);
registerRestart(program);
registerMigrate(program);
registerWorker(program);
registerMaintenance(program);
registerExecuteCheck(program);
registerDrain(program);
registerBackup(program);
registerUpgrade(program);
registerTenants(program);
registerFleet(program);
registerKube(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // commander has printed the message (or the help / version) already.
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  }
  // An error the operator reads (the CLI's, the API client's, a runbook's, the configuration's):
  // its message and its documented exit code.
  const exitCode = exitCodeOf(err);
  if (exitCode !== undefined) {
    process.stderr.write(`drydock: ${(err as Error).message}\n`);
    process.exit(exitCode);
  }
  // Anything else is unexpected: one line saying what happened; the stack only when asked for.
  const debug = process.argv.includes('--debug') || process.env.DRYDOCK_DEBUG === '1';
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  process.stderr.write(
    debug && err instanceof Error && err.stack
      ? `drydock: ${err.stack}\n`
      : `drydock: unexpected error: ${message}\n  (run again with --debug, or DRYDOCK_DEBUG=1, for the details; please report it with them)\n`,
  );
  process.exit(1);
});

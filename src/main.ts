#!/usr/bin/env node
import { Command } from 'commander';
import { registerMigrate } from './cli/migrate.js';
import { registerServe } from './cli/serve.js';
import { registerWorker } from './cli/worker.js';
import { ConfigError } from './errors.js';
import { VERSION } from './version.js';

/** The `drydock` binary: parses argv and dispatches to a command of cli/. */
const program = new Command()
  .name('drydock')
  .description('Multi-tenant automation platform with safe maintenance: stop jobs, drain, read-only, back up, upgrade.')
  .version(VERSION);

registerServe(program);
registerMigrate(program);
registerWorker(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`drydock: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`drydock: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

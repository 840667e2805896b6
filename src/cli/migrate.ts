import type { Command } from 'commander';
import { ConfigError } from '../errors.js';

/** `drydock migrate`: bring the store's schema to this release's version and report each step. */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description("Apply pending schema migrations (serve does this too) and print each step's result")
    .option('--database-url <url>', 'SQLite file or postgres:// URL (DRYDOCK_DATABASE_URL)')
    .option('--to <version>', 'stop at this schema version (forward-only; for staged upgrades and tests)')
    .option('--plan', 'apply nothing: print the pending steps with their compatibility (expand / contract)')
    .option('--expand-only', 'apply only the pending steps the serving (older) release runs on, up to the first contract step; the rest once it is gone')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExample:\n  drydock migrate --database-url ./data/drydock.sqlite')
    .action(async (flags: { databaseUrl?: string; json?: boolean; to?: string; plan?: boolean; expandOnly?: boolean }) => {
      let target = flags.to === undefined ? undefined : Number(flags.to);
      if (target !== undefined && !Number.isInteger(target)) throw new ConfigError(`--to takes a schema version number, not "${flags.to}"`);
      if (flags.expandOnly && (target !== undefined || flags.plan)) throw new ConfigError('--expand-only goes without --to and --plan');
      // Loaded here, not at CLI start (see backup.ts).
      const [{ loadOptions }, { createLogger }, { openStore }, { migrationPlan, splitForHandover }] = await Promise.all([
        import('../config/compile.js'),
        import('../logging/logger.js'),
        import('../store/open-store.js'),
        import('../store/migrations/plan.js'),
      ]);
      const options = loadOptions({ env: process.env, flags: { databaseUrl: flags.databaseUrl } });
      const logger = createLogger('warn');
      const store = await openStore(options.database, { logger });
      try {
        if (flags.plan) {
          const plan = await migrationPlan(store);
          if (flags.json) process.stdout.write(JSON.stringify({ ...plan, refusal: plan.refusal ?? null }, null, 2) + '\n');
          else {
            process.stdout.write(`schema version ${plan.schemaVersion}; this release's latest is ${plan.latest}\n`);
            for (const p of plan.pending) process.stdout.write(`${String(p.version).padStart(4)} ${p.name.padEnd(30)} ${p.compatibility}\n`);
            if (plan.refusal) process.stderr.write(`error: ${plan.refusal}\n`);
          }
          process.exitCode = plan.refusal ? 1 : 0;
          return;
        }
        if (flags.expandOnly) {
          // Kubernetes runs this before it rolls the API: old pods serve on every step it applies.
          const split = splitForHandover((await migrationPlan(store)).pending);
          if ('refusal' in split) {
            if (flags.json)
              process.stdout.write(JSON.stringify({ results: [], schemaVersion: await store.schemaVersion(), error: split.refusal }, null, 2) + '\n');
            process.stderr.write(`error: ${split.refusal}\n`);
            process.exitCode = 1;
            return;
          }
          target = split.before.at(-1)?.version ?? (await store.schemaVersion());
        }
        const report = await store.migrate(target);
        if (flags.json) {
          process.stdout.write(JSON.stringify({ ...report, error: report.error?.message ?? null }, null, 2) + '\n');
        } else {
          for (const r of report.results) process.stdout.write(`${String(r.version).padStart(4)} ${r.name.padEnd(30)} ${r.status}\n`);
          process.stdout.write(`schema version ${report.schemaVersion}\n`);
          if (report.error) process.stderr.write(`error: ${report.error.message}\n`);
        }
        process.exitCode = report.error ? 1 : 0;
      } finally {
        await store.close();
      }
    });
}

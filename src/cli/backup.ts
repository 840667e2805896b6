import type { Command } from 'commander';

/**
 * The store, logging and archive modules are loaded when a command runs, not when the CLI starts:
 * the commands that only talk to the API start several times faster without them.
 */
const load = async () => ({
  ...(await import('../config/compile.js')),
  ...(await import('../logging/logger.js')),
  ...(await import('../runbook/backup.js')),
});

interface StoreFlags {
  databaseUrl?: string;
  config?: string;
  json?: boolean;
}

/** `drydock backup` / `drydock restore`: run on a machine that reaches the store (they read it directly). */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('Write a consistent snapshot of the whole store with a manifest (refused unless read-only and drained)')
    .option('--out <file>', 'archive to write', `drydock-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`)
    .option('--force', 'back up even when not read-only or jobs are in flight (loudly; the manifest records it)')
    .option('--database-url <url>', 'SQLite file or postgres:// URL (DRYDOCK_DATABASE_URL)')
    .option('--config <file>', 'JSON config file (DRYDOCK_CONFIG)')
    .option('--json', 'print the manifest as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 written; 5 refused (not read-only, or jobs in flight).\nExample:\n  drydock drain --read-only && drydock backup --out /backups/drydock.tar',
    )
    .action(async (flags: StoreFlags & { out: string; force?: boolean }) => {
      const { loadOptions, createLogger, backup } = await load();
      const options = loadOptions({ env: process.env, configFile: flags.config, flags: { databaseUrl: flags.databaseUrl } });
      const manifest = await backup(options.database, {
        out: flags.out,
        force: Boolean(flags.force),
        logger: createLogger('warn'),
        warn: (text) => process.stderr.write(`\n${text}\n\n`),
      });
      process.stdout.write(
        flags.json
          ? JSON.stringify({ file: flags.out, manifest }, null, 2) + '\n'
          : [
              `backup written: ${flags.out}`,
              `  schema version ${manifest.schema_version}, ${manifest.backend}, drydock ${manifest.drydock_version}`,
              ...manifest.parts.map((p) => `  ${p.name}: ${p.bytes} bytes, sha256 ${p.sha256}`),
              `  jobs in flight at backup: ${manifest.job_counts.in_flight}${manifest.forced ? ' (FORCED)' : ''}`,
            ].join('\n') + '\n',
      );
    });

  program
    .command('restore <file>')
    .description('Restore a backup into a fresh store (or replace one with --force); the system stays read-only until `drydock resume`')
    .option('--force', 'replace a store that already holds data')
    .option('--database-url <url>', 'SQLite file or postgres:// URL (DRYDOCK_DATABASE_URL)')
    .option('--config <file>', 'JSON config file (DRYDOCK_CONFIG)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nStop every drydock process on the target store first.\nExit codes: 0 restored; 5 refused (checksum, newer schema, target not empty).\nExample:\n  DRYDOCK_DATABASE_URL=postgres://drydock@db/drydock_new drydock restore /backups/drydock.tar',
    )
    .action(async (file: string, flags: StoreFlags & { force?: boolean }) => {
      const { loadOptions, createLogger, restore } = await load();
      const options = loadOptions({ env: process.env, configFile: flags.config, flags: { databaseUrl: flags.databaseUrl } });
      const result = await restore(options.database, { file, force: Boolean(flags.force), logger: createLogger('warn') });
      process.stdout.write(
        flags.json
          ? JSON.stringify(result, null, 2) + '\n'
          : [
              `restored ${file} (taken ${result.manifest.created_at}, schema ${result.manifest.schema_version}) → schema ${result.schemaVersion}`,
              'The system is read-only with jobs stopped. Start drydock, check it, then run `drydock resume`.',
            ].join('\n') + '\n',
      );
    });
}

import { access, constants, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import type { Logger } from 'pino';
import { isCounted } from '../backyard/kinds/registry.js';
import type { DatabaseLocation } from '../config/options.js';
import { RestoreRefusedError } from '../errors.js';
import { changeMaintenance, readMaintenance } from '../maintenance/mode.js';
import { pickSwitches, switchValues, writesRefused, type SwitchValues } from '../maintenance/switches.js';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index.js';
import { openExistingStore, openStore, restoreSnapshot } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { sha256OfFile } from '../util/sha256.js';
import { VERSION } from '../version.js';
import { RefusedError, UsageError } from './runbook-errors.js';

/** The manifest stored beside the snapshot in a backup archive. */
export interface BackupManifest {
  readonly format: 'drydock-backup';
  readonly format_version: 1;
  readonly drydock_version: string;
  readonly schema_version: number;
  readonly backend: 'sqlite' | 'postgres';
  readonly snapshot_format: 'sqlite' | 'pg_dump';
  readonly created_at: string;
  /** The switches when the snapshot was taken. */
  readonly switches: SwitchValues;
  /** Jobs by backyard and status, and how many were in flight (counted ones). */
  readonly job_counts: { readonly in_flight: number; readonly by_status: ReadonlyArray<{ backyard: string; status_id: string; count: number }> };
  /** True when the safety checks were overridden with --force. */
  readonly forced: boolean;
  readonly parts: ReadonlyArray<{ readonly name: string; readonly bytes: number; readonly sha256: string }>;
}

const SNAPSHOT = { sqlite: 'store.sqlite', pg_dump: 'store.pgdump' } as const;

/** Counted jobs in flight, and all jobs by backyard and status. */
async function jobCounts(store: Store): Promise<BackupManifest['job_counts']> {
  const rows = await store.db
    .selectFrom('backyard_jobs')
    .select(['backyard', 'status_id', 'in_flight', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['backyard', 'status_id', 'in_flight'])
    .execute();
  return {
    in_flight: rows.filter((r) => Number(r.in_flight) === 1 && isCounted(r.backyard)).reduce((n, r) => n + Number(r.count), 0),
    by_status: rows.map((r) => ({ backyard: r.backyard, status_id: r.status_id, count: Number(r.count) })),
  };
}

/**
 * Writes a backup archive (tar: manifest.json + the store's snapshot). Refuses unless read-only mode
 * is on and nothing is in flight — the state in which the snapshot is consistent with what clients
 * were told — unless `force` (then the manifest says so).
 */
export async function backup(
  location: DatabaseLocation,
  options: { out: string; force: boolean; logger: Logger; warn: (text: string) => void },
): Promise<BackupManifest> {
  // Where the archive goes is checked before the store is opened: a typo in --out is a usage error,
  // not an archive lost after the snapshot.
  await checkArchiveDirectory(options.out);
  // A missing or empty store is an error naming it; a backup never creates one.
  const store = await openExistingStore(location, { logger: options.logger });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drydock-backup-'));
  try {
    const switches = await readMaintenance(store.db);
    const counts = await jobCounts(store);
    const problems = [
      ...(writesRefused(switches) ? [] : ['read-only mode is off (run `drydock drain --read-only` first)']),
      ...(counts.in_flight === 0 ? [] : [`${counts.in_flight} job(s) are in flight (see \`drydock execute-check\`)`]),
    ];
    if (problems.length > 0 && !options.force) {
      throw new RefusedError(`Backup refused: ${problems.join('; ')}. Use --force to back up anyway (the copy may miss writes in progress).`);
    }
    if (problems.length > 0) options.warn(`WARNING: backing up anyway (--force): ${problems.join('; ')}.`);
    const schemaVersion = await store.schemaVersion();
    const part = location.kind === 'sqlite' ? SNAPSHOT.sqlite : SNAPSHOT.pg_dump;
    const file = path.join(dir, part);
    const { format } = await store.snapshot(file);
    const manifest: BackupManifest = {
      format: 'drydock-backup',
      format_version: 1,
      drydock_version: VERSION,
      schema_version: schemaVersion,
      backend: location.kind,
      snapshot_format: format,
      created_at: new Date().toISOString(),
      switches: pickSwitches(switches),
      job_counts: counts,
      forced: problems.length > 0,
      parts: [{ name: part, bytes: (await stat(file)).size, sha256: await sha256OfFile(file) }],
    };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    // Written beside its destination, then renamed: an interrupted backup never leaves a partial
    // archive under the name a restore would look for.
    const partial = `${options.out}.partial`;
    try {
      await tar.create({ file: partial, cwd: dir, portable: true }, ['manifest.json', part]);
      await rename(partial, options.out);
    } finally {
      await rm(partial, { force: true });
    }
    return manifest;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Refuses (a usage error) an --out whose directory does not exist or cannot be written. */
async function checkArchiveDirectory(out: string): Promise<void> {
  const directory = path.dirname(path.resolve(out));
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UsageError(
      `Cannot write the backup to ${out}: the directory ${directory} does not exist. Create it (mkdir -p ${directory}) or choose another --out.`,
    );
  }
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw new UsageError(`Cannot write the backup to ${out}: the directory ${directory} is not writable by this user. Choose another --out.`);
  }
}

/** Reads and checks a backup archive's manifest and parts; returns the extracted directory. */
export async function openBackup(file: string): Promise<{ dir: string; manifest: BackupManifest }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drydock-restore-'));
  try {
    await tar.extract({ file, cwd: dir, strict: true, filter: (p) => !p.includes('..') });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new RefusedError(`${file} is not a drydock backup archive: ${(err as Error).message}`, { cause: err });
  }
  try {
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    } catch {
      throw new RefusedError(`${file} has no readable manifest.json: not a drydock backup.`);
    }
    if (manifest.format !== 'drydock-backup' || manifest.format_version !== 1) {
      throw new RefusedError(`${file}: unknown backup format ${String(manifest.format)} v${String(manifest.format_version)}.`);
    }
    if (manifest.schema_version > LATEST_SCHEMA_VERSION) {
      throw new RefusedError(
        `${file} holds schema version ${manifest.schema_version}, newer than this drydock (${VERSION}) knows (${LATEST_SCHEMA_VERSION}). Restore it with drydock ${manifest.drydock_version} or newer.`,
      );
    }
    for (const part of manifest.parts) {
      const p = path.join(dir, part.name);
      const actual = await sha256OfFile(p).catch(() => 'missing');
      if (actual !== part.sha256) {
        throw new RefusedError(`${file}: ${part.name} is ${actual === 'missing' ? 'missing' : 'corrupt (checksum mismatch)'}; refusing to restore.`);
      }
    }
    return { dir, manifest };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Restores a backup into `location` (a fresh store, or any with `force`), brings its schema up to
 * this release (unless `migrate` is false), and leaves the system read-only with jobs stopped until
 * the operator resumes.
 */
export async function restore(
  location: DatabaseLocation,
  options: { file: string; force: boolean; logger: Logger; migrate?: boolean },
): Promise<{ manifest: BackupManifest; schemaVersion: number }> {
  const { dir, manifest } = await openBackup(options.file);
  try {
    const part = manifest.parts[0]!;
    try {
      await restoreSnapshot(location, { file: path.join(dir, part.name), format: manifest.snapshot_format }, options.force);
    } catch (err) {
      // A non-empty target or the other backend's snapshot: a safety refusal (exit 5), not bad flags.
      if (err instanceof RestoreRefusedError) throw new RefusedError(err.message, { cause: err });
      throw err;
    }
    const store = await openStore(location, { logger: options.logger });
    try {
      // A rollback restores for the old release, which must find its own schema: no migration then.
      let schemaVersion = manifest.schema_version;
      if (options.migrate !== false) {
        const report = await store.migrate();
        if (report.error) throw report.error;
        schemaVersion = report.schemaVersion;
      }
      // Recorded even when the backup was taken read-only with jobs stopped (a drain's): the
      // restored store's history says it was restored.
      await changeMaintenance(
        store,
        switchValues(() => true),
        'drydock restore',
        'always',
      );
      return { manifest, schemaVersion };
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

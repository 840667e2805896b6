/**
 * Child process of bench/guard-overhead.ts: one drydock runtime on the given database, seeded, and
 * the API built several times on it (the same store, pool, caches and authenticator), each
 * variant listening on its own port. The load generator runs in the parent, so the server has a
 * core to itself on a two-core machine.
 *
 *   node --import tsx bench/support/guard-server.ts <database-url> <variant>…
 *
 * Variants: `gate` (as shipped), `no-gate` (buildApp's benchmark switch: no guard check, no
 * in-transaction read of the switch), `no-gate-no-lock` (no-gate, and write transactions without
 * the shared gate lock either — PostgreSQL's advisory lock; on SQLite the same as no-gate).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { parseDatabaseUrl } from '../../src/config/compile.js';
import { buildApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import { seedTenants, startTestApp } from '../../test/support/app.js';
import type { GuardServerReady, GuardVariant } from './guard-variants.js';
import { withoutGateLock } from './store-variants.js';

async function main(): Promise<void> {
  const [url, ...variants] = process.argv.slice(2);
  if (!url || variants.length === 0) throw new Error('usage: guard-server.ts <database-url> <variant>…');
  const location = parseDatabaseUrl(url);
  const t = await startTestApp(location.kind, { logLevel: 'silent' }, { location, url, drop: async () => {} });
  await seedTenants(t);
  const apps: FastifyInstance[] = [t.app];
  const ports: Partial<Record<GuardVariant, number>> = {};
  for (const variant of variants as GuardVariant[]) {
    let deps: AppDeps = t.deps;
    if (variant === 'no-gate-no-lock') deps = { ...t.deps, store: withoutGateLock(t.deps.store) };
    else if (variant !== 'gate' && variant !== 'no-gate') throw new Error(`unknown variant ${String(variant)}`);
    const app = await buildApp(deps, { benchmarkWithoutMaintenanceGate: variant !== 'gate' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    apps.push(app);
    ports[variant] = (app.server.address() as AddressInfo).port;
  }
  const stop = async () => {
    for (const app of apps.slice(1)) await app.close();
    await t.close();
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send!({ ports } satisfies GuardServerReady);
}

main().catch((err: unknown) => {
  process.stderr.write(`guard-server: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

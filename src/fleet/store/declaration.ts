import { conflict, notFound } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { nowTimestamp } from '../../store/clock.js';
import { parseJson, type Store } from '../../store/store.js';
import type { CustomPhases } from '../custom-steps.js';
import type { DriverConfig } from '../drivers/driver-config.js';
import type { FleetDeclaration } from '../fleet-file.js';
import type { GateExpression } from '../gate-expression.js';
import { pairId } from '../node-names.js';
import { ADDRESS_PROPERTY, registeredAddresses } from './registrations.js';
import { OPEN_RUN_STATES, type EnvironmentRecord, type FailureBudget, type NodeRecord, type PairRecord } from './records.js';
import type { Db } from './rows.js';

/** The fleet declaration: environments, pairs and their nodes, as the fleet file declares them. */

/** An environment's settings as `fleet_environments.spec` holds them (JSON). */
interface EnvironmentSpec {
  gate: GateExpression | null;
  driver: DriverConfig;
  concurrency: number;
  failureBudget: FailureBudget;
  actionTimeoutMs: number;
  healthTimeoutMs: number;
  phases?: CustomPhases;
}

/**
 * Stores a validated fleet. Environments and topology follow the file (pairs no longer in it are
 * removed); what the store learned by running (installed versions, version levels, the active
 * node) is kept for nodes it already knows: the file's `version` and `active` only seed new ones.
 * Refused while an environment has an unfinished run, whose pairs must not change under it.
 *
 * Registered nodes (registrations.ts) coexist with the file: a pair whose nodes registered is not
 * removed for being absent from the file (its agents keep announcing it; a pair the file lists takes
 * the file's properties), and a node's registered address stays its `address` property over the file's.
 */
export async function declareFleet(
  store: Store,
  fleet: FleetDeclaration,
): Promise<{ environments: number; pairs: number; added: string[]; removed: string[] }> {
  return store.transaction('shared', async (trx) => {
    const now = nowTimestamp();
    const open = await trx.selectFrom('fleet_runs').select(['id', 'environment', 'state']).where('state', 'in', OPEN_RUN_STATES).execute();
    const declared = new Set(fleet.environments.map((e) => e.name));
    const existingPairs = await trx.selectFrom('fleet_pairs').select(['id', 'environment']).execute();
    const touched = new Set([...declared, ...existingPairs.map((p) => p.environment)]);
    const blocking = open.filter((r) => touched.has(r.environment));
    if (blocking.length > 0) {
      throw conflict(MESSAGES.conflict.fleetRunUnderWay(blocking.map((r) => `${r.id} (${r.environment}, ${r.state})`).join(', ')));
    }
    for (const e of fleet.environments) {
      const spec: EnvironmentSpec = {
        gate: e.gate,
        driver: e.driver,
        concurrency: e.concurrency,
        failureBudget: e.failureBudget,
        actionTimeoutMs: e.actionTimeoutMs,
        healthTimeoutMs: e.healthTimeoutMs,
        ...(e.phases !== undefined && { phases: e.phases }),
      };
      await trx
        .insertInto('fleet_environments')
        .values({ name: e.name, spec: JSON.stringify(spec), updated_at: now })
        .onConflict((oc) => oc.column('name').doUpdateSet({ spec: JSON.stringify(spec), updated_at: now }))
        .execute();
    }
    const wanted = new Set(fleet.pairs.map((p) => p.id));
    const registered = new Set(
      (await trx.selectFrom('fleet_node_registrations').select(['environment', 'env_id']).execute()).map((r) => pairId(r.environment, r.env_id)),
    );
    const removed = existingPairs.filter((p) => !wanted.has(p.id) && !registered.has(p.id)).map((p) => p.id);
    const addresses = await registeredAddresses(
      trx,
      fleet.pairs.flatMap((p) => [p.primary.name, p.secondary.name]),
    );
    if (removed.length > 0) await trx.deleteFrom('fleet_pairs').where('id', 'in', removed).execute();
    const known = new Set(existingPairs.map((p) => p.id));
    const added: string[] = [];
    for (const p of fleet.pairs) {
      if (known.has(p.id)) {
        await trx
          .updateTable('fleet_pairs')
          .set({ properties: JSON.stringify(p.properties), updated_at: now })
          .where('id', '=', p.id)
          .execute();
      } else {
        added.push(p.id);
        await trx
          .insertInto('fleet_pairs')
          .values({ id: p.id, environment: p.environment, env_id: p.envId, active_role: p.active, properties: JSON.stringify(p.properties), updated_at: now })
          .execute();
      }
      for (const n of [p.primary, p.secondary]) {
        const address = addresses.get(n.name);
        const properties = JSON.stringify(address === undefined ? n.properties : { ...n.properties, [ADDRESS_PROPERTY]: address });
        await trx
          .insertInto('fleet_nodes')
          .values({
            name: n.name,
            pair_id: p.id,
            role: n.role,
            installed_version: n.version,
            secondary_version_level: null,
            primary_version_level: null,
            properties,
            updated_at: now,
          })
          .onConflict((oc) => oc.column('name').doUpdateSet({ properties, updated_at: now }))
          .execute();
      }
    }
    // The status catalogue follows the file; a file without a list leaves none (its gates define it).
    await trx.deleteFrom('fleet_statuses').execute();
    for (const st of fleet.statuses ?? []) {
      await trx.insertInto('fleet_statuses').values({ name: st.name, description: st.description, updated_at: now }).execute();
    }
    const stale = await trx.selectFrom('fleet_environments').select('name').execute();
    const used = new Set((await trx.selectFrom('fleet_pairs').select('environment').distinct().execute()).map((r) => r.environment));
    const drop = stale.map((s) => s.name).filter((n) => !declared.has(n) && !used.has(n));
    if (drop.length > 0) await trx.deleteFrom('fleet_environments').where('name', 'in', drop).execute();
    return { environments: fleet.environments.length, pairs: fleet.pairs.length, added, removed };
  });
}

/** Every environment, by name. */
export async function readEnvironments(db: Db): Promise<Map<string, EnvironmentRecord>> {
  const rows = await db.selectFrom('fleet_environments').selectAll().orderBy('name').execute();
  return new Map(rows.map((r) => [r.name, { name: r.name, ...parseJson<EnvironmentSpec>(r.spec) }]));
}

/** One environment, or a 404 that lists the known ones. */
export async function readEnvironment(db: Db, name: string): Promise<EnvironmentRecord> {
  const all = await readEnvironments(db);
  const env = all.get(name);
  if (!env) {
    throw notFound(all.size > 0 ? MESSAGES.notFound.fleetEnvironment(name, [...all.keys()].join(', ')) : MESSAGES.notFound.fleetEnvironmentNoneDeclared(name));
  }
  return env;
}

/** The pairs of one environment (or all), sorted by id, with their nodes. */
export async function readPairs(db: Db, environment?: string): Promise<PairRecord[]> {
  let pq = db.selectFrom('fleet_pairs').selectAll().orderBy('id');
  if (environment !== undefined) pq = pq.where('environment', '=', environment);
  const pairs = await pq.execute();
  let nq = db.selectFrom('fleet_nodes').innerJoin('fleet_pairs', 'fleet_pairs.id', 'fleet_nodes.pair_id').selectAll('fleet_nodes');
  if (environment !== undefined) nq = nq.where('fleet_pairs.environment', '=', environment);
  const nodes = await nq.execute();
  // What custom steps set overrides what the file declares (custom-steps.ts).
  let lq = db.selectFrom('fleet_node_properties').innerJoin('fleet_nodes', 'fleet_nodes.name', 'fleet_node_properties.node');
  if (environment !== undefined) lq = lq.innerJoin('fleet_pairs', 'fleet_pairs.id', 'fleet_nodes.pair_id').where('fleet_pairs.environment', '=', environment);
  const learned = new Map<string, Record<string, string>>();
  for (const l of await lq.select(['fleet_node_properties.node', 'fleet_node_properties.name', 'fleet_node_properties.value']).execute()) {
    learned.set(l.node, { ...learned.get(l.node), [l.name]: l.value });
  }
  const byPair = new Map<string, { P?: NodeRecord; S?: NodeRecord }>();
  for (const n of nodes) {
    const entry = byPair.get(n.pair_id) ?? {};
    entry[n.role] = {
      name: n.name,
      role: n.role,
      installedVersion: n.installed_version,
      secondaryVersionLevel: n.secondary_version_level,
      primaryVersionLevel: n.primary_version_level,
      properties: { ...parseJson<Record<string, string>>(n.properties), ...learned.get(n.name) },
    };
    byPair.set(n.pair_id, entry);
  }
  return pairs.flatMap((p) => {
    const n = byPair.get(p.id);
    if (!n?.P || !n.S) return [];
    return [
      { id: p.id, environment: p.environment, envId: p.env_id, active: p.active_role, properties: parseJson(p.properties), primary: n.P, secondary: n.S },
    ];
  });
}

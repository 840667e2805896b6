import { badRequest, conflict, notFound } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { nowTimestamp } from '../../store/clock.js';
import type { FleetNodeRegistrationsTable } from '../../store/schema.js';
import { parseJson, type Store } from '../../store/store.js';
import { pairId, parseNodeName, partnerRole, type NodeRole } from '../node-names.js';
import { OPEN_RUN_STATES } from './records.js';
import type { Db } from './rows.js';

/**
 * Registered nodes (docs/decisions/fleet-upgrades.md, "Registered nodes"): a node announces its
 * name, address, version and health (`drydock fleet agent`); `fleet_node_registrations` keeps what
 * it last said. The first time both nodes of a pair id have announced, the pair is created in their
 * environment (active: the primary; installed versions: the reported ones). The address a node
 * announced is its `address` property in the declaration, which the drivers' templates read as
 * `{address}`.
 *
 * While a run of the environment is open (running, paused, halted) an announcement records only
 * what it observed — last seen, health, reported version — and changes nothing a run reads: no
 * address change, no new pair. The agent announces again later and the change lands then.
 */

/** The property drivers read a registered node's address from (`{address}` in templates). */
export const ADDRESS_PROPERTY = 'address';

/** What a node says about itself. */
export interface NodeAnnouncement {
  readonly name: string;
  readonly address: string;
  readonly version: string;
  readonly health?: { readonly healthy: boolean; readonly detail?: string | undefined } | undefined;
}

/** What became of the node's pair: created by this announcement, already there, or waiting for the partner node. */
export type RegisteredPairState = 'created' | 'exists' | 'awaiting-partner';

/** A registered node as it last announced itself. */
export interface NodeRegistration {
  readonly node: string;
  readonly environment: string;
  readonly pair: string;
  readonly role: NodeRole;
  readonly address: string;
  readonly reportedVersion: string;
  readonly health: 'healthy' | 'unhealthy' | null;
  readonly healthDetail: string | null;
  readonly registeredAt: string;
  readonly lastSeenAt: string;
}

/** The answer to an announcement. */
export interface AnnouncementResult extends NodeRegistration {
  readonly pairState: RegisteredPairState;
  /** The open run of the environment that kept this announcement from changing the address or adding the pair, or null. */
  readonly heldBy: string | null;
}

/** Records an announcement; idempotent (announcing again updates, never duplicates). */
export async function announceNode(store: Store, a: NodeAnnouncement): Promise<AnnouncementResult> {
  const name = parseNodeName(a.name);
  if ('error' in name) throw badRequest(MESSAGES.invalidRequest.fleetNodeName(a.name));
  return store.transaction('shared', async (trx) => {
    const environments = (await trx.selectFrom('fleet_environments').select('name').orderBy('name').execute()).map((e) => e.name);
    if (!environments.includes(name.environment)) {
      throw notFound(MESSAGES.notFound.fleetNodeEnvironment(a.name, name.environment, environments.join(', ') || '-'));
    }
    const run = await trx
      .selectFrom('fleet_runs')
      .select('id')
      .where('environment', '=', name.environment)
      .where('state', 'in', OPEN_RUN_STATES)
      .executeTakeFirst();
    const now = nowTimestamp();
    const health = a.health === undefined ? null : a.health.healthy ? ('healthy' as const) : ('unhealthy' as const);
    const healthDetail = a.health?.detail ?? null;
    const observed = { reported_version: a.version, health, health_detail: healthDetail, last_seen_at: now };
    const before = await trx.selectFrom('fleet_node_registrations').select('address').where('name', '=', a.name).executeTakeFirst();
    // An address a run may be using stays until the run is over; a first announcement has none in use.
    const address = run && before ? before.address : a.address;
    await trx
      .insertInto('fleet_node_registrations')
      .values({ name: a.name, environment: name.environment, env_id: name.envId, role: name.role, address, registered_at: now, ...observed })
      .onConflict((oc) => oc.column('name').doUpdateSet({ address, ...observed }))
      .execute();

    const id = pairId(name.environment, name.envId);
    const pair = await trx.selectFrom('fleet_pairs').select('id').where('id', '=', id).executeTakeFirst();
    let pairState: RegisteredPairState = 'exists';
    if (pair && !run) {
      const node = await trx.selectFrom('fleet_nodes').select('properties').where('name', '=', a.name).executeTakeFirstOrThrow();
      const properties = parseJson<Record<string, string>>(node.properties);
      if (properties[ADDRESS_PROPERTY] !== address) {
        await trx
          .updateTable('fleet_nodes')
          .set({ properties: JSON.stringify({ ...properties, [ADDRESS_PROPERTY]: address }), updated_at: now })
          .where('name', '=', a.name)
          .execute();
      }
    } else if (!pair) {
      const partnerName = `${name.environment}_${partnerRole(name.role)}_${name.envId}`;
      const partner = await trx.selectFrom('fleet_node_registrations').selectAll().where('name', '=', partnerName).executeTakeFirst();
      pairState = 'awaiting-partner';
      if (partner && !run) {
        await trx
          .insertInto('fleet_pairs')
          .values({ id, environment: name.environment, env_id: name.envId, active_role: 'P', properties: '{}', updated_at: now })
          // Its partner's announcement may have created it a moment ago: then both rows are there already.
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        const nodes = [
          { name: a.name, role: name.role, version: a.version, address },
          { name: partner.name, role: partner.role, version: partner.reported_version, address: partner.address },
        ];
        await trx
          .insertInto('fleet_nodes')
          .values(
            nodes.map((n) => ({
              name: n.name,
              pair_id: id,
              role: n.role,
              installed_version: n.version,
              secondary_version_level: null,
              primary_version_level: null,
              properties: JSON.stringify({ [ADDRESS_PROPERTY]: n.address }),
              updated_at: now,
            })),
          )
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
        pairState = 'created';
      }
    }
    const stored = await trx.selectFrom('fleet_node_registrations').selectAll().where('name', '=', a.name).executeTakeFirstOrThrow();
    return { ...toRegistration(stored), pairState, heldBy: run?.id ?? null };
  });
}

/**
 * Forgets a node: its registration, and its pair (both nodes) — how a registered pair leaves the
 * fleet. Refused while a run of its environment is open. An agent still running registers the node
 * again; a fleet file listing the pair declares it again at its next apply.
 */
export async function forgetNode(store: Store, name: string): Promise<{ node: string; removedPair: string | null }> {
  const parsed = parseNodeName(name);
  if ('error' in parsed) throw badRequest(MESSAGES.invalidRequest.fleetNodeName(name));
  return store.transaction('shared', async (trx) => {
    const run = await trx
      .selectFrom('fleet_runs')
      .select(['id', 'state'])
      .where('environment', '=', parsed.environment)
      .where('state', 'in', OPEN_RUN_STATES)
      .executeTakeFirst();
    if (run) throw conflict(MESSAGES.conflict.fleetRunUnderWay(`${run.id} (${parsed.environment}, ${run.state})`));
    const id = pairId(parsed.environment, parsed.envId);
    const forgotten = await trx.deleteFrom('fleet_node_registrations').where('name', '=', name).executeTakeFirst();
    const removed = await trx.deleteFrom('fleet_pairs').where('id', '=', id).executeTakeFirst();
    if (Number(forgotten.numDeletedRows) === 0 && Number(removed.numDeletedRows) === 0) throw notFound(MESSAGES.notFound.fleetNode(name));
    return { node: name, removedPair: Number(removed.numDeletedRows) > 0 ? id : null };
  });
}

/** Every registered node (of one environment, or all), by name. */
export async function readRegistrations(db: Db, environment?: string): Promise<NodeRegistration[]> {
  let q = db.selectFrom('fleet_node_registrations').selectAll().orderBy('name');
  if (environment !== undefined) q = q.where('environment', '=', environment);
  return (await q.execute()).map(toRegistration);
}

/** The registered addresses of the given nodes, by name: a re-declared fleet file keeps them (declaration.ts). */
export async function registeredAddresses(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await db.selectFrom('fleet_node_registrations').select(['name', 'address']).where('name', 'in', names).execute();
  return new Map(rows.map((r) => [r.name, r.address]));
}

function toRegistration(r: FleetNodeRegistrationsTable): NodeRegistration {
  return {
    node: r.name,
    environment: r.environment,
    pair: pairId(r.environment, r.env_id),
    role: r.role,
    address: r.address,
    reportedVersion: r.reported_version,
    health: r.health,
    healthDetail: r.health_detail,
    registeredAt: r.registered_at,
    lastSeenAt: r.last_seen_at,
  };
}

import { RESULT } from '../../errors.js';
import { MESSAGES } from '../../i18n/server-messages.js';
import { textIn, type Texts } from '../../i18n/language.js';
import { readMaintenance } from '../../maintenance/mode.js';
import { toFlags } from '../../maintenance/switches.js';
import { failure } from '../envelope.js';
import { defineRoute, type AnyRoute } from '../route.js';
import { readSchemaState } from '../../store/migrations/startup.js';
import { healthSchema, livenessSchema, readinessSchema } from '../wire/system.js';

/**
 * Health for load balancers and orchestrators. `/api/healthz` is the detailed view (store, schema,
 * switches); Kubernetes probes use the two narrow ones: `/api/livez` (the process answers: restart it
 * otherwise) and `/api/readyz` (send it traffic: the store answers, its schema is one this release
 * runs on, and the process is not stopping).
 */
export const systemRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/api/livez',
    summary: 'Liveness: the process answers (it checks nothing else, so a store outage never restarts it)',
    tag: 'system',
    access: 'public',
    writes: 'read',
    response: livenessSchema,
    handler: async () => ({ status: 'alive' as const }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/readyz',
    summary: 'Readiness: the store answers, its schema is one this release runs on, and the process is not stopping',
    tag: 'system',
    access: 'public',
    writes: 'read',
    response: readinessSchema,
    handler: async ({ deps, reply, language }) => {
      // The message in the request's language; `data.reason` in English, for the logs of whatever probes.
      const notReady = (reason: Texts) =>
        reply.code(503).send(failure(RESULT.unavailable, textIn(reason, language), { status: 'not-ready', reason: reason.en }));
      if (deps.lifecycle.stopping) return notReady(MESSAGES.unavailable.stopping);
      let schemaVersion: number;
      try {
        const schema = await readSchemaState(deps.store);
        if (schema.refusal) return notReady(MESSAGES.unavailable.schemaNotRunnable(schema.refusal.message));
        schemaVersion = schema.version;
      } catch (err) {
        deps.logger.warn({ err }, 'readiness: store unavailable');
        return notReady(MESSAGES.unavailable.storeNotAnswering);
      }
      return { status: 'ready' as const, schema_version: schemaVersion };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/healthz',
    summary: 'Health: the store answers; the maintenance switches; whether this process trusts its copy of them',
    tag: 'system',
    access: 'public',
    writes: 'read',
    response: healthSchema,
    handler: async ({ deps, db, reply, language }) => {
      try {
        const m = await readMaintenance(db);
        return {
          status: 'ok' as const,
          // The kind only: the route is public, and the description names the SQLite file's path.
          store: deps.store.capabilities.kind,
          schema_version: (await readSchemaState(deps.store)).version,
          maintenance_mode: toFlags(m),
          maintenance_cache_trusted: deps.maintenance.trusted,
        };
      } catch (err) {
        deps.logger.warn({ err }, 'health check: store unavailable');
        return reply.code(503).send(failure(RESULT.unavailable, textIn(MESSAGES.unavailable.storeNotAnswering, language), { status: 'unavailable' }));
      }
    },
  }),
];

import { RESULT } from '../../errors.js';
import { readMaintenance, toFlag } from '../../maintenance/mode.js';
import { failure } from '../envelope.js';
import { defineRoute, type AnyRoute } from '../route.js';

/** Health for load balancers and orchestrators: 200 while the store answers, 503 when it does not. */
export const systemRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/api/healthz',
    summary: 'Health: the store answers; the maintenance switches; whether this process trusts its copy of them',
    tag: 'system',
    access: 'public',
    writes: 'read',
    handler: async ({ deps, reply }) => {
      try {
        const m = await readMaintenance(deps.store.db);
        return {
          status: 'ok',
          store: deps.store.capabilities.description,
          schema_version: await deps.store.schemaVersion(),
          maintenance_mode: {
            backyard_execute_stop: toFlag(m.backyard_execute_stop),
            data_update_stop: toFlag(m.data_update_stop),
          },
          maintenance_cache_trusted: deps.maintenance.trusted,
        };
      } catch (err) {
        deps.logger.warn({ err }, 'health check: store unavailable');
        return reply.code(503).send(failure(RESULT.unavailable, 'The store does not answer.', { status: 'unavailable' }));
      }
    },
  }),
];

import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MaintenanceCache } from '../maintenance/propagation.js';
import { SWITCHES, SWITCH_IDS } from '../maintenance/switches.js';

/** How a request ended, for `drydock_http_requests_total{outcome}`. */
export type Outcome = 'success' | 'client_error' | 'maintenance_refused' | 'server_error';

/** Prometheus metrics of one process (its own registry, so several apps can share a test process). */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'outcome' | 'method'>;

  constructor(maintenance: MaintenanceCache) {
    collectDefaultMetrics({ register: this.registry, prefix: 'drydock_process_' });
    this.#requests = new Counter({
      name: 'drydock_http_requests_total',
      help: 'HTTP requests by outcome',
      labelNames: ['outcome', 'method'],
      registers: [this.registry],
    });
    for (const id of SWITCH_IDS) {
      new Gauge({
        name: `drydock_maintenance_${id}`,
        help: `1 while ${SWITCHES[id].metric} (as this process last saw it)`,
        registers: [this.registry],
        collect() {
          this.set(maintenance.state[id] ? 1 : 0);
        },
      });
    }
    new Gauge({
      name: 'drydock_maintenance_cache_trusted',
      help: '1 while this process is sure its copy of the switches is current',
      registers: [this.registry],
      collect() {
        this.set(maintenance.trusted ? 1 : 0);
      },
    });
  }

  countRequest(method: string, outcome: Outcome): void {
    this.#requests.inc({ outcome, method });
  }
}

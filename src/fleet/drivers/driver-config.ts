import { z } from 'zod';
import type { Logger } from 'pino';
import type { NodeDriver } from './node-driver.js';
import { commandDriverConfigSchema, createCommandDriver } from './command-driver.js';
import { createKubernetesDriver, kubernetesDriverConfigSchema } from './kubernetes-driver.js';
import { createNoopDriver, noopDriverConfigSchema } from './noop-driver.js';
import { createProcessDriver, processDriverConfigSchema } from './process-driver.js';

/**
 * The `driver:` block of a fleet environment, one schema per driver type. Adding a driver: export
 * its config schema and factory from `<type>-driver.ts` and add one entry here and in `createDriver`.
 */
export const driverConfigSchema = z.discriminatedUnion(
  'type',
  [noopDriverConfigSchema, processDriverConfigSchema, commandDriverConfigSchema, kubernetesDriverConfigSchema],
  {
    error: 'driver.type must be one of: noop, command, process, kubernetes',
  },
);

export type DriverConfig = z.infer<typeof driverConfigSchema>;

/** What a driver may need from its host process. */
export interface DriverDeps {
  readonly logger: Logger;
  /** Directory for a driver's own state (pid files …); the fleet file's paths are relative to `baseDir`. */
  readonly baseDir: string;
}

/** Builds the driver a config names. */
export function createDriver(config: DriverConfig, deps: DriverDeps): NodeDriver {
  switch (config.type) {
    case 'noop':
      return createNoopDriver(config);
    case 'process':
      return createProcessDriver(config, deps);
    case 'command':
      return createCommandDriver(config, deps);
    case 'kubernetes':
      return createKubernetesDriver(config, deps);
    default: {
      // With every type handled, TypeScript narrows `config` itself to never.
      const never: never = config;
      throw new Error(`unknown driver type ${String((never as { type?: unknown }).type)}`);
    }
  }
}

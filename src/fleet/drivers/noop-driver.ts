import { z } from 'zod';
import type { NodeDriver } from './node-driver.js';

/** `noop`: every action succeeds at once. For plans, benchmarks, and trying the orchestrator out. */
export const noopDriverConfigSchema = z
  .object({
    type: z.literal('noop'),
  })
  .strict();

export type NoopDriverConfig = z.infer<typeof noopDriverConfigSchema>;

/** A driver whose actions do nothing and report success; health reports no version. */
export function createNoopDriver(_config: NoopDriverConfig): NodeDriver {
  return {
    type: 'noop',
    upgrade: async (node, version) => ({ ok: true, output: `noop: ${node.name} → ${version}` }),
    switchActive: async (pair, to) => ({ ok: true, output: `noop: ${pair.id} → ${to.name}` }),
    health: async () => ({ ok: true, output: 'noop: healthy' }),
    close: async () => {},
  };
}

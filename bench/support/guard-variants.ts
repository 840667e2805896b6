/** The builds of the API that bench/guard-overhead.ts compares (see guard-server.ts). */
export const GUARD_VARIANTS = ['gate', 'no-gate', 'no-gate-no-lock'] as const;
export type GuardVariant = (typeof GUARD_VARIANTS)[number];

/** What guard-server.ts sends its parent once every variant listens. */
export interface GuardServerReady {
  readonly ports: Partial<Record<GuardVariant, number>>;
}

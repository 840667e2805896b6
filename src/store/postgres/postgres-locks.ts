/**
 * Advisory lock keys (one 64-bit key space per database). Written out once so that no two
 * features pick the same number.
 */
export const ADVISORY_LOCK = {
  /** The maintenance gate: writes take it shared, a toggle of the switches exclusive. */
  gate: 0x6472_7964_0001n,
  /** Held for a whole migration run. */
  migration: 0x6472_7964_0002n,
} as const;

/** The NOTIFY channel all change topics travel on. */
export const CHANGE_CHANNEL = 'drydock_changes';

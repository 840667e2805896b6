import { CliError, EXIT } from './exit-codes.js';
import { parseDuration } from '../util/duration.js';

/**
 * `fleet run --phases 1-2 --hold-after 2 30m` → the run's `phases` and `holdAfter` as the API takes
 * them. The range itself is checked by the server (the same check for every client): only the
 * hold's shape is checked here, where a duration is turned into seconds.
 */
export function runPhaseOptions(flags: { phases?: string; holdAfter?: string[] }): { phases?: string; holdAfter?: { phase: number; seconds: number } } {
  if (flags.holdAfter === undefined) return flags.phases === undefined ? {} : { phases: flags.phases };
  const [phase, duration, ...rest] = flags.holdAfter;
  const usage = `--hold-after takes a phase and a duration, e.g. --hold-after 2 30m (90s, 30m, 2h, 1d), not "${flags.holdAfter.join(' ')}"`;
  if (!/^[1-4]$/.test(phase ?? '') || duration === undefined || rest.length > 0) throw new CliError(usage, EXIT.usage);
  let ms: number;
  try {
    ms = parseDuration(duration);
  } catch {
    throw new CliError(usage, EXIT.usage);
  }
  return { ...(flags.phases !== undefined && { phases: flags.phases }), holdAfter: { phase: Number(phase), seconds: Math.ceil(ms / 1000) } };
}

/**
 * A signal aborted when `parent` is, or after `ms` (with a `TimeoutError`, as `AbortSignal.timeout`
 * gives); `clear()` once the work is done. The same signal as `AbortSignal.any([parent,
 * AbortSignal.timeout(ms)])`, without what makes that one costly on a hot path: its timer cannot be
 * cleared (each stays pending for the whole `ms`) and `any` holds its sources through weak
 * references, which the garbage collector pays for.
 */
export function deadlineSignal(parent: AbortSignal, ms: number): { readonly signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}

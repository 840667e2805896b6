/** Rows per multi-row INSERT or IN list: well below both backends' bound-parameter limits. */
export const BATCH_ROWS = 500;

/** Splits `items` into batches of at most `size`. */
export function batches<T>(items: readonly T[], size = BATCH_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

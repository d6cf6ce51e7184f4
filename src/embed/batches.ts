/**
 * How an embedder cuts texts into forward passes. One planner for every neural embedder and for
 * the worker pool, so a text meets the same batch-mates whether one thread or a pool embeds it:
 * batch composition changes padding, and padding changes float rounding in the last bit.
 *
 * Texts are sorted longest first (UTF-16 length, ties by position), so a batch's texts have
 * similar lengths and little padding, then cut into consecutive batches of `batchSize`.
 * A list that is already a planned batch plans to itself, in the same order.
 */
export function planBatches(texts: readonly string[], batchSize: number): number[][] {
  const order = texts.map((_, i) => i);
  order.sort((a, b) => texts[b].length - texts[a].length || a - b);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}

/**
 * Every label-free, judge-free selection method as a `smoothie` subcommand with its flags, so a
 * benchmark can run each one by appending the dataset flags (`--dataset-config … --multi-model`).
 * `smoothie methods --json` prints this list.
 */

/** Embedders every embedding-based method is listed with (cheap ones first). */
export const LABEL_FREE_EMBEDDERS = ['hash', 'glove', 'use'] as const;

export function labelFreeMethodCommands(embedders: readonly string[] = LABEL_FREE_EMBEDDERS): string[] {
  const out: string[] = ['pick-longest', 'mbr --utility rougeL', 'mbr --utility rougeL --scope global', 'coverage --k 1', 'coverage --scope global'];
  for (const e of embedders) {
    out.push(
      `run --type sample_independent --embedder ${e}`,
      `run --type sample_dependent --k 20 --embedder ${e}`,
      `mbr --embedder ${e}`,
      `mbr --scope global --embedder ${e}`,
      `vote --embedder ${e}`,
      `coverage --embedder ${e}`,
    );
  }
  return out;
}

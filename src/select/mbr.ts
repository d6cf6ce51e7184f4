/**
 * Minimum Bayes risk selection (MBR; the reference repository's extra baseline): each candidate's
 * expected utility against the other candidates of its sample, with the others as samples of the
 * unknown truth; the per-sample form picks the candidate of highest expected utility (the medoid
 * under the utility), the global form the voter of highest mean expected utility over all samples.
 *
 * Utilities: `cosine` between candidate embeddings (a zero vector has utility 0 to everything), or
 * `rougeL`, the ROUGE-L F-measure between the candidates' texts (rouge_score tokenisation, no stemming).
 */
import type { NdArray } from '../compute/ndarray.js';
import type { ScoredSelection } from '../data/selection.js';
import { rougeL } from '../metrics/rouge.js';
import { rougeTokenize } from '../metrics/rouge-tokenize.js';
import { argmax, argmaxRows, columnMeans } from './text.js';

export const MBR_UTILITIES = ['cosine', 'rougeL'] as const;
export type MbrUtility = (typeof MBR_UTILITIES)[number];
export const SELECTION_SCOPES = ['sample', 'global'] as const;
export type SelectionScope = (typeof SELECTION_SCOPES)[number];

/** The selectors return the project's one selection type, with the scores they maximised (higher is better). */
export type { ScoredSelection, Selection } from '../data/selection.js';

/** n × m × m cosine similarities between every sample's candidate embeddings (diagonal 1 unless zero). */
export function cosineUtilities(generations: NdArray): Float64Array {
  const [n, m, d] = generations.shape;
  const g = generations.data;
  const norms = new Float64Array(n * m);
  for (let r = 0; r < n * m; r++) {
    let s = 0;
    for (let x = 0; x < d; x++) s += g[r * d + x] * g[r * d + x];
    norms[r] = Math.sqrt(s);
  }
  const out = new Float64Array(n * m * m);
  for (let s = 0; s < n; s++) {
    for (let a = 0; a < m; a++) {
      const ra = s * m + a;
      for (let c = a; c < m; c++) {
        const rc = s * m + c;
        let dot = 0;
        for (let x = 0; x < d; x++) dot += g[ra * d + x] * g[rc * d + x];
        const den = norms[ra] * norms[rc];
        const u = den > 0 ? dot / den : 0;
        out[s * m * m + a * m + c] = u;
        out[s * m * m + c * m + a] = u;
      }
    }
  }
  return out;
}

/** n × m × m ROUGE-L F-measures between every sample's candidate texts. */
export function rougeLUtilities(texts: readonly (readonly string[])[]): Float64Array {
  const n = texts.length;
  const m = texts[0]?.length ?? 0;
  const out = new Float64Array(n * m * m);
  texts.forEach((row, s) => {
    const toks = row.map((t) => rougeTokenize(t, false));
    for (let a = 0; a < m; a++) {
      out[s * m * m + a * m + a] = 1;
      for (let c = a + 1; c < m; c++) {
        const f = rougeL(toks[a], toks[c]).fmeasure;
        out[s * m * m + a * m + c] = f;
        out[s * m * m + c * m + a] = f;
      }
    }
  });
  return out;
}

/** Expected utility of each candidate against the others of its sample: n × m. */
export function expectedUtilities(utilities: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  if (m < 2) return out;
  for (let s = 0; s < n; s++) {
    for (let a = 0; a < m; a++) {
      let sum = 0;
      for (let c = 0; c < m; c++) if (c !== a) sum += utilities[s * m * m + a * m + c];
      out[s * m + a] = sum / (m - 1);
    }
  }
  return out;
}

/** Per sample: the highest score. Global: the voter with the highest mean score gets every sample. */
export function selectByScope(scores: Float64Array, n: number, m: number, scope: SelectionScope): Int32Array {
  if (scope === 'sample') return argmaxRows(scores, n, m);
  return new Int32Array(n).fill(argmax(columnMeans(scores, n, m)));
}

export interface MbrOptions {
  /** @default 'sample' */
  readonly scope?: SelectionScope;
}

/** MBR on candidate embeddings G (n × m × d) with the cosine utility. */
export function mbrFromEmbeddings(generations: NdArray, options: MbrOptions = {}): ScoredSelection {
  const [n, m] = generations.shape;
  const scores = expectedUtilities(cosineUtilities(generations), n, m);
  return { selected: selectByScope(scores, n, m, options.scope ?? 'sample'), scores, n, m };
}

/** MBR on candidate texts (n × m) with the ROUGE-L F-measure utility. */
export function mbrFromTexts(texts: readonly (readonly string[])[], options: MbrOptions = {}): ScoredSelection {
  const n = texts.length;
  const m = texts[0]?.length ?? 0;
  const scores = expectedUtilities(rougeLUtilities(texts), n, m);
  return { selected: selectByScope(scores, n, m, options.scope ?? 'sample'), scores, n, m };
}

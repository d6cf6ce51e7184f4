/**
 * Text helpers shared by the selection methods: the word tokens (scikit-learn's `\w\w+`, lower-cased,
 * as the `hash` embedder tokenises), a candidate's distinct words, and inverse document frequencies
 * over every candidate of a table (label-free: only the candidates' own text is used).
 */

const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** Lower-cased `\w\w+` tokens, in order. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** The distinct words of a text. */
export function wordSet(text: string): Set<string> {
  return new Set(wordTokens(text));
}

/**
 * Smoothed inverse document frequency, idf(t) = ln((1 + N) / (1 + df(t))) + 1 (scikit-learn's
 * `smooth_idf`), over a collection of documents given as word sets. Words never seen get the
 * maximum, ln(1 + N) + 1.
 */
export class Idf {
  private readonly df = new Map<string, number>();
  private n = 0;

  constructor(documents: Iterable<ReadonlySet<string>> = []) {
    for (const doc of documents) this.add(doc);
  }

  add(doc: ReadonlySet<string>): void {
    this.n++;
    for (const t of doc) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  get documents(): number {
    return this.n;
  }

  weight(token: string): number {
    return Math.log((1 + this.n) / (1 + (this.df.get(token) ?? 0))) + 1;
  }
}

/** texts[s][v] → word sets, same shape. */
export function wordSets(texts: readonly (readonly string[])[]): Set<string>[][] {
  return texts.map((row) => row.map(wordSet));
}

/** Mean of each row's values (n × m, row-major) → the argmax per row (first maximum wins). */
export function argmaxRows(scores: Float64Array, n: number, m: number): Int32Array {
  const out = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let best = 0;
    for (let v = 1; v < m; v++) if (scores[s * m + v] > scores[s * m + best]) best = v;
    out[s] = best;
  }
  return out;
}

/** Column means of an n × m matrix: one score per voter. */
export function columnMeans(scores: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let s = 0; s < n; s++) for (let v = 0; v < m; v++) out[v] += scores[s * m + v];
  for (let v = 0; v < m; v++) out[v] /= Math.max(1, n);
  return out;
}

/** The index of the largest value (first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

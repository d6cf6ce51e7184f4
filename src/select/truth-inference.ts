/**
 * Truth inference over judges' scores (Dawid & Skene, 1979), as LLM-PeerReview combines peer judges:
 * every item (a candidate) has a latent true level z ∈ {0 … K−1}; judge j reports level l with
 * probability π_j(l | z), its confusion matrix; levels have a prior p(z). EM alternates the posterior
 * of every item's level given all judges' reports (E) with the priors and confusion matrices that
 * maximise the expected likelihood (M, with a Dirichlet(1 + smoothing) prior so unseen pairs stay
 * possible). It starts from the judges' mean report (each item's posterior a point mass at its
 * rounded mean level), so a judge that agrees with the consensus when the consensus is sure earns
 * trust, and a judge whose reports do not depend on the true level ends with a flat confusion
 * matrix and no say. Deterministic.
 */

export interface JudgeReport {
  /** Item index (0 … items−1). */
  readonly item: number;
  /** Judge index (0 … judges−1). */
  readonly judge: number;
  /** Reported level (0 … K−1). */
  readonly level: number;
}

export interface DawidSkeneOptions {
  readonly items: number;
  readonly judges: number;
  readonly levels: number;
  /** Pseudo-count added to every confusion cell and prior. @default 0.1 */
  readonly smoothing?: number;
  /** @default 100 */
  readonly maxIterations?: number;
  /** Stop when no posterior moves by more than this. @default 1e-6 */
  readonly tolerance?: number;
}

export interface DawidSkeneResult {
  /** items × levels posteriors, row-major. */
  readonly posterior: Float64Array;
  /** Posterior mean level per item. */
  readonly expectedLevel: Float64Array;
  /** judges × levels × levels: confusion[j][z][l] = P(judge j reports l | true level z). */
  readonly confusion: Float64Array;
  readonly prior: Float64Array;
  readonly iterations: number;
  /** Per judge: the mutual information between its report and the true level (nats), a reliability summary. */
  readonly reliability: number[];
}

export function dawidSkene(reports: readonly JudgeReport[], options: DawidSkeneOptions): DawidSkeneResult {
  const { items, judges, levels: K } = options;
  const alpha = options.smoothing ?? 0.1;
  const maxIt = options.maxIterations ?? 100;
  const tol = options.tolerance ?? 1e-6;
  for (const r of reports) {
    if (!(r.item >= 0 && r.item < items && r.judge >= 0 && r.judge < judges && Number.isInteger(r.level) && r.level >= 0 && r.level < K)) {
      throw new RangeError(`dawidSkene: report out of range (item ${r.item}, judge ${r.judge}, level ${r.level})`);
    }
  }
  // initial posteriors: the rounded mean report
  const post = new Float64Array(items * K);
  const sum = new Float64Array(items);
  const cnt = new Float64Array(items);
  for (const r of reports) {
    sum[r.item] += r.level;
    cnt[r.item]++;
  }
  for (let i = 0; i < items; i++) {
    if (cnt[i] === 0) for (let z = 0; z < K; z++) post[i * K + z] = 1 / K;
    else post[i * K + Math.round(sum[i] / cnt[i])] = 1;
  }
  const confusion = new Float64Array(judges * K * K);
  const prior = new Float64Array(K);
  const logPost = new Float64Array(K);
  let iterations = 0;
  for (let it = 0; it < maxIt; it++) {
    iterations = it + 1;
    // M step
    prior.fill(alpha);
    for (let i = 0; i < items; i++) for (let z = 0; z < K; z++) prior[z] += post[i * K + z];
    const pTotal = prior.reduce((a, b) => a + b, 0);
    for (let z = 0; z < K; z++) prior[z] /= pTotal;
    confusion.fill(alpha);
    for (const r of reports) for (let z = 0; z < K; z++) confusion[(r.judge * K + z) * K + r.level] += post[r.item * K + z];
    for (let j = 0; j < judges; j++) {
      for (let z = 0; z < K; z++) {
        let t = 0;
        for (let l = 0; l < K; l++) t += confusion[(j * K + z) * K + l];
        for (let l = 0; l < K; l++) confusion[(j * K + z) * K + l] /= t;
      }
    }
    // E step
    const next = new Float64Array(items * K);
    for (let i = 0; i < items; i++) for (let z = 0; z < K; z++) next[i * K + z] = Math.log(prior[z]);
    for (const r of reports) for (let z = 0; z < K; z++) next[r.item * K + z] += Math.log(confusion[(r.judge * K + z) * K + r.level]);
    let moved = 0;
    for (let i = 0; i < items; i++) {
      let max = -Infinity;
      for (let z = 0; z < K; z++) max = Math.max(max, next[i * K + z]);
      let t = 0;
      for (let z = 0; z < K; z++) {
        logPost[z] = Math.exp(next[i * K + z] - max);
        t += logPost[z];
      }
      for (let z = 0; z < K; z++) {
        const p = logPost[z] / t;
        moved = Math.max(moved, Math.abs(p - post[i * K + z]));
        post[i * K + z] = p;
      }
    }
    if (moved < tol) break;
  }
  const expectedLevel = new Float64Array(items);
  for (let i = 0; i < items; i++) for (let z = 0; z < K; z++) expectedLevel[i] += z * post[i * K + z];
  const reliability: number[] = [];
  for (let j = 0; j < judges; j++) {
    let mi = 0;
    const marginal = new Float64Array(K);
    for (let z = 0; z < K; z++) for (let l = 0; l < K; l++) marginal[l] += prior[z] * confusion[(j * K + z) * K + l];
    for (let z = 0; z < K; z++) {
      for (let l = 0; l < K; l++) {
        const p = prior[z] * confusion[(j * K + z) * K + l];
        if (p > 0) mi += p * Math.log(confusion[(j * K + z) * K + l] / marginal[l]);
      }
    }
    reliability.push(mi);
  }
  return { posterior: post, expectedLevel, confusion, prior, iterations, reliability };
}

export interface ScoreReport {
  readonly item: number;
  readonly judge: number;
  readonly score: number;
}

export interface JudgeModelResult {
  /** Posterior mean of every item's latent quality (prior N(0, 1)). */
  readonly quality: Float64Array;
  /** Per judge: offset a, scale b and noise variance s² of score = a + b · quality + noise. */
  readonly offset: Float64Array;
  readonly scale: Float64Array;
  readonly noise: Float64Array;
  /** Per judge: b² / s², the signal-to-noise ratio its scores carry about the quality. */
  readonly reliability: number[];
  readonly iterations: number;
}

/**
 * Truth inference for numeric scores, Dawid–Skene's idea with a linear-Gaussian judge: judge j reports
 * a + b_j·t + noise of variance s_j² about an item of latent quality t ~ N(0, 1). Alternates the
 * judges' least-squares a, b, s² given the qualities with the qualities' posterior means given the
 * judges, t = Σ_j b_j (x_j − a_j) / s_j² / (1 + Σ_j b_j² / s_j²) (a one-factor analysis with missing
 * reports, fitted by EM with the posterior variances). Starts from the mean of the judges'
 * standardised scores; the sign is fixed so that the
 * judges' scales sum positive. A judge that scores at random gets b ≈ 0 and no say; an exact one
 * dominates, up to a point: its noise is floored at `noiseFloor` (0.05) × its score variance, which
 * also keeps EM away from the degenerate fit where the quality is a copy of one judge's scores. Deterministic.
 */
export function judgeModel(
  reports: readonly ScoreReport[],
  options: { readonly items: number; readonly judges: number; readonly maxIterations?: number; readonly tolerance?: number; readonly noiseFloor?: number },
): JudgeModelResult {
  const { items, judges: J } = options;
  const maxIt = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-8;
  const floorShare = options.noiseFloor ?? 0.05;
  for (const r of reports) {
    if (!(r.item >= 0 && r.item < items && r.judge >= 0 && r.judge < J && Number.isFinite(r.score))) {
      throw new RangeError(`judgeModel: report out of range (item ${r.item}, judge ${r.judge}, score ${r.score})`);
    }
  }
  // per-judge standardisation for the start and the noise floor
  const jMean = new Float64Array(J);
  const jVar = new Float64Array(J);
  const jCount = new Float64Array(J);
  for (const r of reports) {
    jMean[r.judge] += r.score;
    jCount[r.judge]++;
  }
  for (let j = 0; j < J; j++) jMean[j] /= Math.max(1, jCount[j]);
  for (const r of reports) jVar[r.judge] += (r.score - jMean[r.judge]) ** 2;
  for (let j = 0; j < J; j++) jVar[j] = jVar[j] / Math.max(1, jCount[j]) || 1;
  let t = new Float64Array(items);
  const tc = new Float64Array(items);
  for (const r of reports) {
    t[r.item] += (r.score - jMean[r.judge]) / Math.sqrt(jVar[r.judge]);
    tc[r.item]++;
  }
  for (let i = 0; i < items; i++) t[i] = tc[i] > 0 ? t[i] / tc[i] : 0;
  const standardise = (x: Float64Array): void => {
    let m = 0;
    for (const v of x) m += v;
    m /= Math.max(1, x.length);
    let v2 = 0;
    for (const v of x) v2 += (v - m) ** 2;
    const sd = Math.sqrt(v2 / Math.max(1, x.length)) || 1;
    for (let i = 0; i < x.length; i++) x[i] = (x[i] - m) / sd;
  };
  standardise(t);
  const a = new Float64Array(J);
  const b = new Float64Array(J);
  const s2 = new Float64Array(J);
  // the start: judges fitted to the standardised mean scores
  let v = new Float64Array(items);
  let iterations = 0;
  for (let it = 0; it < maxIt; it++) {
    iterations = it + 1;
    // M step: each judge's a, b, s² from E[t] = t and E[t²] = t² + v
    const st = new Float64Array(J);
    const stt = new Float64Array(J);
    const sx = new Float64Array(J);
    const stx = new Float64Array(J);
    for (const r of reports) {
      const ti = t[r.item];
      st[r.judge] += ti;
      stt[r.judge] += ti * ti + v[r.item];
      sx[r.judge] += r.score;
      stx[r.judge] += ti * r.score;
    }
    for (let j = 0; j < J; j++) {
      const c = jCount[j];
      if (c === 0) {
        [a[j], b[j], s2[j]] = [0, 0, 1];
        continue;
      }
      const den = c * stt[j] - st[j] * st[j];
      b[j] = den > 0 ? (c * stx[j] - st[j] * sx[j]) / den : 0;
      a[j] = (sx[j] - b[j] * st[j]) / c;
    }
    s2.fill(0);
    for (const r of reports) {
      const j = r.judge;
      const e = r.score - a[j] - b[j] * t[r.item];
      s2[j] += e * e + b[j] * b[j] * v[r.item];
    }
    for (let j = 0; j < J; j++) s2[j] = Math.max(s2[j] / Math.max(1, jCount[j]), floorShare * jVar[j]);
    // E step: the posterior of every item's quality under the N(0, 1) prior
    const num = new Float64Array(items);
    const prec = new Float64Array(items).fill(1);
    for (const r of reports) {
      num[r.item] += (b[r.judge] * (r.score - a[r.judge])) / s2[r.judge];
      prec[r.item] += (b[r.judge] * b[r.judge]) / s2[r.judge];
    }
    const next = Float64Array.from(num, (x, i) => x / prec[i]);
    v = Float64Array.from(prec, (p) => 1 / p);
    let moved = 0;
    for (let i = 0; i < items; i++) moved = Math.max(moved, Math.abs(next[i] - t[i]));
    t = next;
    if (moved < tol) break;
  }
  if (b.reduce((x, y) => x + y, 0) < 0) {
    for (let i = 0; i < items; i++) t[i] = -t[i];
    for (let j = 0; j < J; j++) b[j] = -b[j];
  }
  return { quality: t, offset: a, scale: b, noise: s2, reliability: Array.from(b, (x, j) => (x * x) / s2[j]), iterations };
}

/** Fit + apply time of each meta-verifier on 10,000 rows (synthetic, with a verifier of moderate quality). */
import { Rng } from '../compute/rng.js';
import { categoryThresholds } from '../automix/categories.js';
import { categoriesOf } from '../automix/methods.js';
import { META_VERIFIERS, MetaVerifier } from '../automix/meta-verifier.js';

export async function benchAutomix(): Promise<Record<string, unknown>> {
  const n = 10_000;
  const rng = new Rng(5);
  const slm = new Float64Array(n);
  const llm = new Float64Array(n);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    slm[i] = rng.next() < 0.5 ? 1 : rng.next() * 0.5;
    llm[i] = rng.next() < 0.7 ? 1 : rng.next();
    const good = slm[i] >= llm[i];
    confidence[i] = Math.round(8 * Math.min(1, Math.max(0, (good ? 0.7 : 0.35) + 0.25 * rng.normal()))) / 8;
  }
  const train = { confidence, slm, llm, categories: categoriesOf(slm, llm, categoryThresholds(slm, llm)) };
  const results: Record<string, unknown>[] = [];
  for (const method of META_VERIFIERS) {
    const runs = 3;
    let fitSeconds = Infinity;
    let routeSeconds = Infinity;
    let candidates = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const fitted = new MetaVerifier({ method }).fit(train);
      const t1 = performance.now();
      fitted.route(confidence);
      const t2 = performance.now();
      fitSeconds = Math.min(fitSeconds, (t1 - t0) / 1000);
      routeSeconds = Math.min(routeSeconds, (t2 - t1) / 1000);
      candidates = fitted.candidates.length;
    }
    results.push({ method, rows: n, candidates, fit_seconds: fitSeconds, route_seconds: routeSeconds, fit_rows_per_second_per_candidate: (n * candidates) / fitSeconds });
    console.log(`AutoMix ${method}: fit ${(fitSeconds * 1000).toFixed(1)} ms (${candidates} candidates), route ${(routeSeconds * 1000).toFixed(2)} ms on ${n} rows`);
  }
  return { note: 'best of 3 runs; fit scores every candidate on the training rows', results };
}

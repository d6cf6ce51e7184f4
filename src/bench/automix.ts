/**
 * AutoMix timings on 10,000 synthetic rows (a verifier of moderate quality): each meta-verifier's fit
 * (every candidate scored on the rows) and routing, then the whole paper protocol (`evaluateAutomix`:
 * 10 seeds × 1000 training rows, every method, the val third as test).
 */
import { Rng } from '../compute/rng.js';
import type { AutomixRow } from '../automix/data.js';
import { evaluateAutomix } from '../automix/evaluate.js';
import { META_VERIFIERS, MetaVerifier, trainRowsOf } from '../automix/meta-verifier.js';

const ROWS = 10_000;
const RUNS = 3;

function syntheticRows(n: number, seed: number): AutomixRow[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const slmScore = rng.next() < 0.5 ? 1 : rng.next() * 0.5;
    const llmScore = rng.next() < 0.7 ? 1 : rng.next();
    const slmGood = slmScore >= llmScore;
    const confidence = Math.round(8 * Math.min(1, Math.max(0, (slmGood ? 0.7 : 0.35) + 0.25 * rng.normal()))) / 8;
    return { id: `s${i}`, dataset: 'synthetic', split: i % 3 === 0 ? 'val' : 'train', slmScore, llmScore, confidence, slmAnswer: '' };
  });
}

/** Best of RUNS wall-clock seconds. */
function bestSeconds(f: () => void): number {
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

export async function benchAutomix(): Promise<Record<string, unknown>> {
  const rows = syntheticRows(ROWS, 5);
  const train = trainRowsOf(rows);
  const results = META_VERIFIERS.map((method) => {
    const fitted = new MetaVerifier({ method }).fit(train);
    const fitSeconds = bestSeconds(() => new MetaVerifier({ method }).fit(train));
    const routeSeconds = bestSeconds(() => fitted.route(train.confidence));
    const candidates = fitted.candidates.length;
    console.log(`AutoMix ${method}: fit ${(fitSeconds * 1000).toFixed(1)} ms (${candidates} candidates), route ${(routeSeconds * 1000).toFixed(2)} ms on ${ROWS} rows`);
    return { method, rows: ROWS, candidates, fit_seconds: fitSeconds, route_seconds: routeSeconds, fit_rows_per_second_per_candidate: (ROWS * candidates) / fitSeconds };
  });
  const methods = [...META_VERIFIERS];
  const protocolSeconds = bestSeconds(() => evaluateAutomix(rows, { methods }));
  console.log(
    `AutoMix evaluate (paper protocol, ${methods.length} methods × 10 seeds × 1000 train rows, ${rows.filter((r) => r.split === 'val').length} test rows): ${(protocolSeconds * 1000).toFixed(0)} ms`,
  );
  return {
    note: `best of ${RUNS} runs; fit scores every candidate on the training rows`,
    results,
    evaluate_paper_protocol: { methods, seeds: 10, train_size: 1000, rows: ROWS, seconds: protocolSeconds },
  };
}

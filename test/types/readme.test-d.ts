// The README's library snippets, compiled against the built package as an app would import it
// (`smoothie-router` resolves to this repository's dist/ through package.json "exports"), with
// skipLibCheck: false (see tsconfig.json here and readme-types.test.ts). Compiled, never run.
import {
  createEmbedder,
  createRouter,
  Ensemble,
  evaluateAutomix,
  FittedMetaVerifier,
  FittedSmoothie,
  loadModelRegistry,
  loadRouter,
  MetaVerifier,
  readNpy,
  route,
  Smoothie,
  type AutomixRow,
  type NdArray,
  type RouteResult,
} from 'smoothie-router';

export async function smoothieSnippet(): Promise<void> {
  const embedder = await createEmbedder('use');
  const X = await readNpy('X.npy');
  const G = await readNpy('G.npy');
  // readNpy()'s result goes straight in, no cast.
  const fitted = await new Smoothie({ type: 'sample_dependent', k: 20 }).fit({ generations: G, inputs: X });
  const weights: NdArray = fitted.weights;
  const selected: Int32Array = fitted.selected;
  const json = fitted.toJSON();
  const again = FittedSmoothie.fromJSON(json);
  const Xnew = await embedder.embed(['a new question']);
  const { selected: chosen } = await again.predict({ inputs: Xnew });
  void [weights, selected, chosen];
}

export async function routerSnippet(pastRequests: { input: string; candidates: string[] }[], input: string, candidates: string[], context: string): Promise<void> {
  const registry = await loadModelRegistry('models.yaml');
  const select = await createRouter({ strategy: 'select', voters: ['llama', 'mistral', 'gemma'], k: 20, embedder: 'use' }, { registry });
  await select.add(pastRequests);
  const r: RouteResult = await select.route({ input, candidates });
  const cascade = await createRouter({ strategy: 'cascade', slm: 'llama-13b', llm: 'llama-70b', k: 8 }, { registry });
  const { threshold } = await cascade.calibrate([{ input, context }], { escalationRate: 0.3 });
  const once: RouteResult = await route({ input, candidates }, { router: 'router.json', registry });
  void [threshold, once];
  await cascade.route({ input, context });
  await createRouter({ strategy: 'smoothie-cascade', slm: 'llama-13b', llm: 'llama-70b', samples: 5, embedder: 'use' }, { registry });
  await select.save('router.json');
  await loadRouter('router.json', { registry });
  void r;
}

export async function automixSnippet(trainRows: readonly AutomixRow[], rows: readonly AutomixRow[]): Promise<void> {
  const fitted = new MetaVerifier({ method: 'POMDP' }).fit(trainRows);
  fitted.route([0.25, 0.75]);
  FittedMetaVerifier.fromJSON(fitted.toJSON());
  evaluateAutomix(rows, {});
}

export async function ensembleSnippet(json: unknown): Promise<void> {
  const registry = await loadModelRegistry('models.yaml');
  const { answer, candidates, trace, calls, cost, state, choice } = await Ensemble.fromConfig(json, { registry }).generate([{ role: 'user', content: 'How do I make a cake?' }]);
  void [answer, candidates, trace, calls, cost, state, choice];
}

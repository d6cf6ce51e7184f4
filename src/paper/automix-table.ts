/**
 * AutoMix's main table from `automix_llama2_outputs.jsonl` under the paper protocol that
 * `smoothie automix evaluate` implements (per dataset: val rows as the test set; 10 seeds of 1000
 * train rows drawn as pandas' sample(random_state=seed); 8 bins; costs 1 / 50, verifier 1; ΔIBC as
 * the reference computes it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadAutomixData } from '../automix/data.js';
import { evaluateAutomix, PAPER_METHODS } from '../automix/evaluate.js';
import { costQualitySvg } from '../plot/cost-quality.js';
import { AUTOMIX_DATA_FILES, AUTOMIX_DATA_HINT } from './layout.js';
import { AUTOMIX_DATASET_ORDER, AUTOMIX_TABLE } from './published.js';
import { CellGrid, type PaperFigure, type PaperTableResult } from './result.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';

/** The AutoMix outputs file in `dataDir` (also accepted: the file itself). */
export function automixDataFile(dataDir: string): string {
  if (dataDir.endsWith('.jsonl') && existsSync(dataDir)) return dataDir;
  for (const name of AUTOMIX_DATA_FILES) {
    const file = path.join(dataDir, name);
    if (existsSync(file)) return file;
  }
  throw new InvalidParameterError('dataDir', `table 'automix' needs ${path.join(dataDir, AUTOMIX_DATA_FILES[0])}, which is missing: ${AUTOMIX_DATA_HINT}`);
}

export async function automixTable(o: { readonly dataDir: string; readonly seeds?: number; readonly onProgress?: (stage: string) => void }): Promise<PaperTableResult> {
  const start = performance.now();
  const file = automixDataFile(o.dataDir);
  o.onProgress?.(`automix: ${file}`);
  const data = await loadAutomixData(file);
  const present = new Set(data.rows.map((r) => r.dataset));
  const datasets = AUTOMIX_DATASET_ORDER.filter((d) => present.has(d));
  if (datasets.length === 0) throw new UserInputError(`has no rows of the paper's datasets (${AUTOMIX_DATASET_ORDER.join(', ')})`, { file, field: 'dataset' });
  const evaluation = evaluateAutomix(data.rows, { methods: PAPER_METHODS, datasets, seeds: o.seeds ?? 10, source: file });
  const grid = new CellGrid();
  const notes: string[] = [];
  const figures: PaperFigure[] = [];
  for (const d of evaluation.datasets) {
    for (const [method, r] of Object.entries(d.methods)) {
      grid.set(method, `${d.dataset}/cost`, r.cost);
      grid.set(method, `${d.dataset}/perf`, 100 * r.performance);
      grid.set(method, `${d.dataset}/dibc`, 100 * r.lift.mean, 100 * r.lift.std);
    }
    notes.push(`${d.dataset}: ${d.nTrain} train / ${d.nTest} test rows; SLM P ${(100 * d.slmPerf).toFixed(1)}, LLM P ${(100 * d.llmPerf).toFixed(1)}`);
  }
  if (evaluation.datasets.length > 0) {
    const panels = evaluation.datasets.map((d) => ({
      title: `${d.dataset}: ${d.nTest} test rows`,
      slm: { cost: evaluation.options.costs.slm, performance: d.slmPerf },
      llm: { cost: evaluation.options.costs.llm, performance: d.llmPerf },
      series: Object.entries(d.methods).map(([name, m]) => ({ name, curve: m.curve, chosen: { cost: m.seeds[0].cost, performance: m.seeds[0].performance } })),
      oracle: { cost: d.baselines.oracle.cost, performance: d.baselines.oracle.performance },
    }));
    figures.push({ name: 'cost-quality', title: 'Cost–quality curves (seed 0 candidates)', svg: costQualitySvg(panels) });
  }
  const absent = AUTOMIX_DATASET_ORDER.filter((d) => !present.has(d));
  if (absent.length > 0) notes.push(`datasets not in ${file}: ${absent.join(', ')}`);
  const t = AUTOMIX_TABLE;
  return { id: t.id, title: t.title, unit: t.unit, rows: t.rows, columns: t.columns, published: t, ours: grid.cells, parity: [], notes, figures, seconds: (performance.now() - start) / 1000 };
}

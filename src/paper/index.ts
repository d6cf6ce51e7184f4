/** Reproducing the Smoothie and AutoMix papers' tables from their published data. */
export * from './published.js';
export { PAPER_TABLES, PAPER_TABLE_IDS, paperTable, runPaperTable, missingPaperInputs, type PaperTableSpec } from './tables.js';
export { compareCells, maxAbsDifference, type PaperTableResult, type ComparedCell, type OurCell, type ParityCheck, type PaperFigure } from './result.js';
export { publishedMarkdown, paperMarkdown, paperLatex, paperJson, paperText, writePaperOutputs, type WrittenPaperFiles } from './render.js';
export { parseTexTable, latexTable, type TexRow } from './tex.js';
export { barChartSvg, lineChartSvg, stackSvgs, competitionRanks, rankFrequencies } from './figures.js';
export { SMOOTHIE_DATA_REPO, SMOOTHIE_DATA_HINT, AUTOMIX_DATA_HINT, AUTOMIX_DATA_FILES, shippedConfigDir } from './layout.js';
export { MethodFolder, type PaperRunOptions } from './smoothie-tables.js';
export { loadAlpacaOutputs } from './alpaca.js';
export { writePaperMiniature, buildSmoothieMiniature, buildAlpacaMiniature, buildAutomixMiniature } from './miniature.js';

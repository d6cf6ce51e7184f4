export { Smoothie, FittedSmoothie, SmoothieOptionsSchema, SMOOTHIE_TYPES, parseSmoothieOptions } from './estimator.js';
export type { SmoothieOptions, ResolvedSmoothieOptions, SmoothieType, SmoothieFitInput, EmbeddingArray, FittedSmoothieJson, SmoothieTimings } from './estimator.js';
export { numpyArgmax, selectVoters, pairwiseSquaredDistances } from './weights.js';
export { runSmoothie, REGIMES, type SmoothieRunOptions, type SmoothieRunResult, type Regime } from './run.js';
export { computeWeightsFromFiles, type WeightsFromFilesOptions } from './weights-file.js';
export { summariseSelection, type SelectionSummary } from './summary.js';

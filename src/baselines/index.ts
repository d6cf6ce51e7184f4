/** Baselines: pick-random, pick-longest, labeled-oracle (Best-on-Val), labeled-knn. */
export { pickRandom, trialGenerations, trialSelectionFile, type PickRandomOptions } from './pick-random.js';
export { pickLongest, pickLongestFile, wordCount, type PickLongestOptions } from './pick-longest.js';
export {
  drawTrainSamples,
  labeledKnn,
  labeledOracle,
  TrainScores,
  type LabeledKnnOptions,
  type LabeledKnnResult,
  type LabeledOptions,
  type LabeledOracleResult,
  type LabeledSplit,
} from './labeled.js';
export { runBaselines, BASELINE_METHODS, type BaselineMethod, type BaselineRunResult, type RunBaselinesOptions } from './run.js';

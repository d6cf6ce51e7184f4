export { Smoothie, FittedSmoothie, SmoothieOptionsSchema, SMOOTHIE_TYPES, parseSmoothieOptions } from './estimator.js';
export type { SmoothieOptions, ResolvedSmoothieOptions, SmoothieType, SmoothieFitInput, EmbeddingArray, FittedSmoothieJson, SmoothieTimings } from './estimator.js';
export { numpyArgmax, selectVoters, pairwiseSquaredDistances } from './weights.js';

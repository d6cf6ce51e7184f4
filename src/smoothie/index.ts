export { Smoothie, FittedSmoothie, SmoothieOptionsSchema, SMOOTHIE_TYPES } from './estimator.js';
export type { SmoothieOptions, SmoothieType, SmoothieFitInput, EmbeddingArray, FittedSmoothieJson, SmoothieTimings } from './estimator.js';
export { numpyArgmax, selectVoters, pairwiseSquaredDistances } from './weights.js';

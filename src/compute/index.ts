/** Numerics: arrays, seeded random numbers (ours and NumPy's), nearest neighbours, the tensor backends. */
export { ndarray, type NdArray, type FloatArray } from './ndarray.js';
export { Rng } from './rng.js';
export { NumpyRandomState, pandasSamplePositions } from './numpy-random.js';
export { kNearest, KNN_METHODS, DISTANCE_METRICS, AUTO_HNSW_THRESHOLD, type KnnOptions, type Neighbours, type KnnMethod, type DistanceMetric } from './knn.js';
export { createBackend, BACKEND_NAMES, type Backend, type BackendName } from './backend.js';
export { DEFAULT_SEED } from './rng.js';
export { NeighbourIndex, exactBelowFor, type NeighbourIndexOptions, type BatchSearchOptions, type NeighbourIndexFiles, type RowType } from './neighbour-index.js';

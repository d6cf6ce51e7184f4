/** Public API of smoothie-router. */
export * from './smoothie/index.js';
export * from './embed/index.js';
export { runSmoothie, type SmoothieRunOptions, type SmoothieRunResult, type Regime } from './smoothie/run.js';
export { computeWeightsFromFiles, type WeightsFromFilesOptions } from './smoothie/weights-file.js';
export { summariseSelection, type SelectionSummary } from './smoothie/summary.js';
export { createBackend, BACKEND_NAMES, type Backend, type BackendName } from './compute/backend.js';
export { kNearest, KNN_METHODS, DISTANCE_METRICS, AUTO_HNSW_THRESHOLD, type KnnOptions, type Neighbours, type KnnMethod, type DistanceMetric } from './compute/knn.js';
export { ndarray, type NdArray, type FloatArray } from './compute/ndarray.js';
export { Rng } from './compute/rng.js';
export * from './data/index.js';
export { SmoothieError, UserInputError, NotFittedError } from './errors/index.js';
export * from './metrics/index.js';
export * from './baselines/index.js';
export * from './evaluate/index.js';
export { createRouter, loadRouter, Router, type RouteRequest, type RouteResult, type RouterOptions } from './route/router.js';
export { RouterConfigSchema, type RouterConfig, type RouterConfigInput } from './route/config.js';
export { ReferenceStore, type StoreSample } from './route/reference-store.js';
export { NumpyRandomState, pandasSamplePositions } from './compute/numpy-random.js';

/**
 * smoothie-router: label-free LLM selection (Smoothie), cost-aware escalation (AutoMix) and
 * inference-time ensembles. The root holds what an application needs; the rest lives on subpaths:
 * `smoothie-router/smoothie`, `/route`, `/embed`, `/data`, `/metrics`, `/automix`, `/ensemble`, `/llm`,
 * `/select`, `/baselines`, `/evaluate`, `/compute`, `/paper`, `/testing` (the fake OpenAI-compatible
 * server) and `/experimental` (ours, unpublished). Importing it does no work: no environment reads,
 * no model or backend loads.
 */

// Smoothie: fit on a batch, predict on new inputs.
export { Smoothie, FittedSmoothie, SMOOTHIE_TYPES } from './smoothie/estimator.js';
export type { SmoothieOptions, SmoothieType, SmoothieFitInput, EmbeddingArray, FittedSmoothieJson } from './smoothie/estimator.js';

// Routing: one call, or a router kept open; the strategy table; serving.
export { createRouter, loadRouter, route, type RouteOptions } from './route/router.js';
export { ROUTER_STRATEGIES, type RouterStrategy, type RouterOptions, type StrategyName } from './route/strategies.js';
export type { Router, RouteResult } from './route/router-interface.js';
export type { RouteRequest } from './route/request.js';
export type { SelectRouter, SelectResult, StoredRequest } from './route/select-router.js';
export type { EscalatingRouter, CascadeResult, CalibrationTarget, CalibrationResult } from './route/escalating-router.js';
export type { CascadeRouter } from './route/cascade-router.js';
export { RouterConfigSchema, type RouterConfig, type RouterConfigInput } from './route/config.js';
export { evaluateCascade, type CascadeEvaluation, type LabelledRequest } from './route/evaluate-cascade.js';
export { serveRouter, type ServeOptions, type RouterServer } from './route/serve-entry.js';

// Embedders.
export { createEmbedder, EMBEDDERS, type CreateEmbedderOptions } from './embed/factory.js';
export { withCache } from './embed/cache.js';
export type { Embedder, EmbedOptions } from './embed/types.js';

// AutoMix.
export { MetaVerifier, FittedMetaVerifier, type MetaVerifierName } from './automix/meta-verifier.js';
export { evaluateAutomix, type AutomixEvaluation, type AutomixEvaluateOptions } from './automix/evaluate.js';
export { loadAutomixData, type AutomixRow, type AutomixData } from './automix/data.js';

// Ensembles.
export { Ensemble, type EnsembleOptions, type EnsembleResult } from './ensemble/ensemble.js';

// Models.
export { loadModelRegistry, ModelRegistry } from './llm/registry.js';

// Arrays and files.
export { ndarray, type NdArray, type FloatArray } from './compute/ndarray.js';
export { Rng } from './compute/rng.js';
export { readNpy, writeNpy } from './data/npy.js';

// Scoring and baselines.
export { metricForTask, scoreSample, meanScore, type Metric, type MetricName } from './metrics/registry.js';
export { pickRandom, type PickRandomOptions } from './baselines/pick-random.js';
export { pickLongest, type PickLongestOptions } from './baselines/pick-longest.js';

// Errors.
export { SmoothieError, UserInputError, InvalidParameterError, NotFittedError, LlmCallError, type UserInputErrorDetails, type SmoothieErrorOptions } from './errors/index.js';

/** Routing: the strategy table, the routers (select, cascade, smoothie-cascade), their files, and serving them. */
export { createRouter, loadRouter, route, type RouteOptions, type AnyRouter } from './router.js';
export { registryCaller } from './registry-caller.js';
export type { Router, RouteResult } from './router-interface.js';
export { ROUTER_STRATEGIES, STRATEGY_NAMES, openRouter, type RouterStrategy, type RouterOptions, type StrategyName } from './strategies.js';
export { SelectRouter, type SelectResult, type StoredRequest } from './select-router.js';
export { EscalatingRouter, thresholdForRate, type CascadeResult, type CalibrationTarget, type CalibrationResult, type Assessment } from './escalating-router.js';
export { CascadeRouter } from './cascade-router.js';
export { SmoothieCascadeRouter, meanCosine } from './smoothie-cascade-router.js';
export { evaluateCascade, type CascadeEvaluation, type LabelledRequest } from './evaluate-cascade.js';
export { inputText, type RouteRequest, type ModelCaller } from './request.js';
export {
  RouterConfigSchema,
  SelectConfigSchema,
  CascadeConfigSchema,
  SmoothieCascadeConfigSchema,
  RouterFileSchema,
  ROUTER_FORMAT,
  type RouterConfig,
  type RouterConfigInput,
  type SelectConfig,
  type CascadeConfig,
  type SmoothieCascadeConfig,
  type Calibration,
  type RouterFile,
} from './config.js';
export { ReferenceStore, DEFAULT_EXACT_BELOW, type StoreSample, type ReferenceStoreOptions } from './reference-store.js';
export { serveRouter, type ServeOptions, type RouterServer, type RequestLogEntry } from './serve.js';
export type { SampleStore, SharedSampleStore } from './store.js';
export { LanceStore, DEFAULT_LANCE_TABLE, DEFAULT_REFRESH_MS, type LanceStoreOptions } from './lance-store.js';
export { LANCE_STORE_FORMAT } from './config.js';
export { migrateStore, type MigrateStoreOptions, type MigrateStoreResult } from './migrate-store.js';
export { storeUri } from './router.js';
export type { StoreLocation } from './strategies.js';

/** The LLM client layer: model registry, endpoints with retries and key rotation, the resumable call cache, the batch runner. */
export { loadModelRegistry, parseDotEnv, ModelRegistry, ModelsFileSchema, ModelEntrySchema, NO_KEY, type KeysFile, type ModelEntry, type ResolvedModel } from './registry.js';
export {
  Endpoint,
  LlmCallError,
  CallNotStarted,
  EXIT_LLM_FAILURE,
  SamplingParamsSchema,
  backoffSeconds,
  effectiveParams,
  redactKeys,
  retryAfterSeconds,
  type ChatMessage,
  type SamplingParams,
  type CompletionRequest,
  type CompletionResult,
  type CompleteOptions,
  type RetryEvent,
} from './endpoint.js';
export { GenerationCache, callKey, DEFAULT_GENERATION_CACHE, type CacheLine, type CallIdentity } from './call-cache.js';
export { runGenerationCalls, estimateCalls, type GenerationCall, type RunProgress, type RunCallsOptions, type CallEstimate } from './run-calls.js';
export { planGenerations, generationFileContent, type GenerationJob, type GenerationSettings, type PlannedCall } from './generation-plan.js';
export { generateCandidates, type GenerateOptions, type GenerateResult, type GeneratedFile } from './generate-candidates.js';
export { endpointPool } from './endpoint.js';

/** Layered inference-time ensembles: Archon-compatible architectures, Mixture-of-Agents, Smoothie and AutoMix components. */
export { Ensemble, type EnsembleOptions, type EnsembleResult, type LayerTrace, type ComponentTrace } from './ensemble.js';
export {
  parseArchitecture,
  expandMoa,
  ArchitectureSchema,
  ArchitectureFileSchema,
  ComponentSchema,
  MoaSchema,
  BUILTIN_COMPONENT_TYPES,
  type Architecture,
  type Component,
  type MoaPreset,
} from './config.js';
export {
  BUILTIN_RUNNERS,
  listCandidates,
  parseRanking,
  parseCritiques,
  type Candidate as EnsembleCandidate,
  type ComponentRunner,
  type ComponentContext,
  type ComponentOutput,
  type LayerInput,
} from './components.js';
export { PROVIDERS } from './providers.js';
export { runEnsembleBench, extractAnswer, BENCHMARKS, type BenchmarkName, type BenchOptions, type BenchSummary } from './benchmarks.js';
export {
  searchArchitectures,
  SearchSpaceSchema,
  architectureOf,
  encode,
  gpPredict,
  expectedImprovement,
  paretoOf,
  type SearchSpace,
  type SearchOptions,
  type SearchResult,
  type Evaluated,
  type Genes,
  type DevExample,
} from './search.js';
export { loadSearchSetup, searchToFiles, SEARCH_SCORERS, type SearchScorer, type SearchSetup, type SearchFilesOptions, type SearchFilesResult } from './search-files.js';

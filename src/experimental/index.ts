/**
 * Ours and unpublished: methods this library adds beyond the papers it reproduces. Their names and
 * results may change without a major version.
 */
export { SmoothieCascadeRouter, meanCosine } from '../route/smoothie-cascade-router.js';
export { coverageSelect, supportMasses, neighbourhoodMeans, COVERAGE_DEFAULTS, type CoverageOptions, type CoverageResult } from '../select/coverage.js';

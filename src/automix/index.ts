/** AutoMix: self-verification confidence, meta-verifiers, IBC/ΔIBC, the paper's evaluation protocol. */
export { loadAutomixData, resolveColumns, DEFAULT_COLUMNS, AutomixRowSchema, automixLineSchema, type AutomixColumns, type AutomixData, type AutomixRow } from './data.js';
export { tokenF1, normalizeAnswer, scoreAutomixAnswer, qualityGoldLetter, qualityPredictedLetter, AUTOMIX_DATASETS } from './scoring.js';
export {
  parseVerdict,
  verifierConfidence,
  renderVerificationPrompt,
  loadVerificationTemplate,
  VERIFICATION_SAMPLING,
  DEFAULT_VERIFICATION_TEMPLATE,
  type Verdict,
  type VerifierConfidence,
} from './verify.js';
export { CostsSchema, PAPER_COSTS, LIFT_VARIANTS, baselineOf, operatingPoint, validateCosts, type Costs, type LiftVariant, type OperatingPoint, type Baseline } from './costs.js';
export { categorize, categoryThresholds, linearQuantile, CATEGORIES, type Category } from './categories.js';
export { FAMILIES, POMDP_UNION, nearestBin, gaussianFilter1d, categoriesOf, type Family, type FamilyName, type Param, type TrainRows } from './methods.js';
export { MetaVerifier, FittedMetaVerifier, META_VERIFIERS, trainRowsOf, type MetaVerifierName, type MetaVerifierParams, type Candidate, type Escalation } from './meta-verifier.js';
export { evaluateAutomix, PAPER_METHODS, stats, type AutomixEvaluation, type AutomixEvaluateOptions, type DatasetResult, type MethodResult, type PomdpComparison } from './evaluate.js';
export { automixScoresJson, formatAutomixTable, writeAutomixOutputs, AUTOMIX_SCORES_FILE, AUTOMIX_CURVES_FILE } from './report.js';
export { generateAutomixData, ANSWER_SAMPLING, DEFAULT_ANSWER_TEMPLATE, type AutomixGenerateOptions } from './generate.js';

/** Labelled evaluation of methods and voters: scores.json, sample_scores.json, scores.svg. */
export {
  evaluateMethods,
  methodCategory,
  methodNameFromFile,
  populationStd,
  type EvaluateOptions,
  type EvaluationProblem,
  type EvaluationResult,
  type MethodCategory,
  type MethodScore,
  type OracleScore,
  type ScoredEntry,
  type TaskInfo,
  type VoterScore,
} from './score-methods.js';
export { evaluateSelections, perTaskMeans, type ChosenTexts, type EvaluateSelectionsOptions, type SelectionScore } from './evaluate-selections.js';
export {
  buildSampleScoresJson,
  buildScoresJson,
  scoresDetails,
  writeScoresFiles,
  SAMPLE_SCORES_FILE,
  SCORES_FILE,
  type WrittenScores,
} from './scores-file.js';
export { chartBars, scoresChartSvg, writeScoresChart, SCORES_CHART_FILE, type ChartBar } from './chart.js';

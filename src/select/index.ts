/** Label-free and model-based selection beyond Smoothie: MBR, vote, supported coverage (ours), reward models, LLM judges. */
export {
  MBR_UTILITIES,
  SELECTION_SCOPES,
  cosineUtilities,
  rougeLUtilities,
  expectedUtilities,
  selectByScope,
  mbrFromEmbeddings,
  mbrFromTexts,
  type MbrUtility,
  type SelectionScope,
  type Selection,
  type ScoredSelection,
  type MbrOptions,
} from './mbr.js';
export { ANSWER_KINDS, extractNumber, extractLetter, normaliseText, normaliseAnswer, detectAnswerKind, vote, type AnswerKind, type VoteOptions, type VoteResult } from './vote.js';
export { COVERAGE_DEFAULTS, coverageSelect, supportMasses, neighbourhoodMeans, type CoverageOptions, type CoverageResult } from './coverage.js';
export { inputNeighbourhoods, type Neighbourhoods } from './neighbours.js';
export { wordTokens, wordSet, wordSets, Idf } from './text.js';
export { dawidSkene, judgeModel, type JudgeReport, type DawidSkeneOptions, type DawidSkeneResult, type ScoreReport, type JudgeModelResult } from './truth-inference.js';
export { uscSelect, peerReview, uscPrompt, scorePrompt, parseUscChoice, parseScore, type JudgeSample, type JudgeContext, type JudgeCosts, type UscResult, type PeerReviewResult } from './judges.js';
export { loadRewardModel, rewardSelect, type RewardModel, type RewardModelOptions } from './reward.js';
export { runSelect, selectFileStem, SELECT_METHODS, type SelectMethod, type SelectRunOptions, type SelectRunResult } from './run.js';
export { runUsc, runPeerReview, runRewardRank, type JudgeRunOptions, type JudgeRunResult } from './judge-run.js';
export { labelFreeMethodCommands, LABEL_FREE_EMBEDDERS } from './methods.js';

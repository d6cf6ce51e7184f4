export * from './schemas.js';
export { loadDatasetConfig, modelGroup, type DatasetConfig, type ResolvedTask } from './config.js';
export { loadDatasetSplit, type DatasetSplit } from './dataset.js';
export { loadMultiModelCandidates, loadMultiPromptCandidates, type CandidateTable } from './candidates.js';
export { loadSplitData, type SplitData } from './split.js';
export * from './paths.js';
export { cleanGeneration, pythonStrip } from './clean.js';
export { readNpy, parseNpy, writeNpy, encodeNpy, toFloatNdArray, toInt32Array, toNumberArray, type NpyArray, type NpyDtype } from './npy.js';
export { readArrowMatrix, writeArrowMatrix, readArrowTable, writeArrowTable, type ArrowColumn } from './arrow.js';
export { parseJsonLenient, stringifyStrict, readJsonFile, writeJsonFile, readJsonl, writeJsonl } from './json.js';
export { writeFileAtomic, appendToFile, ensureDir, readInputFile, type FileData } from './atomic.js';
export {
  chosenGenerations,
  readSelectionFile,
  readTrialSelectionFile,
  scoreRows,
  selectionFile,
  selectionOf,
  trialChoices,
  trialsFile,
  writeSelectionFile,
  writeTrialSelectionFile,
  type ScoredSelection,
  type Selection,
  type TrialSelections,
} from './selection.js';
export { readArrowRecords } from './arrow.js';
export { readRecords, RECORD_FILE_EXTENSIONS, type SourceRecord } from './records.js';
export { readHfSplit, DEFAULT_HF_DATASETS_SERVER, type HfSplitRequest, type HfSourceOptions } from './hf-source.js';
export { parseTemplate, renderTemplate, loadSingleTemplate, loadTemplateList, DEFAULT_PROMPT_TEMPLATES_DIR, type PromptTemplate } from './templates.js';
export { buildDataset, makeDataset, DEFAULT_DATASET_SEED, type MakeDatasetOptions, type MakeDatasetResult, type BuiltSplit } from './make-dataset.js';

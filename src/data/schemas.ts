/**
 * The project's file formats as zod schemas; TypeScript types are inferred from them.
 * Field names follow the reference implementation's files (snake_case) so its data loads as is.
 */
import { z } from 'zod';

const MULTI_PROMPT_KEY = /^multi_prompt_(\d+)$/;

/** One row of `<config>_{train,test}.jsonl`. Extra columns (e.g. a category) are kept. */
export const DatasetRowSchema = z
  .looseObject({
    idx: z.number().int().nonnegative(),
    task_name: z.string(),
    /** A string, a list of acceptable strings, or mix_instruct's {text: rank}. Absent when unlabelled. */
    reference: z.union([z.string(), z.array(z.string()), z.record(z.string(), z.number())]).optional(),
    embedding_input: z.string(),
    multi_model_prompt: z.string().optional(),
  })
  .superRefine((row, ctx) => {
    for (const [key, value] of Object.entries(row)) {
      if (MULTI_PROMPT_KEY.test(key) && typeof value !== 'string') {
        ctx.addIssue({ code: 'custom', path: [key], message: `expected a string prompt, got ${typeof value}` });
      }
    }
  });
export type DatasetRow = z.infer<typeof DatasetRowSchema>;

/** Multi-model generation file: one string per sample (n·g for g generations per sample). */
export const MultiModelGenerationsSchema = z.object({ generations: z.array(z.string()) });
/** Multi-prompt generation file: per sample, one string per prompt. */
export const MultiPromptGenerationsSchema = z.object({ generations: z.array(z.array(z.string())) });

/** Value transforms a dataset config may apply to a source column (`src/data/make-dataset.ts`). */
export const COLUMN_TRANSFORMS = ['join_lines', 'after_hashes', 'good_lexicalisations'] as const;

/**
 * A value taken from a source row: a column path (`answer.normalized_aliases`, numeric segments
 * index lists: `modified_triple_sets.mtriple_set.0`), optionally transformed.
 */
export const ColumnSpecSchema = z.union([z.string().min(1), z.strictObject({ column: z.string().min(1), transform: z.enum(COLUMN_TRANSFORMS).optional() })]);
export type ColumnSpec = z.infer<typeof ColumnSpecSchema>;

/** A row position: an index (negative counts from the end) or a percentage of the rows (`"50%"`). */
const RowBoundSchema = z.union([z.number().int(), z.string().regex(/^\d+(\.\d+)?%$/, 'a percentage such as "50%"')]);

/** Where one split's rows come from. */
export const SplitSourceSchema = z.strictObject({
  /** A local file (jsonl, json, csv, parquet, arrow; relative to the config) or `hf:<dataset id>`. */
  from: z.string().min(1),
  /** Hugging Face config (subset) name. @default 'default' */
  config: z.string().optional(),
  /** Hugging Face split. @default the split being built */
  split: z.string().optional(),
  /** Keep rows [start, end) of the source before sampling (e.g. SQuAD's train = first half of validation). */
  rows: z.strictObject({ start: RowBoundSchema.optional(), end: RowBoundSchema.optional() }).optional(),
});
export type SplitSource = z.infer<typeof SplitSourceSchema>;

/** `source:` of a task config: how `smoothie make-dataset` builds the processed rows. */
export const DatasetSourceSchema = z.strictObject({
  train: SplitSourceSchema,
  test: SplitSourceSchema,
  /** Template placeholder → source value. */
  fields: z.record(z.string(), ColumnSpecSchema),
  embedding_input: ColumnSpecSchema,
  reference: ColumnSpecSchema,
  /** Source columns copied into the rows unchanged (e.g. a category for summaries). */
  keep: z.array(z.string()).optional(),
});
export type DatasetSource = z.infer<typeof DatasetSourceSchema>;

/** `dataset_configs/*.yaml`: a single task. */
export const TaskConfigSchema = z.strictObject({
  /** Name of the dataset; results go under `<results_dir>/<dataset>/`. */
  dataset: z.string().min(1),
  /** Metric/task key (cnn_dailymail, squad, gsm8k, …). @default dataset */
  task: z.string().optional(),
  description: z.string().optional(),
  /** Apply the reference's generation cleaning (§1.9) before embedding. Off for mix_instruct, alpaca, gsm8k. */
  clean_generations: z.boolean().optional(),
  max_new_tokens: z.number().int().positive().optional(),
  /** Rows sampled (seeded) from the source; 0 keeps every row. */
  train_size: z.number().int().nonnegative().optional(),
  test_size: z.number().int().nonnegative().optional(),
  /** Model groups evaluated on this dataset (names defined in the model groups file). */
  model_groups: z.array(z.string()).optional(),
  /** Model groups file, relative to this config. @default model_groups.yaml beside it */
  model_groups_file: z.string().optional(),
  /** Prompt templates (reference keys): `prompt_templates/<name>.txt` (one template) and `<name>.json` (a list). */
  multi_model_prompt_template: z.string().optional(),
  multi_prompt_template: z.string().optional(),
  /** The reference lists the task's metrics; the metric used is the task's (`src/metrics`). */
  metrics: z.array(z.string()).optional(),
  source: DatasetSourceSchema.optional(),
});

/** `dataset_configs/*.yaml`: a multi-task group (Dist-Acc, Dist-R2). */
export const GroupConfigSchema = z.strictObject({
  dataset: z.string().min(1),
  description: z.string().optional(),
  /** Task configs, relative to this file. */
  tasks: z.array(z.string()).min(1),
  max_new_tokens: z.number().int().positive().optional(),
  model_groups: z.array(z.string()).optional(),
  model_groups_file: z.string().optional(),
});

export const ModelGroupsFileSchema = z.strictObject({
  /** group name → voter (model) names, in voter order. */
  groups: z.record(z.string(), z.array(z.string()).min(1)),
});

export type TaskConfig = z.infer<typeof TaskConfigSchema>;
export type GroupConfig = z.infer<typeof GroupConfigSchema>;

/** Any JS number, NaN and ±Infinity included (the reference writes them as bare tokens). */
const anyNumber = z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' });

/**
 * A method's selection file in the method folder: the reference's `{generations, smoothie_weights}`
 * plus, in ours, the chosen voter indices, the voter names and how the file was made.
 */
export const SelectionFileSchema = z.object({
  /** The selected (raw) generation per sample. */
  generations: z.array(z.string()),
  /** Per-sample weights; null in our files where a weight is undefined (NaN/±Infinity). */
  smoothie_weights: z.array(z.array(anyNumber.nullable())).optional(),
  selected: z.array(z.number().int().nonnegative()).optional(),
  voters: z.array(z.string()).optional(),
  meta: z.looseObject({ method: z.string() }).optional(),
});
export type SelectionFile = z.infer<typeof SelectionFileSchema>;

/**
 * A trial-based method's file (pick-random, labeled-oracle, labeled-knn): the reference's
 * `{generations: [[n strings] × trials]}` plus, in ours, the chosen voters per trial.
 */
export const TrialSelectionFileSchema = z.object({
  generations: z.array(z.array(z.string())).min(1),
  selected: z.array(z.array(z.number().int().nonnegative())).optional(),
  voters: z.array(z.string()).optional(),
  meta: z.looseObject({ method: z.string() }).optional(),
});
export type TrialSelectionFile = z.infer<typeof TrialSelectionFileSchema>;

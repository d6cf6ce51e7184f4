/**
 * Architecture files for layered ensembles, compatible with Archon's JSON: `{name, layers: Component[][]}`.
 * Known fields are typed; a component's other fields are kept as given (Archon configs carry
 * type-specific extras), so a file written for Archon loads unchanged. Errors name the layer, the
 * component index and the field. A `moa` entry (Mixture-of-Agents) expands to proposer, aggregator and
 * final layers.
 *
 * Archon's other layer forms load as Archon reads them: the deprecated `{"branches": n, "models": [...]}`
 * is the layer `models` (Archon ignores `branches`, and so do we), and a lone component object is a
 * one-component layer. An empty `model_type` ("", as Archon's PairRM rankers have) means none. Layers
 * of `unit_test_generator`s may come before the first generator: Archon writes the query's unit tests
 * before any candidate exists. The first layer that makes candidates needs a generator (or a custom
 * component); Archon's configs may put fusers beside it, which then see no candidates.
 */
import { z } from 'zod';
import { UserInputError } from '../errors/index.js';

/** Archon's component types, plus ours (`smoothie`, `automix`). Custom types register at run time. */
export const BUILTIN_COMPONENT_TYPES = ['generator', 'fuser', 'critic', 'ranker', 'verifier', 'unit_test_generator', 'unit_test_evaluator', 'smoothie', 'automix'] as const;
/** Built-in types that call a model. */
const MODEL_COMPONENTS = new Set(['generator', 'fuser', 'critic', 'ranker', 'verifier', 'unit_test_generator', 'unit_test_evaluator', 'automix']);

const GenerationFields = {
  /** A model registry name, or a provider's model id together with `model_type`. */
  model: z.string().min(1).optional(),
  /** Archon's access point (`Together_API`, …); "" is none. */
  model_type: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().positive().optional(),
  /** Calls (generator: answers) per model. @default 1 */
  samples: z.number().int().positive().optional(),
  /** Candidates kept by rankers, verifiers, `smoothie`. */
  top_k: z.number().int().positive().optional(),
};

export const ComponentSchema = z.looseObject({ type: z.string().min(1), ...GenerationFields });
export type Component = z.infer<typeof ComponentSchema>;

/** Mixture-of-Agents (Wang et al.): proposers answer, aggregators refine the previous answers, a final model synthesises. */
export const MoaSchema = z.strictObject({
  type: z.literal('moa'),
  proposers: z.array(z.string().min(1)).min(1),
  /** Aggregator layers between the proposers and the final model. @default 1 */
  rounds: z.number().int().nonnegative().optional(),
  /** Models of each aggregator layer. @default the proposers */
  aggregators: z.array(z.string().min(1)).min(1).optional(),
  final: z.string().min(1),
  model_type: z.string().optional(),
  proposer: z.strictObject(GenerationFields).partial().optional(),
  aggregator: z.strictObject(GenerationFields).partial().optional(),
  final_params: z.strictObject(GenerationFields).partial().optional(),
});
export type MoaPreset = z.infer<typeof MoaSchema>;

/** Archon's deprecated layer form: `branches` (ignored by Archon) and the layer's components. */
const BranchesLayerSchema = z.looseObject({ branches: z.number().int().nonnegative().optional(), models: z.array(z.unknown()).min(1) });

/** An architecture file as Archon writes it: each layer a component list, a `branches` form or a preset (`moa`). */
export const ArchitectureFileSchema = z.looseObject({
  name: z.string().min(1),
  layers: z.array(z.union([z.array(z.unknown()).min(1), BranchesLayerSchema, z.looseObject({ type: z.string() })])).min(1),
});

/** An architecture as the ensemble runs it (what `parseArchitecture` returns): layers of components, presets expanded. */
export const ArchitectureSchema = z.object({
  name: z.string().min(1),
  layers: z.array(z.array(ComponentSchema).readonly()).readonly(),
});
export type Architecture = Readonly<z.infer<typeof ArchitectureSchema>>;

/** Types that only add to the shared state (no candidates): they may precede the first generating layer. */
export const STATE_ONLY_TYPES: ReadonlySet<string> = new Set(['unit_test_generator']);

function issueLine(error: z.ZodError): { message: string; path: string } {
  const issue = error.issues[0];
  return { message: issue.message, path: issue.path.join('.') };
}

/** The MoA preset as ordinary layers: generators, then fusers that see the previous layer's answers in their system prompt. */
export function expandMoa(preset: MoaPreset): Component[][] {
  const common = preset.model_type !== undefined ? { model_type: preset.model_type } : {};
  const proposers = preset.proposers.map((model) => ({ type: 'generator', model, ...common, ...preset.proposer }));
  const aggregators = Array.from({ length: preset.rounds ?? 1 }, () =>
    (preset.aggregators ?? preset.proposers).map((model) => ({ type: 'fuser', model, system_prompt: true, ...common, ...preset.aggregator })),
  );
  return [proposers, ...aggregators, [{ type: 'fuser', model: preset.final, system_prompt: true, ...common, ...preset.final_params }]];
}

/**
 * Validates an architecture (parsed JSON). `knownTypes` are the component types available (built-ins
 * plus registered custom ones); `file` names the source in errors.
 */
export function parseArchitecture(raw: unknown, options: { readonly file?: string; readonly knownTypes?: readonly string[] } = {}): Architecture {
  const file = options.file;
  const known = new Set(options.knownTypes ?? BUILTIN_COMPONENT_TYPES);
  const top = ArchitectureFileSchema.safeParse(raw);
  if (!top.success) {
    const { message, path } = issueLine(top.error);
    throw new UserInputError(message, { file, field: path || undefined });
  }
  const layers: Component[][] = [];
  top.data.layers.forEach((form, l) => {
    const layer: readonly unknown[] = Array.isArray(form) ? form : 'models' in form && Array.isArray(form.models) ? form.models : [form];
    const expanded: Component[] = [];
    layer.forEach((entry, c) => {
      const where = (field?: string): string => `layer ${l}, component ${c}${field ? `, field '${field}'` : ''}`;
      if (typeof entry === 'object' && entry !== null && (entry as { type?: unknown }).type === 'moa') {
        const moa = MoaSchema.safeParse(entry);
        if (!moa.success) {
          const { message, path } = issueLine(moa.error);
          throw new UserInputError(`${where(path)}: ${message}`, { file });
        }
        if (layer.length !== 1) throw new UserInputError(`${where()}: a moa preset must be alone in its layer`, { file });
        layers.push(...expandMoa(moa.data));
        return;
      }
      const component = ComponentSchema.safeParse(entry);
      if (!component.success) {
        const { message, path } = issueLine(component.error);
        throw new UserInputError(`${where(path)}: ${message}`, { file });
      }
      if (!known.has(component.data.type)) {
        throw new UserInputError(`${where('type')}: unknown component type '${component.data.type}' (known: ${[...known].join(', ')})`, { file });
      }
      if (MODEL_COMPONENTS.has(component.data.type) && component.data.model === undefined) throw new UserInputError(`${where('model')}: a ${component.data.type} needs a model`, { file });
      const { model_type: modelType, ...rest } = component.data;
      expanded.push(modelType === undefined || modelType.trim() === '' ? rest : { ...rest, model_type: modelType });
    });
    if (expanded.length > 0) layers.push(expanded);
  });
  const custom = (type: string): boolean => !(BUILTIN_COMPONENT_TYPES as readonly string[]).includes(type);
  // Archon runs whatever the first layer holds on no candidates; it must generate some (a generator or
  // a custom component; an Archon config may put fusers beside its generators there).
  const first = layers.findIndex((layer) => layer.some((c) => !STATE_ONLY_TYPES.has(c.type)));
  if (first < 0 || !layers[first].some((c) => c.type === 'generator' || custom(c.type))) {
    throw new UserInputError(`layer ${Math.max(first, 0)}: the first layer must generate (a 'generator' or a custom component; only unit_test_generator layers may come before it)`, { file });
  }
  return { name: top.data.name, layers };
}

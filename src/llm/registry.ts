/**
 * The model registry (`models.yaml`): name → OpenAI-compatible endpoint, model id, where its API keys
 * come from, chat or completion mode, and the endpoint's limits.
 *
 *   keys_file: secrets.yaml          # optional: {ENV_NAME: key or [keys]}, for users who keep keys in a file
 *   models:
 *     mistral-7b:
 *       base_url: http://127.0.0.1:8000/v1
 *       model: mistralai/Mistral-7B-Instruct-v0.2
 *       api_key_env: [TOGETHER_API_KEY, TOGETHER_API_KEY_BACKUP]
 *       api_keys: [...]              # optional: key values written here, for users who prefer that
 *       mode: chat                   # or completion
 *       max_concurrency: 16
 *       requests_per_minute: 600
 *
 * Keys, in rotation order (duplicates once): for each name in `api_key_env`, the environment variable,
 * or failing that the `keys_file` entry of that name, then the numbered variants (`NAME_2`, `NAME_3`,
 * …, looked up the same way), so adding a key needs no config change; then the model's `api_keys`.
 * A model with neither `api_key_env` nor `api_keys` (a local server) sends a placeholder key. Key
 * values never leave this module except to the HTTP client.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { UserInputError } from '../errors/index.js';
import { readInputFile } from '../data/atomic.js';
import { parseWith } from '../data/validate.js';
import { readYamlFile } from '../data/yaml.js';
import { SamplingParamsSchema } from './sampling.js';

export const ModelEntrySchema = z.strictObject({
  base_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8000/v1' }),
  /** Model id sent to the server. */
  model: z.string().min(1),
  api_key_env: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Key values themselves, tried after the environment's (see the module comment). */
  api_keys: z.array(z.string().min(1)).min(1).optional(),
  mode: z.enum(['chat', 'completion']).default('chat'),
  max_concurrency: z.number().int().positive().default(8),
  requests_per_minute: z.number().positive().optional(),
  timeout_s: z.number().positive().default(60),
  max_retries: z.number().int().nonnegative().default(6),
  /** Sampling defaults for this model; call parameters override them. */
  params: SamplingParamsSchema.optional(),
  /** Cost of one call in your unit (e.g. dollars), for cost accounting. */
  cost: z.number().nonnegative().optional(),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

export const ModelsFileSchema = z.strictObject({
  keys_file: z.string().optional(),
  models: z.record(z.string().min(1), ModelEntrySchema),
});

const KeysFileSchema = z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1))]));
/** A `keys_file`: environment variable name → key, or keys. */
export type KeysFile = z.infer<typeof KeysFileSchema>;

/** Placeholder sent to servers that need no key (the SDK requires one). */
export const NO_KEY = 'sk-no-key-required';
const MAX_NUMBERED_KEYS = 20;

export interface ResolvedModel extends ModelEntry {
  readonly name: string;
  /** Keys in rotation order; never log these. */
  readonly keys: readonly string[];
}

/**
 * The model registry: name → OpenAI-compatible endpoint, model id, API keys and limits (`models.yaml`, or an object).
 *
 * @example
 * ```ts
 * const registry = ModelRegistry.fromObject({ models: { small: { base_url: 'http://127.0.0.1:8000/v1', model: 'llama-3-8b' } } });
 * registry.resolve('small').base_url;
 * ```
 */
export class ModelRegistry {
  /** Resolved once per name: runners resolve every call, and environment lookups are not free. */
  private readonly resolved = new Map<string, ResolvedModel>();

  constructor(
    /** Where the registry came from (for messages). */
    readonly source: string,
    private readonly entries: Readonly<Record<string, ModelEntry>>,
    private readonly keyLookup: (name: string) => string[],
  ) {}

  get names(): string[] {
    return Object.keys(this.entries);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.entries, name);
  }

  /** The model with its keys resolved; an unknown model or a missing key is a one-line error. */
  resolve(name: string): ResolvedModel {
    let model = this.resolved.get(name);
    if (model === undefined) {
      model = this.resolveNow(name);
      this.resolved.set(name, model);
    }
    return model;
  }

  private resolveNow(name: string): ResolvedModel {
    if (!this.has(name)) {
      throw new UserInputError(`unknown model '${name}' (defined: ${this.names.join(', ') || 'none'})`, { file: this.source, field: 'models' });
    }
    const entry = this.entries[name];
    if (entry.api_key_env === undefined && entry.api_keys === undefined) return { ...entry, name, keys: [NO_KEY] };
    const names = entry.api_key_env === undefined ? [] : typeof entry.api_key_env === 'string' ? [entry.api_key_env] : entry.api_key_env;
    const keys = [...new Set([...names.flatMap((n) => this.keyLookup(n)), ...(entry.api_keys ?? [])])];
    if (keys.length === 0) {
      throw new UserInputError(`model '${name}': no API key found in ${names.map((n) => `$${n}`).join(', ')} (set it in the environment or in keys_file)`, {
        file: this.source,
        field: `models.${name}.api_key_env`,
      });
    }
    return { ...entry, name, keys };
  }

  /** A registry from an object (tests, library users); keys from `env`. */
  static fromObject(value: unknown, options: { readonly env?: NodeJS.ProcessEnv; readonly source?: string; readonly keysFile?: KeysFile } = {}): ModelRegistry {
    const source = options.source ?? 'model registry';
    const parsed = parseWith(ModelsFileSchema, value, { file: source });
    const env = options.env ?? process.env;
    const fileKeys = options.keysFile ?? {};
    const lookup = (name: string): string[] => {
      const one = (n: string): string[] => {
        const fromEnv = env[n];
        if (fromEnv) return [fromEnv];
        const fromFile = fileKeys[n];
        return fromFile === undefined ? [] : typeof fromFile === 'string' ? [fromFile] : fromFile;
      };
      const keys = [...one(name)];
      for (let i = 2; i <= MAX_NUMBERED_KEYS; i++) keys.push(...one(`${name}_${i}`));
      return keys;
    };
    return new ModelRegistry(source, parsed.models, lookup);
  }
}

/**
 * A `.env` file as a keys map (Archon keeps keys this way), read by dotenv's parser: `NAME=value`
 * lines, optional `export `, quotes, `#` comments (inline ones too), multi-line quoted values; empty
 * values are left out. dotenv skips a line it cannot read; here that line is an error named by its
 * number (values never appear in errors).
 */
export function parseDotEnv(text: string, file: string): KeysFile {
  let quote: string | undefined; // the quote of a multi-line value still open
  text.split(/\r?\n/).forEach((line, i) => {
    if (quote !== undefined) {
      if (line.includes(quote)) quote = undefined;
      return;
    }
    if (/^\s*(#|$)/.test(line)) return;
    const m = /^\s*(?:export\s+)?[\w.-]+\s*=\s*(['"`]?)(.*)$/.exec(line);
    if (!m) throw new UserInputError('expected NAME=value', { file, row: i + 1 });
    if (m[1] !== '' && !m[2].includes(m[1])) quote = m[1];
  });
  // Loaded here, not at import: dotenv is CommonJS and only keys files need it.
  const dotenv = createRequire(import.meta.url)('dotenv') as typeof import('dotenv');
  return Object.fromEntries(Object.entries(dotenv.parse(text)).filter(([, value]) => value !== ''));
}

/**
 * Loads `models.yaml` (and its `keys_file`, relative to it: YAML/JSON `{NAME: key or [keys]}` or a `.env` file).
 *
 * @example
 * ```ts
 * const registry = await loadModelRegistry('models.yaml');
 * const router = await createRouter({ strategy: 'cascade', slm: 'llama-13b', llm: 'llama-70b' }, { registry });
 * ```
 */
export async function loadModelRegistry(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ModelRegistry> {
  const raw = await readYamlFile(file);
  if (raw === null || raw === undefined) throw new UserInputError('is empty (expected a `models:` map)', { file });
  const parsed = parseWith(ModelsFileSchema, raw, { file });
  let keysFile: KeysFile | undefined;
  if (parsed.keys_file !== undefined) {
    const keysPath = path.resolve(path.dirname(file), parsed.keys_file);
    keysFile = keysPath.endsWith('.env') ? parseDotEnv((await readInputFile(keysPath)).toString('utf8'), keysPath) : parseWith(KeysFileSchema, await readYamlFile(keysPath), { file: keysPath });
  }
  return ModelRegistry.fromObject(raw, { env, source: file, keysFile });
}

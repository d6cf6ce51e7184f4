/**
 * Archon's `model_type` access points as OpenAI-compatible endpoints, for components whose model is not
 * in the model registry. Each reads its key from the environment variable Archon uses (numbered
 * variants rotate, as in the registry).
 */
import { UserInputError } from '../errors/index.js';

export const PROVIDERS: Readonly<Record<string, { readonly base_url: string; readonly api_key_env?: string; readonly modelPrefix?: string }>> = {
  OpenAI_API: { base_url: 'https://api.openai.com/v1', api_key_env: 'OPENAI_API_KEY' },
  Together_API: { base_url: 'https://api.together.xyz/v1', api_key_env: 'TOGETHER_API_KEY' },
  Groq_API: { base_url: 'https://api.groq.com/openai/v1', api_key_env: 'GROQ_API_KEY' },
  Anthropic_API: { base_url: 'https://api.anthropic.com/v1', api_key_env: 'ANTHROPIC_API_KEY' },
  Google_API: { base_url: 'https://generativelanguage.googleapis.com/v1beta/openai', api_key_env: 'GEMINI_API_KEY' },
  // Getters: the environment is read when a provider is used, not when the library is imported.
  tgi: {
    get base_url() {
      return process.env.TGI_BASE_URL ?? 'http://127.0.0.1:8080/v1';
    },
  },
  // Archon runs vLLM in-process; here it is a vLLM OpenAI-compatible server.
  vLLM: {
    get base_url() {
      return process.env.VLLM_BASE_URL ?? 'http://127.0.0.1:8000/v1';
    },
  },
  // Bedrock's OpenAI-compatible endpoint (a Bedrock API key); Archon's litellm ids carry a `bedrock/` prefix.
  Bedrock_API: {
    get base_url() {
      return process.env.BEDROCK_BASE_URL ?? `https://bedrock-runtime.${process.env.AWS_REGION ?? 'us-east-1'}.amazonaws.com/openai/v1`;
    },
    api_key_env: 'AWS_BEARER_TOKEN_BEDROCK',
    modelPrefix: 'bedrock/',
  },
};

/** A registry entry for `model` served by `modelType`, or a one-line error saying how to add it. */
export function providerEntry(model: string, modelType: string | undefined, where: string): { base_url: string; model: string; api_key_env?: string } {
  const provider = modelType === undefined ? undefined : PROVIDERS[modelType];
  if (!provider) {
    throw new UserInputError(
      `${where}: model '${model}' is not in the model registry${modelType ? ` and model_type '${modelType}' has no OpenAI-compatible endpoint here (known: ${Object.keys(PROVIDERS).join(', ')})` : ''}; add it to models.yaml`,
      { field: 'model' },
    );
  }
  const { modelPrefix, ...endpoint } = provider;
  return { ...endpoint, model: modelPrefix !== undefined && model.startsWith(modelPrefix) ? model.slice(modelPrefix.length) : model };
}

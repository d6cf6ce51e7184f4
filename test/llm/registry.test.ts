import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/errors/index.js';
import { loadModelRegistry, ModelRegistry, NO_KEY, parseDotEnv } from '../../src/llm/registry.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-registry-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The one-line error a bad registry gives (exit 2), or a failure if none. */
async function loadError(p: string, env: NodeJS.ProcessEnv = {}): Promise<UserInputError> {
  try {
    await loadModelRegistry(p, env);
  } catch (e) {
    if (UserInputError.isUserInputError(e)) return e;
    throw e;
  }
  throw new Error(`${p} loaded without an error`);
}

const URL_ = 'base_url: "http://127.0.0.1:1/v1"';

describe('models.yaml', () => {
  it('fills the defaults and keeps per-model sampling defaults', async () => {
    const reg = await loadModelRegistry(file('defaults.yaml', `models:\n  local: {${URL_}, model: w, params: {temperature: 0.3, max_tokens: 9}}\n`), {});
    const m = reg.resolve('local');
    expect(m).toMatchObject({ name: 'local', model: 'w', mode: 'chat', max_concurrency: 8, timeout_s: 60, max_retries: 6, keys: [NO_KEY], params: { temperature: 0.3, max_tokens: 9 } });
    expect(m.requests_per_minute).toBeUndefined();
    expect(reg.names).toEqual(['local']);
  });

  it('takes keys from the environment, then keys_file, numbered variants, then api_keys', async () => {
    file('keys.yaml', 'FILE_KEY: from-file\nENV_KEY: shadowed-by-env\nENV_KEY_3: [file-3a, file-3b]\n');
    const reg = await loadModelRegistry(
      file(
        'keys-models.yaml',
        [
          'keys_file: keys.yaml',
          'models:',
          `  a: {${URL_}, model: x, api_key_env: ENV_KEY}`,
          `  b: {${URL_}, model: y, api_key_env: [FILE_KEY, ENV_KEY], api_keys: [inline-1, from-file]}`,
          `  c: {${URL_}, model: z, api_keys: [inline-only]}`,
          '',
        ].join('\n'),
      ),
      { ENV_KEY: 'k1', ENV_KEY_2: 'k2' },
    );
    expect(reg.resolve('a').keys).toEqual(['k1', 'k2', 'file-3a', 'file-3b']);
    // Duplicates once, in first-seen order.
    expect(reg.resolve('b').keys).toEqual(['from-file', 'k1', 'k2', 'file-3a', 'file-3b', 'inline-1']);
    expect(reg.resolve('c').keys).toEqual(['inline-only']);
    // Resolving again gives the same object (resolved once), and the keys file was not mutated.
    expect(reg.resolve('a')).toBe(reg.resolve('a'));
    expect(reg.resolve('a').keys).toEqual(['k1', 'k2', 'file-3a', 'file-3b']);
  });

  it('bad input: one line naming the file and the field, exit code 2', async () => {
    const cases: [string, string, RegExp][] = [
      ['bad-url.yaml', 'models:\n  a: {base_url: "not a url", model: x}\n', /bad-url\.yaml, field 'models\.a\.base_url': must be an http\(s\) URL/],
      ['bad-scheme.yaml', 'models:\n  a: {base_url: "ftp://127.0.0.1/v1", model: x}\n', /field 'models\.a\.base_url'/],
      ['bad-mode.yaml', `models:\n  a: {${URL_}, model: x, mode: stream}\n`, /field 'models\.a\.mode'/],
      ['bad-conc.yaml', `models:\n  a: {${URL_}, model: x, max_concurrency: 0}\n`, /field 'models\.a\.max_concurrency'/],
      ['typo.yaml', `models:\n  a: {${URL_}, model: x, max_retry: 3}\n`, /field 'models\.a'.*max_retry/],
      ['no-models.yaml', 'model: {}\n', /no-models\.yaml/],
      ['empty.yaml', '# nothing\n', /empty\.yaml: is empty \(expected a `models:` map\)/],
      ['bad-yaml.yaml', 'models: [unclosed\n', /bad-yaml\.yaml, line 2: invalid YAML/],
    ];
    for (const [name, text, pattern] of cases) {
      const error = await loadError(file(name, text));
      expect(error.message, name).toMatch(pattern);
      expect(error.message.includes('\n'), name).toBe(false);
      expect(error.exitCode, name).toBe(2);
    }
    expect((await loadError(path.join(dir, 'absent.yaml'))).message).toMatch(/absent\.yaml: file not found/);
    expect((await loadError(file('missing-keys-file.yaml', `keys_file: nope.yaml\nmodels:\n  a: {${URL_}, model: x}\n`))).message).toMatch(/nope\.yaml: file not found/);
  });

  it('an unknown model or a missing key variable is a one-line error naming the registry and field', async () => {
    const p = file('resolve.yaml', `models:\n  a: {${URL_}, model: x, api_key_env: [MISSING, ALSO_MISSING]}\n  b: {${URL_}, model: y}\n`);
    const reg = await loadModelRegistry(p, {});
    expect(() => reg.resolve('nope')).toThrow(/resolve\.yaml, field 'models': unknown model 'nope' \(defined: a, b\)/);
    let error: unknown;
    try {
      reg.resolve('a');
    } catch (e) {
      error = e;
    }
    expect(UserInputError.isUserInputError(error)).toBe(true);
    expect((error as UserInputError).message).toMatch(/field 'models\.a\.api_key_env': model 'a': no API key found in \$MISSING, \$ALSO_MISSING/);
    expect((error as UserInputError).exitCode).toBe(2);
  });

  it('fromObject validates like the file loader', () => {
    expect(() => ModelRegistry.fromObject({ models: { a: { model: 'x' } } }, { source: 'inline' })).toThrow(/inline, field 'models\.a\.base_url'/);
  });
});

describe('keys from a .env file', () => {
  it('reads NAME=value lines (export, quotes, comments), numbered keys rotate, bad lines are named by number', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-dotenv-'));
    writeFileSync(path.join(dir, '.env'), '# keys\nexport OPENAI_API_KEY="sk-one"\nOPENAI_API_KEY_2=sk-two\n\nEMPTY=\n');
    writeFileSync(path.join(dir, 'models.yaml'), 'keys_file: .env\nmodels:\n  gpt: {base_url: "https://example.invalid/v1", model: gpt-4o, api_key_env: OPENAI_API_KEY}\n');
    const registry = await loadModelRegistry(path.join(dir, 'models.yaml'), {});
    expect(registry.resolve('gpt').keys).toEqual(['sk-one', 'sk-two']);
    expect(() => parseDotEnv('GOOD=1\nnot a pair sk-secret\n', 'x.env')).toThrow(/x\.env, line 2: expected NAME=value$/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops inline comments, reads multi-line quoted values, and names a bad line after them (dotenv)', () => {
    const text = 'A=sk-a # production key\nB=\'sk b\'\r\nMULTI="line one\nline two"\nC=sk-c\n';
    expect(parseDotEnv(text, 'k.env')).toEqual({ A: 'sk-a', B: 'sk b', MULTI: 'line one\nline two', C: 'sk-c' });
    const error = (() => {
      try {
        parseDotEnv(`${text}oops sk-secret\n`, 'k.env');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toMatch(/k\.env, line 6: expected NAME=value$/);
    expect(error).not.toContain('sk-');
  });
});

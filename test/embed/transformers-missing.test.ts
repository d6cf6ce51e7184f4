// @huggingface/transformers is an optional peer dependency: without it every other embedder works and
// `transformers:` fails with one line naming the install command.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

// A resolve hook that hides the package, as in an app that did not install it.
const HOOK = `
export async function resolve(specifier, context, next) {
  if (specifier === '@huggingface/transformers' || specifier.startsWith('@huggingface/transformers/')) {
    const error = new Error("Cannot find package '@huggingface/transformers' imported from " + context.parentURL);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
const REGISTER = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));`;

function runWithoutTransformers(script: string) {
  return spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('transformers embedder without @huggingface/transformers installed', () => {
  it('the library loads, hash embeds, transformers: names the install command', () => {
    const index = pathToFileURL(path.join(ROOT, 'dist/index.js')).href;
    const r = runWithoutTransformers(`
      const lib = await import(${JSON.stringify(index)});
      const hash = await lib.createEmbedder('hash');
      const out = await hash.embed(['a b c']);
      console.log('hash', out.shape.join('x'));
      try { await lib.createEmbedder('transformers:Xenova/all-MiniLM-L6-v2'); console.log('no error'); }
      catch (e) { console.log('error', e.constructor.name, e.message); }
    `);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('hash 1x1024');
    const line = r.stdout.split('\n').find((l) => l.startsWith('error')) ?? '';
    expect(line).toContain('npm install @huggingface/transformers');
    expect(line).toContain('UserInputError');
  });

  it('the CLI answers one line and exit 2', () => {
    const cli = path.join(ROOT, 'dist/cli/main.js');
    const r = runWithoutTransformers(`
      process.argv = [process.argv[0], ${JSON.stringify(cli)}, 'run', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model',
        '--type', 'sample_independent', '--embedder', 'transformers:Xenova/all-MiniLM-L6-v2', '--results-dir', ${JSON.stringify(path.join(ROOT, 'node_modules/.tmp-tm'))}, '--quiet'];
      await import(${JSON.stringify(pathToFileURL(cli).href)});
    `);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('npm install @huggingface/transformers');
  });
});

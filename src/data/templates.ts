/**
 * Prompt templates (`prompt_templates/`): `<name>.txt` holds one template (multi-model), `<name>.json`
 * a list (multi-prompt, one voter per template). Placeholders follow Python's `str.format`, as the
 * reference's templates do: `{field}` is replaced, `{{` and `}}` are literal braces.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserInputError } from '../errors/index.js';
import { readInputFile } from './atomic.js';
import { parseJsonLenient } from './json.js';
import { parseWith } from './validate.js';

/** The package's own folder (dist/data/ → ../../), where `prompt_templates/` ships. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A shipped file: the copy under the working directory when there is one (a checkout, or the user's own), else the package's. */
export function shippedPath(relative: string): string {
  return existsSync(relative) ? relative : path.join(PACKAGE_ROOT, relative);
}

export const DEFAULT_PROMPT_TEMPLATES_DIR = shippedPath('prompt_templates');

/** A parsed template: literal text and placeholder names, alternating (text, name, text, …, text). */
export interface PromptTemplate {
  readonly file: string;
  readonly parts: readonly string[];
  readonly placeholders: readonly string[];
}

/** Parses `str.format` syntax; stray braces are an error naming the file and position. */
export function parseTemplate(text: string, file: string): PromptTemplate {
  const parts: string[] = [];
  const placeholders: string[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === '{' || c === '}') && text[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '{') {
      const end = text.indexOf('}', i);
      const name = end < 0 ? '' : text.slice(i + 1, end);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new UserInputError(`bad placeholder at character ${i}: expected {name} (write {{ for a literal brace)`, { file });
      }
      parts.push(literal);
      placeholders.push(name);
      literal = '';
      i = end;
    } else if (c === '}') {
      throw new UserInputError(`single '}' at character ${i} (write }} for a literal brace)`, { file });
    } else {
      literal += c;
    }
  }
  parts.push(literal);
  return { file, parts, placeholders };
}

/** Fills a template's placeholders; a missing field names the template and the placeholder. */
export function renderTemplate(template: PromptTemplate, fields: Readonly<Record<string, string>>): string {
  let out = template.parts[0];
  template.placeholders.forEach((name, j) => {
    const value = fields[name];
    if (value === undefined) {
      throw new UserInputError(`placeholder {${name}} has no value: add it to the config's source.fields (have: ${Object.keys(fields).join(', ') || 'none'})`, {
        file: template.file,
      });
    }
    out += value + template.parts[j + 1];
  });
  return out;
}

/** A template file (one template). */
export async function loadTemplateFile(file: string): Promise<PromptTemplate> {
  return parseTemplate((await readInputFile(file)).toString('utf8'), file);
}

/** `<dir>/<name>.txt`. */
export function loadSingleTemplate(dir: string, name: string): Promise<PromptTemplate> {
  return loadTemplateFile(path.join(dir, `${name}.txt`));
}

export async function loadTemplateList(dir: string, name: string): Promise<PromptTemplate[]> {
  const file = path.join(dir, `${name}.json`);
  const list = parseWith(z.array(z.string()).min(1), parseJsonLenient((await readInputFile(file)).toString('utf8'), file), { file });
  return list.map((text, i) => parseTemplate(text, `${file} [${i}]`));
}

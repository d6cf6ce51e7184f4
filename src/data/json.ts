/**
 * JSON and JSON Lines in and out. Reading is lenient in one way only: it accepts Python's bare
 * `NaN`, `Infinity` and `-Infinity` tokens, which the reference implementation's json.dumps
 * writes for undefined weights. Writing is strict JSON (see {@link stringifyStrict}). Syntax
 * errors are one-line user errors naming the file, line and column. All writes are atomic.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { UserInputError } from '../errors/index.js';
import { readInputFile, writeFileAtomic } from './atomic.js';

/**
 * Replaces bare NaN / Infinity tokens outside string literals so that JSON.parse accepts the text:
 * Infinity becomes `1e999` (which JSON.parse reads as Infinity, and `-1e999` as -Infinity), NaN a
 * string literal `nanJson` that the caller turns back into NaN. Undefined when there is nothing to
 * replace. Strings are skipped with indexOf, so the scan runs at native speed on large files.
 */
function replacePythonTokens(text: string, nanJson: string): { text: string; nanCount: number } | undefined {
  const next = /["NI]/g;
  const parts: string[] = [];
  let copied = 0;
  let nanCount = 0;
  for (let m = next.exec(text); m !== null; m = next.exec(text)) {
    const at = m.index;
    if (m[0] === '"') {
      let end = at;
      do {
        end = text.indexOf('"', end + 1);
        if (end === -1) return undefined; // unterminated string: let the error report find it
      } while (isEscaped(text, end));
      next.lastIndex = end + 1;
    } else if (isToken(text, at, 'NaN')) {
      parts.push(text.slice(copied, at), nanJson);
      copied = next.lastIndex = at + 3;
      nanCount++;
    } else if (isToken(text, at, 'Infinity')) {
      parts.push(text.slice(copied, at), '1e999');
      copied = next.lastIndex = at + 8;
    }
  }
  if (copied === 0) return undefined;
  parts.push(text.slice(copied));
  return { text: parts.join(''), nanCount };
}

/** Whether `word` stands alone at `at` (so `1Infinity` or `Infinity1` do not become valid numbers). */
function isToken(text: string, at: number, word: string): boolean {
  return text.startsWith(word, at) && !/[\w.]/.test(text.charAt(at - 1)) && !/[\w.]/.test(text.charAt(at + word.length));
}

/** Whether the quote at `quote` is escaped (preceded by an odd number of backslashes). */
function isEscaped(text: string, quote: number): boolean {
  let i = quote - 1;
  while (text.charCodeAt(i) === 92) i--;
  return (quote - 1 - i) % 2 === 1;
}

/**
 * Replaces every `placeholder` string in a parsed value by NaN, in place, and returns the value
 * and how many it replaced. A loop with a stack: 4× faster than a JSON.parse reviver on large
 * files, and no recursion limit on deep nesting.
 */
function restoreNaN(root: unknown, placeholder: string): { value: unknown; count: number } {
  if (root === placeholder) return { value: NaN, count: 1 };
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (v === placeholder) {
          node[i] = NaN;
          count++;
        } else if (typeof v === 'object' && v !== null) stack.push(v);
      }
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, v] of Object.entries(node)) {
        if (v === placeholder) {
          // defineProperty, not assignment: a "__proto__" key is an own property after JSON.parse.
          Object.defineProperty(node, key, { value: NaN, writable: true, enumerable: true, configurable: true });
          count++;
        } else if (typeof v === 'object' && v !== null) stack.push(v);
      }
    }
  }
  return { value: root, count };
}

/** `firstLine`: the file line `text` starts on (JSON Lines), for error messages. */
function parseLenientAt(text: string, file: string | undefined, firstLine: number): unknown {
  try {
    return JSON.parse(text);
  } catch (strictError) {
    // The NUL (escaped in the JSON) makes a clash with a real string unlikely; the count check
    // below catches one anyway, and then we retry with a longer placeholder.
    for (let placeholder = '\u0000smoothie-router:NaN'; ; placeholder += '~') {
      const replaced = replacePythonTokens(text, JSON.stringify(placeholder));
      if (replaced === undefined) break;
      let parsed: unknown;
      try {
        parsed = JSON.parse(replaced.text);
      } catch {
        break; // a real syntax error: report it against the original text
      }
      if (replaced.nanCount === 0) return parsed;
      const restored = restoreNaN(parsed, placeholder);
      if (restored.count === replaced.nanCount) return restored.value;
    }
    throw syntaxError(text, file, firstLine, strictError as Error);
  }
}

/**
 * JSON.parse that also accepts bare `NaN`, `Infinity` and `-Infinity` outside strings (as
 * Python's json.dumps writes them). A syntax error is a UserInputError naming `file`, the line
 * and the column.
 */
export function parseJsonLenient(text: string, file?: string): unknown {
  return parseLenientAt(text, file, 1);
}

function syntaxError(text: string, file: string | undefined, firstLine: number, parseError: Error): UserInputError {
  const found = findSyntaxError(text);
  if (found === undefined) {
    // V8's message may quote the input: keep it to one short line.
    return new UserInputError(`malformed JSON (${parseError.message.split('\n')[0].slice(0, 200)})`, { file, row: firstLine, rowLabel: 'line' });
  }
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < found.at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return new UserInputError(`malformed JSON (column ${found.at - lineStart + 1}: ${found.problem})`, {
    file,
    row: firstLine + line,
    rowLabel: 'line',
  });
}

class Problem {
  constructor(
    readonly at: number,
    readonly problem: string,
  ) {}
}

/**
 * Where and why `text` is not (lenient) JSON. Runs only after JSON.parse failed: V8's messages
 * do not always give a position, and positions in the token-replaced text would be off.
 * Undefined if no problem is found (or the nesting is too deep to check recursively).
 */
function findSyntaxError(text: string): Problem | undefined {
  let i = 0;
  const describe = (at: number): string => {
    if (at >= text.length) return 'end of input';
    const c = text[at];
    return c === '\n' || c === '\r' ? 'a line break' : JSON.stringify(c);
  };
  const fail = (problem: string, at = i): never => {
    throw new Problem(at, problem);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    if (!text.startsWith(word, i)) fail(`unexpected ${describe(i)}`);
    i += word.length;
  };
  const digits = (after: string): void => {
    if (!(text[i] >= '0' && text[i] <= '9')) fail(`expected a digit ${after}, found ${describe(i)}`);
    while (text[i] >= '0' && text[i] <= '9') i++;
  };
  const number = (): void => {
    if (text[i] === '-') {
      i++;
      if (text.startsWith('Infinity', i)) return void (i += 8);
    }
    if (text[i] === '0') {
      i++;
      if (text[i] >= '0' && text[i] <= '9') fail('numbers cannot have leading zeros');
    } else digits('in the number');
    if (text[i] === '.') {
      i++;
      digits('after the decimal point');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits('in the exponent');
    }
  };
  const string = (): void => {
    const start = i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) return void i++;
      if (c < 0x20) fail(c === 10 || c === 13 ? 'line break inside a string (escape it as \\n)' : 'unescaped control character in a string');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape in a string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`invalid escape \\${e ?? ''} in a string`);
      } else i++;
    }
  };
  const list = (close: string, member: () => void, what: string): void => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      member();
      space();
      if (text[i] === close) return void i++;
      if (text[i] !== ',') fail(`expected ',' or '${close}' after ${what}, found ${describe(i)}`);
      i++;
      space();
      if (text[i] === close) fail('trailing comma');
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      list(
        '}',
        () => {
          if (text[i] !== '"') fail(`expected a double-quoted property name, found ${describe(i)}`);
          string();
          space();
          if (text[i] !== ':') fail(`expected ':' after the property name, found ${describe(i)}`);
          i++;
          value();
        },
        'a property value',
      );
    } else if (c === '[') list(']', value, 'an array element');
    else if (c === '"') string();
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === 'N') literal('NaN');
    else if (c === 'I') literal('Infinity');
    else fail(`unexpected ${describe(i)}`);
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof Problem) return error;
    if (error instanceof RangeError) return undefined; // call stack exceeded: nesting too deep
    throw error;
  }
}

/**
 * Strict JSON. NaN and ±Infinity become `null` (JSON.stringify's own rule, which is our choice
 * for output files: a reader of our outputs gets null for an undefined weight, and no parser
 * chokes on Python's bare tokens).
 */
export function stringifyStrict(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, undefined, indent) as string | undefined;
  if (text === undefined) throw new Error(`stringifyStrict: ${typeof value} has no JSON representation`);
  return text;
}

async function readText(file: string): Promise<string> {
  const text = (await readInputFile(file)).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors on Windows may add a BOM
}

/** Reads a JSON file leniently (see {@link parseJsonLenient}). */
export async function readJsonFile(file: string): Promise<unknown> {
  return parseLenientAt(await readText(file), file, 1);
}

/** Writes strict JSON (see {@link stringifyStrict}) plus a final newline, atomically. */
export async function writeJsonFile(file: string, value: unknown, options: { readonly indent?: number } = {}): Promise<void> {
  await writeFileAtomic(file, `${stringifyStrict(value, options.indent)}\n`);
}

export interface JsonlLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly value: unknown;
}

/** Parses every non-blank line of a JSON Lines file; a malformed one is an error naming its line. */
export async function readJsonl(file: string): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  (await readText(file)).split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    out.push({ line: i + 1, value: parseLenientAt(raw, file, i + 1) });
  });
  return out;
}

/** Writes one strict JSON value per line, atomically. */
export async function writeJsonl(file: string, rows: Iterable<unknown>): Promise<void> {
  const lines: string[] = [];
  for (const row of rows) lines.push(`${stringifyStrict(row)}\n`);
  await writeFileAtomic(file, lines.join(''));
}

/**
 * The records of an append-only resume log (one JSON object per line), by key, first one winning. A
 * line that does not parse is skipped: only a write cut short by a kill leaves one, and its work is
 * simply done again. A missing file is an empty log.
 */
export async function readAppendLog<T>(file: string, keyOf: (record: T) => string): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  if (!existsSync(file)) return out;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    let record: T;
    try {
      record = JSON.parse(line) as T;
    } catch {
      continue;
    }
    const key = keyOf(record);
    if (!out.has(key)) out.set(key, record);
  }
  return out;
}

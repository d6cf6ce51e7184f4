import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pandasSamplePositions } from '../../src/compute/numpy-random.js';
import { loadDatasetConfig } from '../../src/data/config.js';
import { buildDataset, makeDataset } from '../../src/data/make-dataset.js';
import { loadSingleTemplate, loadTemplateList, parseTemplate, renderTemplate } from '../../src/data/templates.js';
import { UserInputError } from '../../src/errors/index.js';
import { metricForTask } from '../../src/metrics/registry.js';
import { expectOneLineError, smoothie } from '../cli/helpers.js';
import { REPO_ROOT } from '../helpers/shared.js';

const isUserError =
  (fragments: (string | RegExp)[], details: Partial<Pick<UserInputError, 'file' | 'field' | 'row'>> = {}) =>
  (e: unknown): boolean => {
    if (!UserInputError.isUserInputError(e)) return false;
    for (const [k, v] of Object.entries(details)) if ((e as unknown as Record<string, unknown>)[k] !== v) return false;
    return fragments.every((f) => (typeof f === 'string' ? e.message.includes(f) : f.test(e.message)));
  };

const parquet = (rows: Record<string, unknown>[]): Uint8Array => new Uint8Array(parquetWriteBuffer({ columnData: Object.keys(rows[0]).map((name) => ({ name, data: rows.map((r) => r[name]) })) }));

function sourceRows(n: number, offset = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    id: offset + i,
    question: `question ${offset + i}`,
    answer: { value: `answer ${offset + i}`, aliases: [`a${offset + i}`, `alias ${offset + i}`] },
    category: i % 2 === 0 ? 'even' : 'odd',
  }));
}

describe('prompt templates (str.format semantics)', () => {
  it('renders placeholders and doubled braces, and rejects stray braces', () => {
    const t = parseTemplate('Q: {question}\n{{literal}} {answer}!', 'x.txt');
    expect(t.placeholders).toEqual(['question', 'answer']);
    expect(renderTemplate(t, { question: 'why {not}?', answer: '42' })).toBe('Q: why {not}?\n{literal} 42!');
    expect(() => parseTemplate('a } b', 'x.txt')).toThrow(/single '}'/);
    expect(() => parseTemplate('a {b c} d', 'x.txt')).toThrow(/bad placeholder/);
    expect(() => parseTemplate('a {b', 'x.txt')).toThrow(/bad placeholder/);
    expect(() => renderTemplate(t, { question: 'q' })).toThrow(/placeholder \{answer\} has no value/);
  });
});

describe('make-dataset from local files', () => {
  let dir: string;
  const configFile = (name: string, cfg: Record<string, unknown>): string => {
    const file = path.join(dir, 'configs', `${name}.yaml`);
    writeFileSync(file, YAML.stringify(cfg));
    return file;
  };
  const task = (name: string, train: string, test: string, extra: Record<string, unknown> = {}) => ({
    dataset: name,
    multi_model_prompt_template: 'qa_mm',
    multi_prompt_template: 'qa_mp',
    train_size: 4,
    test_size: 0,
    source: {
      train: { from: train },
      test: { from: test },
      fields: { question: 'question' },
      embedding_input: 'question',
      reference: 'answer.aliases',
      keep: ['category'],
    },
    ...extra,
  });
  const options = () => ({ templatesDir: path.join(dir, 'templates'), cacheDir: path.join(dir, 'cache') });

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-make-dataset-'));
    for (const sub of ['configs', 'data', 'templates', 'out']) mkdirSync(path.join(dir, sub));
    writeFileSync(path.join(dir, 'templates', 'qa_mm.txt'), 'Question: {question}\nAnswer:');
    writeFileSync(path.join(dir, 'templates', 'qa_mp.json'), JSON.stringify(['Q: {question}\nA:', '{question} =']));
    const rows = sourceRows(10);
    writeFileSync(path.join(dir, 'data', 'train.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    writeFileSync(path.join(dir, 'data', 'test.json'), JSON.stringify(sourceRows(3, 100)));
    writeFileSync(path.join(dir, 'data', 'flat.csv'), 'question,reference,category\n"what, with a comma?",yes,even\n"a ""quoted"" one",no,odd\n');
    writeFileSync(path.join(dir, 'data', 'rows.parquet'), parquet(rows));
    const arrow = tableFromArrays({ question: ['q0', 'q1', 'q2'], reference: ['r0', 'r1', 'r2'], category: ['even', 'odd', 'even'] });
    writeFileSync(path.join(dir, 'data', 'rows.arrow'), tableToIPC(arrow, 'file'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("samples the rows pandas' df.sample(n, random_state=42) takes, in its order, and renders every prompt", async () => {
    const config = await loadDatasetConfig(configFile('qa', task('qa', '../data/train.jsonl', '../data/test.json')));
    const built = await buildDataset(config, options());
    // NumPy: RandomState(42).permutation(10)[:4] == [8, 1, 5, 0]
    expect(pandasSamplePositions(10, 4, 42)).toEqual([8, 1, 5, 0]);
    expect(built.train.rows.map((r) => r.embedding_input)).toEqual(['question 8', 'question 1', 'question 5', 'question 0']);
    expect(built.train.rows[0]).toEqual({
      idx: 0,
      task_name: 'qa',
      reference: ['a8', 'alias 8'],
      embedding_input: 'question 8',
      multi_model_prompt: 'Question: question 8\nAnswer:',
      multi_prompt_0: 'Q: question 8\nA:',
      multi_prompt_1: 'question 8 =',
      category: 'even',
    });
    // test_size 0 keeps every row in source order
    expect(built.test.rows.map((r) => [r.idx, r.embedding_input])).toEqual([
      [0, 'question 100'],
      [1, 'question 101'],
      [2, 'question 102'],
    ]);
    expect(built.train.tasks).toEqual([{ task: 'qa', sourceRows: 10, kept: 4, clipped: false }]);
    const other = await buildDataset(config, { ...options(), seed: 7 });
    expect(other.train.rows.map((r) => r.embedding_input)).not.toEqual(built.train.rows.map((r) => r.embedding_input));
  });

  it('reads csv, parquet and arrow sources; row ranges; a size above the rows keeps them all', async () => {
    const flat = { fields: { question: 'question' }, embedding_input: 'question', reference: 'reference' };
    const csv = await loadDatasetConfig(
      configFile('csv', {
        dataset: 'csv',
        multi_model_prompt_template: 'qa_mm',
        train_size: 50,
        source: { train: { from: '../data/flat.csv' }, test: { from: '../data/rows.arrow', rows: { start: 1 } }, ...flat },
      }),
    );
    const built = await buildDataset(csv, options());
    expect(built.train.rows.map((r) => r.embedding_input).sort()).toEqual(['a "quoted" one', 'what, with a comma?']);
    expect(built.train.tasks[0].clipped).toBe(true);
    expect(built.test.rows.map((r) => r.reference)).toEqual(['r1', 'r2']);
    const pq = await loadDatasetConfig(
      configFile(
        'pq',
        task('pq', '../data/rows.parquet', '../data/rows.parquet', {
          train_size: 0,
          source: { ...task('pq', '', '').source, train: { from: '../data/rows.parquet', rows: { end: '50%' } }, test: { from: '../data/rows.parquet', rows: { start: '50%', end: -1 } } },
        }),
      ),
    );
    const p = await buildDataset(pq, options());
    expect(p.train.rows.map((r) => r.embedding_input)).toEqual(['question 0', 'question 1', 'question 2', 'question 3', 'question 4']);
    expect(p.test.rows.map((r) => r.embedding_input)).toEqual(['question 5', 'question 6', 'question 7', 'question 8']);
    expect(p.train.rows[0].reference).toEqual(['a0', 'alias 0']);
  });

  it('a group config concatenates its tasks and renumbers idx; files are written atomically and kept without --redo', async () => {
    configFile('t1', task('t1', '../data/train.jsonl', '../data/test.json'));
    configFile('t2', task('t2', '../data/rows.parquet', '../data/test.json', { train_size: 2 }));
    const group = await loadDatasetConfig(configFile('grp', { dataset: 'grp', tasks: ['t1.yaml', 't2.yaml'] }));
    const dirs = { dataDir: path.join(dir, 'out'), resultsDir: path.join(dir, 'results') };
    const first = await makeDataset(group, dirs, options());
    expect(first.skipped).toBe(false);
    const lines = readFileSync(first.files.train, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { idx: number; task_name: string });
    expect(lines.map((r) => r.idx)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(lines.map((r) => r.task_name)).toEqual(['t1', 't1', 't1', 't1', 't2', 't2']);
    expect(readFileSync(first.files.test, 'utf8').trimEnd().split('\n')).toHaveLength(6);
    expect((await makeDataset(group, dirs, options())).skipped).toBe(true);
    expect((await makeDataset(group, dirs, { ...options(), redo: true })).skipped).toBe(false);
  });

  it('works through the CLI: summary line per split, one-line error on bad input', () => {
    configFile('cli', task('cli', '../data/train.jsonl', '../data/test.json'));
    const args = ['make-dataset', '--dataset-config', 'configs/cli.yaml', '--data-dir', 'cli-out', '--prompt-templates-dir', 'templates'];
    const ok = smoothie(args, dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/wrote cli-out\/cli_train\.jsonl: 4 rows \(cli 4\/10\)/);
    expect(smoothie(args, dir).stdout).toMatch(/exist, skipped/);
    configFile('cli-bad', task('cli-bad', '../data/missing.jsonl', '../data/test.json'));
    expectOneLineError(smoothie(['make-dataset', '--dataset-config', 'configs/cli-bad.yaml', '--data-dir', 'cli-out', '--prompt-templates-dir', 'templates'], dir), 'missing.jsonl', 'file not found');
    expect(existsSync(path.join(dir, 'cli-out', 'cli-bad_train.jsonl'))).toBe(false);
  });

  it('bad input is one line naming the file, row and field', async () => {
    const load = async (name: string, cfg: Record<string, unknown>) => buildDataset(await loadDatasetConfig(configFile(name, cfg)), options());
    const base = task('bad', '../data/train.jsonl', '../data/test.json');
    await expect(load('b1', { ...base, source: { ...base.source, reference: 'answer.missing' } })).rejects.toSatisfy(
      isUserError(["has no column 'answer.missing'"], { file: path.join(dir, 'data', 'train.jsonl'), field: 'answer.missing', row: 8 }),
    );
    await expect(load('b2', { ...base, source: { ...base.source, fields: {} } })).rejects.toSatisfy(isUserError(['placeholder {question} has no value']));
    await expect(load('b3', { ...base, multi_model_prompt_template: 'nope' })).rejects.toSatisfy(isUserError(['file not found'], { file: path.join(dir, 'templates', 'nope.txt') }));
    await expect(load('b4', { ...base, source: { ...base.source, train: { from: '../data/x.xlsx' } } })).rejects.toSatisfy(isUserError(["unknown table format '.xlsx'"]));
    await expect(load('b5', { ...base, source: { ...base.source, embedding_input: 'answer.aliases' } })).rejects.toSatisfy(
      isUserError(['a list (add transform: join_lines)'], { field: 'embedding_input' }),
    );
    await expect(load('b6', { dataset: 'x' })).rejects.toSatisfy(isUserError(['has no source:'], { field: 'source' }));
    await expect(loadDatasetConfig(configFile('b7', { ...base, source: { ...base.source, reference: { column: 'x', transform: 'upper' } } }))).rejects.toSatisfy(isUserError([/source\.reference/]));
  });
});

/** A stand-in for the Hugging Face dataset viewer on 127.0.0.1: /parquet lists files it also serves. */
function fakeHub(tables: Record<string, Uint8Array>): Promise<{ server: Server; endpoint: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { port } = server.address() as AddressInfo;
    if (url.pathname === '/parquet') {
      const key = `${url.searchParams.get('dataset')}/${url.searchParams.get('config')}/${url.searchParams.get('split')}`;
      if (!tables[key]) {
        res.writeHead(404).end('{"error":"not found"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ parquet_files: [{ url: `http://127.0.0.1:${port}/files/${encodeURIComponent(key)}`, filename: '0000.parquet' }] }));
    } else if (url.pathname.startsWith('/files/')) {
      res.writeHead(200).end(tables[decodeURIComponent(url.pathname.slice(7))]);
    } else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })));
}

/** Rows shaped like each paper dataset's Hugging Face columns (the structure the shipped configs read). */
function paperRows(dataset: string, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    switch (dataset) {
      case 'abisee/cnn_dailymail':
        return { article: `article ${i}`, highlights: `highlights ${i}`, id: `id${i}` };
      case 'EdinburghNLP/xsum':
        return { document: `document ${i}`, summary: `summary ${i}`, id: `${i}` };
      case 'tuetschek/e2e_nlg':
        return { meaning_representation: `name[R${i}], food[Thai]`, human_reference: `R${i} serves Thai food.` };
      case 'webnlg-challenge/web_nlg':
        return {
          eid: `Id${i}`,
          modified_triple_sets: { mtriple_set: [[`S${i} | p | O${i}`, `S${i} | q | P${i}`]] },
          lex: { comment: ['good', 'bad', 'good'], text: [`good ${i}a`, `bad ${i}`, `good ${i}b`], lid: ['Id1', 'Id2', 'Id3'] },
        };
      case 'hazyresearch/based-squad':
        return { doc_id: `${i}`, title: 't', context: `context ${i}`, question: `question ${i}?`, value: `value ${i}` };
      case 'mandarjoshi/trivia_qa':
        return { question: `trivia ${i}?`, question_id: `q${i}`, answer: { value: `V${i}`, aliases: [`V${i}`], normalized_aliases: [`v${i}`, `vee ${i}`] } };
      case 'nguha/legalbench':
        return { text: `"Term${i}" means something.`, answer: `term${i}`, index: `${i}` };
      case 'openai/gsm8k':
        return { question: `What is ${i} + 1?`, answer: `${i} + 1 = ${i + 1}\n#### ${i + 1}` };
      default:
        throw new Error(`no synthetic rows for ${dataset}`);
    }
  });
}

describe('the shipped paper configs', () => {
  const configs = ['cnn_dailymail', 'xsum', 'e2e_nlg', 'web_nlg', 'squad', 'trivia_qa', 'definition_extraction', 'gsm8k'];
  let hub: Awaited<ReturnType<typeof fakeHub>>;
  let dir: string;
  beforeAll(async () => {
    const tables: Record<string, Uint8Array> = {};
    for (const name of configs) {
      const cfg = await loadDatasetConfig(path.join(REPO_ROOT, 'dataset_configs', `${name}.yaml`));
      for (const split of ['train', 'test'] as const) {
        const s = cfg.tasks[0].source![split];
        tables[`${s.from.slice(3)}/${s.config ?? 'default'}/${s.split}`] = parquet(paperRows(s.from.slice(3), 1200));
      }
    }
    hub = await fakeHub(tables);
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-hf-'));
  });
  afterAll(() => {
    hub.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every template placeholder is a configured field, and every template parses', async () => {
    for (const name of configs) {
      const task = (await loadDatasetConfig(path.join(REPO_ROOT, 'dataset_configs', `${name}.yaml`))).tasks[0];
      const templatesDir = path.join(REPO_ROOT, 'prompt_templates');
      const templates = [
        await loadSingleTemplate(templatesDir, task.multi_model_prompt_template!),
        ...(task.multi_prompt_template ? await loadTemplateList(templatesDir, task.multi_prompt_template) : []),
      ];
      for (const t of templates) for (const p of t.placeholders) expect(Object.keys(task.source!.fields), `${t.file}: {${p}}`).toContain(p);
    }
  });

  it('build both groups from hf: sources (downloaded once, then read from the cache), scored by each task', async () => {
    const hf = { endpoint: hub.endpoint };
    const acc = await loadDatasetConfig(path.join(REPO_ROOT, 'dataset_configs', 'acc_group.yaml'));
    const options = { templatesDir: path.join(REPO_ROOT, 'prompt_templates'), cacheDir: path.join(dir, 'cache'), hf };
    const built = await buildDataset(acc, options);
    // squad 250 of the first half; trivia_qa: the first 10 % (120) < 250, so all kept; definition_extraction: the first 100 rows, unsampled
    expect(built.train.tasks.map((t) => [t.task, t.sourceRows, t.kept, t.clipped])).toEqual([
      ['squad', 600, 250, false],
      ['trivia_qa', 120, 120, true],
      ['definition_extraction', 100, 100, false],
    ]);
    expect(built.test.tasks.map((t) => [t.task, t.sourceRows, t.kept])).toEqual([
      ['squad', 600, 600],
      ['trivia_qa', 1200, 1000],
      ['definition_extraction', 1100, 1100],
    ]);
    expect(built.train.rows.map((r) => r.idx)).toEqual(built.train.rows.map((_, i) => i));
    expect([...new Set(built.test.rows.map((r) => metricForTask(r.task_name).name))]).toEqual(['squad_acc', 'trivia_qa_acc', 'definition_extraction_acc']);
    const trivia = built.train.rows.find((r) => r.task_name === 'trivia_qa')!;
    expect(Array.isArray(trivia.reference)).toBe(true);
    const def = built.train.rows.filter((r) => r.task_name === 'definition_extraction');
    expect(def[0].embedding_input).toBe('"Term0" means something.');
    const squad = built.test.rows.find((r) => r.task_name === 'squad')!;
    expect(Number(String(squad.reference).split(' ')[1])).toBeGreaterThanOrEqual(600);

    const before = hub.requests.length;
    const r2 = await buildDataset(await loadDatasetConfig(path.join(REPO_ROOT, 'dataset_configs', 'rouge2_group.yaml')), options);
    const web = r2.test.rows.find((r) => r.task_name === 'web_nlg')!;
    expect(web.reference).toEqual([expect.stringMatching(/^good \d+a$/), expect.stringMatching(/^good \d+b$/)]);
    expect(web.embedding_input).toMatch(/^S\d+ \| p \| O\d+\nS\d+ \| q \| P\d+$/);
    expect(web.multi_model_prompt).toContain(web.embedding_input);
    expect(hub.requests.length).toBeGreaterThan(before);
    const gsm = await buildDataset(await loadDatasetConfig(path.join(REPO_ROOT, 'dataset_configs', 'gsm8k.yaml')), options);
    expect(gsm.test.rows[0].reference).toMatch(/^\d+$/);
    expect(gsm.test.rows[0].multi_prompt_0).toBeUndefined();

    const count = hub.requests.length;
    await buildDataset(acc, options);
    expect(hub.requests.length).toBe(count);
  });

  it('without a network: one line naming the config, the field and what to do', async () => {
    const closed = await fakeHub({});
    const endpoint = closed.endpoint;
    await new Promise((r) => closed.server.close(r));
    const cfgFile = path.join(REPO_ROOT, 'dataset_configs', 'xsum.yaml');
    const xsum = await loadDatasetConfig(cfgFile);
    await expect(buildDataset(xsum, { templatesDir: path.join(REPO_ROOT, 'prompt_templates'), cacheDir: path.join(dir, 'none'), hf: { endpoint } })).rejects.toSatisfy(
      isUserError(['cannot fetch hf:EdinburghNLP/xsum', 'ECONNREFUSED', 'local parquet'], { file: cfgFile, field: 'source.train.from' }),
    );
    expect(existsSync(path.join(dir, 'none', 'hf', 'EdinburghNLP__xsum', 'default', 'train', 'complete.json'))).toBe(false);
    await expect(
      buildDataset(xsum, { templatesDir: path.join(REPO_ROOT, 'prompt_templates'), cacheDir: path.join(dir, 'none'), hf: { endpoint: `${hub.endpoint.replace(/\d+$/, (p) => p)}/missing` } }),
    ).rejects.toSatisfy(isUserError(['HTTP 404']));
  });
});

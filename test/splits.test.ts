// Stable splits: a sample's split follows from the seed and its input alone
// (split.ts), so adding samples or renaming a dataset moves no sample between
// splits; an optional test split that training never sees; stratify; the
// split settings' diagnostics; what check says about repeated inputs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { memoryHost } from '../src/compiler/host.js';
import { nodePluginLoader } from '../src/compiler/plugins/node-loader.js';
import { FIELDS } from '../src/compiler/samples.js';
import { assignSplits, contentKey, SPLIT } from '../src/compiler/split.js';
import type { DatasetType } from '../src/compiler/plan.js';
import { prepareData } from '../src/runtime/train/examples.js';
import { BASE, check, compileFiles } from './helpers/project.js';

function readProject(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      if (name.startsWith('.')) continue;
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

const ROOT = '/virtual/example';
/** example: the folder under projects/ whose plugins (nnc.yaml 'plugins:') the in-memory project runs */
const compileMemory = (files: Record<string, string>, example?: string) => {
  const plugins = example ? { ...nodePluginLoader, load: (path: string) => nodePluginLoader.load(resolve('projects', example, relative(ROOT, path))) } : undefined;
  const result = compile(ROOT, { ...memoryHost(ROOT, files), ...(plugins ? { plugins } : {}) });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result;
};

/** key -> split of every sample of every dataset, by dataset name */
const splitsOf = (result: ReturnType<typeof compile>) =>
  new Map(result.data!.datasets.map((d) => [d.name, new Map(Array.from(d.keys, (key, i) => [key, d.split[i]]))]));

const examples = readdirSync('projects').filter((name) => statSync(join('projects', name)).isDirectory());

describe('splits of the example projects', () => {
  for (const example of examples) {
    it(`${example}: 20 more samples in a dataset, or a renamed dataset, move no sample between splits`, () => {
      const files = readProject(join('projects', example));
      const before = compileMemory(files, example);
      const held = before.data!.datasets.reduce((n, d) => n + d.split.filter((s) => s !== SPLIT.train).length, 0);
      expect(held).toBeGreaterThan(0);

      // every JSONL source gets 20 new records, made from its first ones with a changed input
      const grown = { ...files };
      let added = 0;
      for (const [path, text] of Object.entries(files)) {
        if (!path.endsWith('.yaml') || !/^kind: Dataset$/m.test(text)) continue;
        const source = text.match(/^source: (\S+\.jsonl)/m)?.[1];
        if (!source) continue;
        const type = text.match(/^type: (\w+)/m)![1] as DatasetType;
        const field = FIELDS[type][0];
        const sourcePath = join(path, '..', source).split('\\').join('/');
        const records = files[sourcePath].trim().split('\n').slice(0, 20).map((line, i) => {
          const record = JSON.parse(line);
          const value = record[field];
          record[field] = typeof value === 'string' ? `${value} and then ${i} more` : [value[0] + 0.125 * (i + 1), ...value.slice(1)];
          return JSON.stringify(record);
        });
        grown[sourcePath] = `${files[sourcePath].trimEnd()}\n${records.join('\n')}\n`;
        added += records.length;
      }
      const after = compileMemory(grown, example);
      const wasSplit = splitsOf(before);
      for (const d of after.data!.datasets) {
        const old = wasSplit.get(d.name)!;
        d.keys.forEach((key, i) => {
          if (old.has(key)) expect(d.split[i], `${d.name}: a sample that was in split ${old.get(key)}`).toBe(old.get(key));
        });
      }
      const countOf = (r: ReturnType<typeof compile>) => r.plan!.datasets.reduce((n, d) => n + d.count, 0);
      expect(countOf(after)).toBe(countOf(before) + added);

      // renaming every dataset moves nothing either
      const renamed: Record<string, string> = {};
      for (const [path, text] of Object.entries(files)) renamed[path] = /^kind: Dataset$/m.test(text) ? text.replace(/^name: (\w+)/m, 'name: $1_renamed') : text;
      const moved = compileMemory(renamed, example);
      expect(moved.data!.datasets.map((d) => [d.name.replace(/_renamed$/, ''), Array.from(d.split)])).toEqual(before.data!.datasets.map((d) => [d.name, Array.from(d.split)]));
    });
  }
});

describe('assignSplits', () => {
  const keys = Float64Array.from({ length: 2000 }, (_, i) => contentKey(`sample ${i}`));
  const shares = { validation: 0.2, test: 0.1, stratify: false };

  it('depends on the seed and each input, not on position or count', () => {
    const split = assignSplits(keys, 42, shares, null);
    const counts = [0, 1, 2].map((s) => split.filter((x) => x === s).length);
    // the shares on average (binomial: 400 ± 3 sd, 200 ± 3 sd)
    expect(Math.abs(counts[1] - 400)).toBeLessThan(60);
    expect(Math.abs(counts[2] - 200)).toBeLessThan(45);
    const reversed = assignSplits(keys.slice().reverse(), 42, shares, null);
    expect(Array.from(reversed).reverse()).toEqual(Array.from(split));
    expect(Array.from(assignSplits(keys.subarray(0, 100), 42, shares, null))).toEqual(Array.from(split.subarray(0, 100)));
    expect(Array.from(assignSplits(keys, 43, shares, null))).not.toEqual(Array.from(split));
    expect(assignSplits(keys, 42, { validation: 0, test: 0, stratify: false }, null).every((s) => s === SPLIT.train)).toBe(true);
  });

  it('with stratify holds out the same share of every class', () => {
    // a rare class: 30 of 2000
    const labels = Int32Array.from({ length: 2000 }, (_, i) => (i % 200 < 3 ? 1 : 0));
    const split = assignSplits(keys, 42, { ...shares, stratify: true }, labels);
    const of = (label: number, s: number) => Array.from(split).filter((x, i) => labels[i] === label && x === s).length;
    expect([of(1, SPLIT.train), of(1, SPLIT.validation), of(1, SPLIT.test)]).toEqual([21, 6, 3]);
    expect([of(0, SPLIT.train), of(0, SPLIT.validation), of(0, SPLIT.test)]).toEqual([1379, 394, 197]);
  });
});

describe('the test split', () => {
  const samples = Array.from({ length: 60 }, (_, i) => `{input: "review number ${i} was ${i % 2 ? 'great' : 'awful'}", label: ${i % 2}}`);
  const files = {
    'nnc.yaml': BASE['nnc.yaml'] + 'training: {split: {validation: 0.2, test: 0.25}}\n',
    'datasets/reviews.yaml': `apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n${samples.map((s) => `  - ${s}\n`).join('')}`,
  };

  it('is held out from training and validation alike, and counted in the plan', () => {
    const result = compileFiles(files);
    const plan = result.plan!;
    expect(plan.project.training).toMatchObject({ validationSplit: 0.2, testSplit: 0.25, stratify: false });
    const split = plan.datasets[0].split!;
    expect(split.train + split.validation + split.test).toBe(60);
    expect(split.test).toBeGreaterThan(0);
    const { heads } = prepareData(plan, result.data);
    expect([heads[0].train.count, heads[0].validation.count, heads[0].test.count]).toEqual([split.train, split.validation, split.test]);
    const rows = (e: typeof heads[0]['train']) => Array.from({ length: e.count }, (_, i) => Array.from(e.inputs.subarray(i * e.inputWidth, (i + 1) * e.inputWidth)).join(','));
    const train = new Set(rows(heads[0].train));
    expect(rows(heads[0].test).filter((r) => train.has(r))).toEqual([]);
  });

  it('cannot be given twice, and must leave samples to train on', () => {
    expect(check({ 'nnc.yaml': BASE['nnc.yaml'] + 'training:\n  validationSplit: 0.1\n  split: {test: 0.1}\n' }).filter((l) => l.includes('NNC3050'))).toEqual([
      "nnc.yaml:9:3 - error NNC3050: 'training.split' and 'training.validationSplit' are both given; validationSplit is shorthand for split: {validation: 0.1}. Keep one of them.",
    ]);
    expect(check({ 'nnc.yaml': BASE['nnc.yaml'] + 'training:\n  split: {validation: 0.6, test: 0.4}\n' }).filter((l) => l.includes('NNC3051'))).toHaveLength(1);
  });
});

describe('repeated inputs', () => {
  const dataset = (lines: string[]) => ({ 'datasets/reviews.yaml': `apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n${lines.map((s) => `  - ${s}\n`).join('')}` });
  const many = Array.from({ length: 40 }, (_, i) => `{input: "a plain review ${i}", label: ${i % 2}}`);

  it('share a split: exact copies need no word, copies with different labels get a warning', () => {
    const copies = compileFiles(dataset([...many, '{input: "a plain review 3", label: 1}', '{input: "a plain review 3", label: 1}']));
    expect(copies.diagnostics.filter((d) => d.code === 3054)).toEqual([]);
    const data = copies.data!.datasets[0];
    const same = Array.from(data.keys).flatMap((k, i) => (k === contentKey('a plain review 3') ? [data.split[i]] : []));
    expect(same).toHaveLength(3);
    expect(new Set(same).size).toBe(1);

    const conflicting = check(dataset([...many, '{input: "a plain review 3", label: 0}']));
    expect(conflicting.filter((l) => l.includes('NNC3054'))).toEqual([
      "datasets/reviews.yaml:3:7 - warning NNC3054: Dataset 'reviews' has 1 input written more than once with different labels; the copies contradict each other (they share a split, so none leaks into validation). Give each input one label.",
    ]);
  });
});

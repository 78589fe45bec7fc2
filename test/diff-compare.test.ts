// comparePlans (src/diff/compare.ts) on sides compiled in memory and on sides
// read as YAML: the whole diff each change produces: datasets added, removed,
// renamed or pointed at another head, heads changed, vocabularies with the
// 8-token cap, settings, the notes for what was not compared, and metrics
// present in one run only.
import { describe, expect, it } from 'vitest';
import { comparePlans, diagnosticLine, FIRST_TOKENS, type SideInput } from '../src/diff/compare.js';
import type { Diagnostic } from '../src/compiler/diagnostics.js';
import { viewOfCompile, viewOfDocuments, type SideView } from '../src/diff/side-view.js';
import { compileFiles, ROOT } from './helpers/project.js';

const dataset = (name: string, head: string, ...samples: string[]) =>
  `apiVersion: nnc/v1\nkind: Dataset\nname: ${name}\ntype: binary_classification\nhead: ${head}\nsamples:\n${samples.map((s) => `  - ${s}\n`).join('')}`;
const heads = (...items: string[]) => `apiVersion: nnc/v1\nkind: Heads\nheads:\n${items.map((h) => `  - ${h}\n`).join('')}`;
const SAMPLES = ['{input: "a great movie", label: 1}', '{input: "the plot was awful", label: 0}'];
const TWO_HEADS = heads('{name: sentiment, attach: hidden, task: classification}', '{name: tone, attach: hidden, task: classification}');

function side(label: string, files: Record<string, string | null>): SideInput {
  const result = compileFiles(files);
  return { label, commit: null, project: 'demo', projectDir: ROOT, view: viewOfCompile(result), diagnostics: result.diagnostics };
}
const asWritten = (label: string, view: SideView, diagnostics: Diagnostic[] = []): SideInput => ({ label, commit: 'abc1234', project: 'demo', projectDir: ROOT, view, diagnostics });

describe('datasets', () => {
  it('a dataset added, one removed, one renamed with its samples, one pointed at another head', () => {
    const base = side('base', { 'heads.yaml': TWO_HEADS, 'datasets/tone.yaml': dataset('tone', 'tone', ...SAMPLES), 'datasets/old.yaml': dataset('old', 'sentiment', '{input: "old one", label: 1}', '{input: "old two", label: 0}'), 'datasets/gone.yaml': dataset('gone', 'sentiment', '{input: "gone", label: 1}', '{input: "went", label: 0}') });
    const head = side('head', { 'heads.yaml': TWO_HEADS, 'datasets/tone.yaml': dataset('tone', 'sentiment', ...SAMPLES), 'datasets/new.yaml': dataset('renamed', 'sentiment', '{input: "old one", label: 1}', '{input: "old two", label: 0}'), 'datasets/added.yaml': dataset('added', 'tone', '{input: "fresh", label: 1}', '{input: "stale", label: 0}', '{input: "more", label: 1}') });
    const diff = comparePlans(base, head);
    expect(diff.datasets).toEqual([
      { marker: '+', name: 'added', renamedFrom: null, type: { before: null, after: 'binary_classification' }, head: { before: null, after: 'tone' }, count: { before: null, after: 3 }, samplesChanged: false },
      { marker: 'renamed', name: 'renamed', renamedFrom: 'old', type: { before: 'binary_classification', after: 'binary_classification' }, head: { before: 'sentiment', after: 'sentiment' }, count: { before: 2, after: 2 }, samplesChanged: false },
      { marker: '', name: 'reviews', renamedFrom: null, type: { before: 'binary_classification', after: 'binary_classification' }, head: { before: 'sentiment', after: 'sentiment' }, count: { before: 2, after: 2 }, samplesChanged: false },
      { marker: '~', name: 'tone', renamedFrom: null, type: { before: 'binary_classification', after: 'binary_classification' }, head: { before: 'tone', after: 'sentiment' }, count: { before: 2, after: 2 }, samplesChanged: false },
      { marker: '-', name: 'gone', renamedFrom: null, type: { before: 'binary_classification', after: null }, head: { before: 'sentiment', after: null }, count: { before: 2, after: null }, samplesChanged: false },
    ]);
    expect(diff.blastRadius.datasetsWithChangedHead).toEqual([{ dataset: 'tone', head: 'sentiment', reason: "now trains 'sentiment' instead of 'tone'" }]);
    expect(diff.notes).toEqual([]);
  });

  it('changed samples of the same size are samplesChanged; a different count alone is a change too', () => {
    const base = side('base', {});
    const same = comparePlans(base, side('head', { 'datasets/reviews.yaml': dataset('reviews', 'sentiment', '{input: "a good movie", label: 1}', '{input: "the plot was awful", label: 0}') }));
    expect(same.datasets.map((d) => [d.marker, d.samplesChanged, d.count])).toEqual([['~', true, { before: 2, after: 2 }]]);
    const more = comparePlans(base, side('head', { 'datasets/reviews.yaml': dataset('reviews', 'sentiment', ...SAMPLES, '{input: "fine", label: 1}') }));
    expect(more.datasets.map((d) => [d.marker, d.samplesChanged, d.count])).toEqual([['~', true, { before: 2, after: 3 }]]);
    expect(comparePlans(base, side('head', {})).datasets.map((d) => d.marker)).toEqual(['']);
  });

  it('datasets of a changed head and of a removed head are in the blast radius', () => {
    const base = side('base', { 'heads.yaml': TWO_HEADS, 'datasets/tone.yaml': dataset('tone', 'tone', ...SAMPLES) });
    const head = side('head', { 'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification, weight: 2}'), 'datasets/tone.yaml': null });
    const diff = comparePlans(base, head);
    expect(diff.heads!.map((r) => [r.marker, r.name, r.changedKeys])).toEqual([['~', 'sentiment', ['weight']], ['-', 'tone', []]]);
    expect(diff.blastRadius).toEqual({
      headsWithNewInputShape: [],
      datasetsWithChangedHead: [
        { dataset: 'reviews', head: 'sentiment', reason: "head 'sentiment' changed (weight)" },
        { dataset: 'tone', head: 'tone', reason: "head 'tone' was removed" },
      ],
    });
  });
});

describe('heads', () => {
  it('a head added, and one whose input shape changed, with before and after of each column', () => {
    const base = side('base', {});
    const head = side('head', {
      'layers.yaml': 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: embed, type: embedding, units: 8}\n  - {name: pool, type: pool, mode: mean}\n  - {name: hidden, type: dense, units: 6, activation: relu}\n',
      'heads.yaml': TWO_HEADS,
      'datasets/tone.yaml': dataset('tone', 'tone', ...SAMPLES),
    });
    const diff = comparePlans(base, head);
    expect(diff.heads).toEqual([
      { marker: '~', name: 'sentiment', task: { before: 'classification', after: 'classification' }, loss: { before: 'crossentropy', after: 'crossentropy' }, attach: { before: 'hidden', after: 'hidden' }, classes: { before: ['0', '1'], after: ['0', '1'] }, inputShape: { before: [8], after: [6] }, params: { before: 18, after: 14 }, changedKeys: ['input shape'] },
      { marker: '+', name: 'tone', task: { before: null, after: 'classification' }, loss: { before: null, after: 'crossentropy' }, attach: { before: null, after: 'hidden' }, classes: { before: null, after: ['0', '1'] }, inputShape: { before: null, after: [6] }, params: { before: null, after: 14 }, changedKeys: [] },
    ]);
    expect(diff.blastRadius.headsWithNewInputShape).toEqual([{ name: 'sentiment', before: [8], after: [6] }]);
    expect(diff.summary).toMatchObject({ layersChanged: 1, layersAdded: 0, layersRemoved: 0, layersMoved: 0, sameModel: false, samePlan: false });
    expect(diff.summary.paramsChangePercent).toBeCloseTo(((diff.summary.params.after! - diff.summary.params.before!) / diff.summary.params.before!) * 100, 10);
  });

  it('the same project compares as the same plan and model, with nothing changed', () => {
    const diff = comparePlans(side('base', {}), side('head', {}));
    expect(diff.summary).toMatchObject({ layersAdded: 0, layersChanged: 0, layersRemoved: 0, layersMoved: 0, paramsChangePercent: 0, sameModel: true, samePlan: true });
    expect(diff.heads!.map((r) => r.marker)).toEqual(['']);
    expect(diff.settings).toEqual([]);
    expect(diff.vocabulary).toEqual({ size: { before: 9, after: 9 }, categories: [] });
    expect(diff.metrics).toBeNull();
    expect([diff.base.errors, diff.base.warnings, diff.base.diagnostics, diff.base.layerCount, diff.base.compiled]).toEqual([0, 0, [], 3, true]);
  });
});

describe('vocabulary', () => {
  it('names at most 8 added and removed tokens per category, and counts them all', () => {
    const words = Array.from({ length: 12 }, (_, i) => `word${String.fromCharCode(97 + i)}`);
    const tokens = (list: string[]) => `apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\n  general: [${list.join(', ')}]\n`;
    const diff = comparePlans(side('base', { 'tokens.yaml': tokens(['keep', ...words.slice(0, 10)]) }), side('head', { 'tokens.yaml': tokens(['keep', 'fresh', ...words.slice(10)]) }));
    expect(FIRST_TOKENS).toBe(8);
    expect(diff.vocabulary!.categories).toEqual([
      { category: 'general', added: { count: 3, first: ['fresh', 'wordk', 'wordl'] }, removed: { count: 10, first: words.slice(0, 8) } },
    ]);
    expect(diff.vocabulary!.size).toEqual({ before: 13, after: 6 });
  });

  it("the data's words are compared when both sides compiled, not against a side read as YAML", () => {
    const base = side('base', {});
    const head = side('head', { 'datasets/reviews.yaml': dataset('reviews', 'sentiment', '{input: "a great film", label: 1}', '{input: "the plot was awful", label: 0}') });
    expect(comparePlans(base, head).vocabulary!.categories.map((c) => [c.category, c.added.first, c.removed.first])).toEqual([['fromDatasets', ['film'], ['movie']]]);
    const written = asWritten('head', { ...viewOfDocuments([], true), vocabulary: { special: ['<pad>', '<unk>'] } });
    expect(comparePlans(base, written).vocabulary!.categories.map((c) => c.category)).toEqual([]);
    expect(comparePlans(written, base).vocabulary!.categories.map((c) => c.category)).toEqual([]);
  });
});

describe('what could not be compared', () => {
  it('a side without readable documents: notes for each kind, nulls instead of rows', () => {
    const base = side('base', {});
    const broken = asWritten('head', viewOfDocuments([], false), [{ code: 1001, severity: 'error', message: 'Bad YAML.', file: `${ROOT}/layers.yaml`, line: 2, column: 3, length: 1 }, { code: 3020, severity: 'warning', message: 'A warning.', file: ROOT, line: 1, column: 1, length: 1 }, { code: 9, severity: 'info', message: 'An info.', file: ROOT, line: 1, column: 1, length: 1 }]);
    const diff = comparePlans(base, broken);
    expect(diff.notes).toEqual([
      'The head (head) does not compile: it is compared as written in its YAML, without shapes, parameters or sample counts from source files.',
      "Layers were not compared: the head has no readable 'Layers' document.",
      "Heads were not compared: the head has no readable 'Heads' document.",
      "Vocabularies were not compared: the head has no readable 'Tokens' document.",
      "Settings were not compared: the head has no readable 'Project' document.",
    ]);
    expect([diff.layers, diff.heads, diff.vocabulary, diff.settings]).toEqual([null, null, null, []]);
    expect(diff.head).toMatchObject({ compiled: false, errors: 1, warnings: 1, layerCount: null, commit: 'abc1234' });
    expect(diff.head.diagnostics).toEqual([
      { file: 'layers.yaml', line: 2, column: 3, severity: 'error', code: 1001, message: 'Bad YAML.' },
      { file: '.', line: 1, column: 1, severity: 'warning', code: 3020, message: 'A warning.' },
    ]);
    expect(diff.summary).toMatchObject({ sameModel: false, samePlan: false, paramsChangePercent: null });
    const both = comparePlans(broken, asWritten('base', viewOfDocuments([], false)));
    expect(both.notes.filter((n) => n.startsWith('Layers'))).toEqual(["Layers were not compared: the base and head has no readable 'Layers' document."]);
    expect(both.notes.filter((n) => n.includes('does not compile'))).toHaveLength(2);
  });

  it('a side with warnings only lists no diagnostics', () => {
    const warned = side('head', { 'heads.yaml': TWO_HEADS });
    expect(warned.diagnostics.length).toBeGreaterThan(0);
    const diff = comparePlans(side('base', {}), warned);
    expect([diff.head.errors, diff.head.warnings, diff.head.diagnostics]).toEqual([0, 1, []]);
  });
});

describe('settings and metrics', () => {
  it('a changed setting, one added and one removed', () => {
    const base = asWritten('base', { ...viewOfDocuments([], true), settings: { 'training.epochs': 20, 'input.maxLength': 8 } });
    const head = asWritten('head', { ...viewOfDocuments([], true), settings: { 'training.epochs': 30, 'training.seed': 7 } });
    expect(comparePlans(base, head).settings).toEqual([
      { key: 'training.epochs', before: 20, after: 30 },
      { key: 'input.maxLength', before: 8, after: null },
      { key: 'training.seed', before: null, after: 7 },
    ]);
  });

  it('validation metrics only when there are any, sorted; one present in one run only has no delta', () => {
    const base = side('base', {});
    const head = side('head', {});
    const diff = comparePlans(base, head, { base: { id: 'r1', best: { val_loss: 0.5, loss: 0.4, 'sentiment.val_accuracy': 0.7 } }, head: { id: 'r2', best: { val_loss: 0.25, loss: 0.3, val_f1: 0.8 } } });
    expect(diff.metrics).toEqual({
      baseRun: 'r1',
      headRun: 'r2',
      rows: [
        { name: 'sentiment.val_accuracy', before: 0.7, after: null, delta: null },
        { name: 'val_f1', before: null, after: 0.8, delta: null },
        { name: 'val_loss', before: 0.5, after: 0.25, delta: -0.25 },
      ],
    });
    const training = comparePlans(base, head, { base: { id: 'r1', best: { loss: 0.5, accuracy: 0.5 } }, head: { id: 'r2', best: { loss: 0.4 } } });
    expect(training.metrics!.rows).toEqual([
      { name: 'accuracy', before: 0.5, after: null, delta: null },
      { name: 'loss', before: 0.5, after: 0.4, delta: expect.closeTo(-0.1, 10) },
    ]);
    expect(comparePlans(base, head, { base: null, head: { id: 'r2', best: { loss: 1 } } }).metrics).toBeNull();
    expect(comparePlans(base, head, { base: { id: 'r1', best: { loss: 1 } }, head: null }).metrics).toBeNull();
  });
});

describe('diagnosticLine', () => {
  it("paths relative to the project with '/', the folder itself as '.', a pseudo-file such as a sweep trial's values as it is, related locations the same way", () => {
    const d = (file: string, related?: Diagnostic['related']): Diagnostic => ({ code: 3001, severity: 'error', message: 'A sentence.', file, line: 4, column: 7, length: 2, ...(related ? { related } : {}) });
    expect(diagnosticLine(d(`${ROOT}/datasets/a.yaml`), ROOT)).toEqual({ file: 'datasets/a.yaml', line: 4, column: 7, severity: 'error', code: 3001, message: 'A sentence.' });
    expect(diagnosticLine(d(ROOT), ROOT).file).toBe('.');
    expect(diagnosticLine(d('<sweep s1 trial 3>'), ROOT).file).toBe('<sweep s1 trial 3>');
    const line = diagnosticLine(d('<sweep s1 trial 3>', [{ file: `${ROOT}/layers.yaml`, line: 2, column: 5, message: 'Defined here.' }, { file: '<sweep s1 trial 3>', line: 1, column: 1, message: 'Set here.' }]), ROOT);
    expect(line.related).toEqual([
      { file: 'layers.yaml', line: 2, column: 5, message: 'Defined here.' },
      { file: '<sweep s1 trial 3>', line: 1, column: 1, message: 'Set here.' },
    ]);
  });
});

describe('summary of sides read as YAML', () => {
  it('two sides without hashes are not the same model or plan', () => {
    const summary = comparePlans(asWritten('base', viewOfDocuments([], false)), asWritten('head', viewOfDocuments([], false))).summary;
    expect([summary.sameModel, summary.samePlan, summary.paramsChangePercent]).toEqual([false, false, null]);
  });
});

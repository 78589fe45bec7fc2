// Each compiler stage on inline YAML: load (positions), check (shapes,
// params, vocabulary, classes), lower (defaults and hashes), format (frames).
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/compiler/format.js';
import { loadSource, locate } from '../src/compiler/load.js';
import { tokenize } from '../src/compiler/tokenize.js';
import { BASE, compileFiles } from './helpers/project.js';

const plan = (files: Record<string, string | null> = {}) => {
  const r = compileFiles(files);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.plan!;
};

const layers = (...lines: string[]) => `apiVersion: nnc/v1\nkind: Layers\nlayers:\n${lines.map((l) => `  - ${l}\n`).join('')}`;

describe('load', () => {
  it('keeps positions of keys and values across several documents', () => {
    const { documents, diagnostics } = loadSource('a.yaml', '/p/a.yaml', 'apiVersion: nnc/v1\nkind: Heads\n---\n# c\napiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: x, type: dense}\n');
    expect(diagnostics).toEqual([]);
    expect(documents).toHaveLength(2);
    expect(locate(documents[1], ['layers', 0, 'type'])).toEqual({ line: 8, column: 21, length: 5 });
    expect(locate(documents[1], ['layers', 0, 'type'], 'key')).toEqual({ line: 8, column: 15, length: 4 });
    // a path that does not exist points at the deepest node that does
    expect(locate(documents[1], ['layers', 0, 'units']).line).toBe(8);
  });
  it('skips empty documents and reports syntax errors per document', () => {
    const { documents, diagnostics } = loadSource('a.yaml', '/p/a.yaml', '---\n---\nkind: [\n');
    expect(documents).toHaveLength(0);
    expect(diagnostics[0]).toMatchObject({ line: 4, severity: 'error' });
    expect(Math.floor(diagnostics[0].code / 1000)).toBe(1);
  });
});

describe('check and lower', () => {
  it('infers shapes and parameter counts through every layer type', () => {
    const p = plan({
      'layers.yaml': layers(
        '{name: embed, type: embedding, units: 8}',
        '{name: rnn, type: lstm, units: 6, returnSequences: true}',
        '{name: gru, type: gru, units: 4, returnSequences: true}',
        '{name: conv, type: conv1d, filters: 8, kernelSize: 3, padding: valid}',
        '{name: attend, type: attention, heads: 2, causal: true}',
        '{name: norm, type: layernorm}',
        '{name: act, type: activation, activation: tanh}',
        '{name: drop, type: dropout, rate: 0.2}',
        '{name: pool, type: pool, mode: max}',
        '{name: hidden, type: linear, units: 5}',
      ),
    });
    const v = p.vocabulary.tokens.length;
    expect(p.layers.map((l) => [l.name, l.type, l.outputShape, l.params])).toEqual([
      ['embed', 'embedding', [8, 8], v * 8],
      ['rnn', 'lstm', [8, 6], 4 * (6 * (8 + 6) + 6)],
      ['gru', 'gru', [8, 4], 3 * (4 * (6 + 4) + 4)],
      ['conv', 'conv1d', [6, 8], 3 * 4 * 8 + 8],
      ['attend', 'attention', [6, 8], 4 * (8 * 8 + 8)],
      ['norm', 'layernorm', [6, 8], 16],
      ['act', 'activation', [6, 8], 0],
      ['drop', 'dropout', [6, 8], 0],
      ['pool', 'pool', [8], 0],
      ['hidden', 'dense', [5], 8 * 5 + 5],
    ]);
    expect(p.heads[0]).toMatchObject({ name: 'sentiment', units: 2, activation: 'softmax', outputShape: [2], params: 5 * 2 + 2, classes: ['0', '1'] });
    expect(p.totals.params).toBe(p.layers.reduce((n, l) => n + l.params, 0) + 12);
    expect(p.totals.weightBytes).toBe(4 * p.totals.params);
  });

  it('fills every default of the Project', () => {
    const p = plan();
    expect(p.project.training).toEqual({ seed: 42, epochs: 20, batchSize: 32, optimizer: 'adam', learningRate: 0.001, schedule: { type: 'none' }, clipNorm: null, validationSplit: 0.2, testSplit: 0, stratify: false, earlyStopping: null, checkpoint: { monitor: 'val_loss', mode: 'min' } });
    expect(p.project.input).toEqual({ type: 'text', tokenizer: 'word', lowercase: true, maxLength: 8, truncate: 'start', features: 0, shape: [8] });
    expect(p.project.monitor).toEqual({ weightsEvery: 50 });
  });

  it('numbers the vocabulary: specials first, then categories in file order, then dataset words by frequency', () => {
    const p = plan({
      'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  general: [movie, great]\n  special: ["<unk>", "<pad>", "<eos>"]\nfromDatasets: {minCount: 1, maxSize: 100}\n',
    });
    expect(p.vocabulary.tokens.slice(0, 5)).toEqual(['<pad>', '<unk>', '<eos>', 'movie', 'great']);
    expect(p.vocabulary.special).toEqual({ pad: 0, unk: 1, bos: null, sep: null, eos: 2 });
    // the data's words keep their ids (by frequency) and are filed by what they are made of (token-categories.ts)
    expect(p.vocabulary.tokens.slice(5)).toEqual(['a', 'the', 'plot', 'was', 'awful']);
    expect(p.vocabulary.dataTokens).toEqual({ first: 5, count: 5 });
    expect(p.vocabulary.categories.alphabetic).toEqual(['a', 'the', 'plot', 'was', 'awful']);
  });

  it('adds <bos>, <sep> and <eos> for a generation head', () => {
    const r = compileFiles({
      'layers.yaml': layers('{name: embed, type: embedding, units: 8}', '{name: rnn, type: gru, units: 8, returnSequences: true}'),
      'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: answer, attach: rnn, task: generation}\n',
      'datasets/reviews.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: qa\ntype: qa\nhead: answer\nsamples:\n  - {question: "capital of france", answer: "paris"}\n',
    });
    const p = r.plan!;
    expect(p.vocabulary.special.bos).not.toBeNull();
    expect(p.heads[0]).toMatchObject({ task: 'generation', units: p.vocabulary.tokens.length, outputShape: [8, p.vocabulary.tokens.length], pool: null });
    // the samples travel beside the plan, as token ids
    const data = r.data!.datasets[0];
    expect(p.datasets[0]).not.toHaveProperty('samples');
    expect(data.preview).toEqual([{ prompt: 'capital of france', target: 'paris' }]);
    const ids = (text: string) => text.split(' ').map((t) => p.vocabulary.tokens.indexOf(t));
    expect(Array.from(data.tokens!.ids)).toEqual(ids('capital of france'));
    expect(Array.from(data.targetTokens!.ids)).toEqual(ids('paris'));
  });

  it('hashes: comments change nothing; a layer change changes its hash and every chain hash after it', () => {
    const a = plan();
    const b = plan({ 'layers.yaml': '# a comment\n' + BASE['layers.yaml'] });
    expect(b.hash).toBe(a.hash);
    const c = plan({ 'layers.yaml': BASE['layers.yaml'].replace('{name: hidden, type: dense, units: 8, activation: relu}', '{name: hidden, type: dense, units: 8, activation: tanh}') });
    expect(c.layers.map((l) => l.hash === a.layers.find((x) => x.name === l.name)!.hash)).toEqual([true, true, false]);
    expect(c.layers.map((l, i) => l.chainHash === a.layers[i].chainHash)).toEqual([true, true, false]);
    expect(c.heads[0].hash).toBe(a.heads[0].hash); // same config and input shape
    expect(c.heads[0].chainHash).not.toBe(a.heads[0].chainHash);
    expect(c.modelHash).not.toBe(a.modelHash);
  });

  it('hashes: dataset contents change the plan hash but not the model hash', () => {
    const a = plan();
    const b = plan({ 'datasets/reviews.yaml': BASE['datasets/reviews.yaml'].replace('label: 0', 'label: 1') });
    expect(b.hash).not.toBe(a.hash);
    expect(b.datasets[0].hash).not.toBe(a.datasets[0].hash);
    expect(b.modelHash).toBe(a.modelHash);
    // the text of one sample, and one more sample, change it too; a dataset's name does not change its own hash
    const c = plan({ 'datasets/reviews.yaml': BASE['datasets/reviews.yaml'].replace('awful', 'dull') });
    expect(c.datasets[0].hash).not.toBe(a.datasets[0].hash);
    expect(c.hash).not.toBe(a.hash);
    const d = plan({ 'datasets/reviews.yaml': BASE['datasets/reviews.yaml'].replace(/name: \w+/, 'name: renamed') });
    expect(d.datasets[0].hash).toBe(a.datasets[0].hash);
  });
});

describe('tokenize', () => {
  it('splits words and punctuation, lowercases, and keeps every char for char', () => {
    expect(tokenize("It's GREAT, isn't it?", { tokenizer: 'word', lowercase: true })).toEqual(["it's", 'great', ',', "isn't", 'it', '?']);
    expect(tokenize('Ab c', { tokenizer: 'char', lowercase: false })).toEqual(['A', 'b', ' ', 'c']);
  });
});

describe('format', () => {
  it('prints the line then a code frame with a caret under the span', () => {
    const r = compileFiles({ 'layers.yaml': BASE['layers.yaml'].replace('units: 8, activation: relu', 'units: 8, activation: relu, in: 4') });
    const d = r.diagnostics[0];
    const text = formatDiagnostic(d, { cwd: '/virtual/demo', sources: new Map(r.files.map((f) => [f.path, f.text])) });
    expect(text).toBe(
      [
        "layers.yaml:6:65 - error NNC3002: Layer 'hidden' declares in: 4, but 'pool' outputs 8. Write 'in: 8', or give 'embed', where this width comes from, 4 units.",
        '',
        '  5 |   - {name: pool, type: pool, mode: mean}',
        '> 6 |   - {name: hidden, type: dense, units: 8, activation: relu, in: 4}',
        '    |                                                                 ^',
        '',
      ].join('\n'),
    );
  });
});

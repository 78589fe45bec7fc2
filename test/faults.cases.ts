// Faults in the four code ranges: each case is a change to the BASE project
// (test/helpers/project.ts) and the exact line `nnc check` prints for it.
export interface FaultCase {
  readonly name: string;
  readonly files: Record<string, string | null>;
  readonly expected: string;
}

const layers = (...lines: string[]) => `apiVersion: nnc/v1\nkind: Layers\nlayers:\n${lines.map((l) => `  - ${l}\n`).join('')}`;
const heads = (body: string) => `apiVersion: nnc/v1\nkind: Heads\nheads:\n${body}`;
const dataset = (body: string) => `apiVersion: nnc/v1\nkind: Dataset\n${body}`;
const EMBED = '{name: embed, type: embedding, units: 8}';
const POOL = '{name: pool, type: pool, mode: mean}';
const HIDDEN = '{name: hidden, type: dense, units: 8, activation: relu}';

export const FAULTS: FaultCase[] = [
  // 1xxx: YAML syntax
  { name: 'unclosed flow mapping', files: { 'layers.yaml': layers(EMBED, '{name: pool, type: pool', HIDDEN) }, expected: '' },
  { name: 'duplicate key', files: { 'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: demo\nname: again\ninput: {type: text}\n' }, expected: '' },
  { name: 'tab indentation', files: { 'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: demo\ninput:\n\ttype: text\n' }, expected: '' },
  { name: 'unclosed quote', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n  - {input: "a great movie, label: 1}\n') }, expected: '' },
  { name: 'bad indentation of a key', files: { 'heads.yaml': heads('  - name: sentiment\n    attach: hidden\n   task: classification\n') }, expected: '' },
  { name: 'undefined alias', files: { 'heads.yaml': heads('  - name: sentiment\n    attach: *trunk\n    task: classification\n') }, expected: '' },

  // 3xxx: semantics and shapes
  { name: 'in assertion mismatch', files: { 'layers.yaml': layers(EMBED, POOL, '{name: hidden, type: dense, units: 8, activation: relu, in: 32}') }, expected: '' },
  { name: 'out assertion mismatch', files: { 'layers.yaml': layers(EMBED, '{name: pool, type: pool, out: [8, 8]}', HIDDEN) }, expected: '' },
  { name: 'duplicate layer name', files: { 'layers.yaml': layers(EMBED, POOL, '{name: pool, type: dense, units: 8}') }, expected: '' },
  { name: 'head attaches to unknown layer', files: { 'heads.yaml': heads('  - name: sentiment\n    attach: hiden\n    task: classification\n') }, expected: '' },
  { name: 'dataset names unknown head', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentimnt\nsamples:\n  - {input: "good", label: 1}\n  - {input: "bad", label: 0}\n') }, expected: '' },
  { name: 'lstm after pool', files: { 'layers.yaml': layers(EMBED, POOL, '{name: rnn, type: lstm, units: 8}') }, expected: '' },
  { name: 'text input without embedding', files: { 'layers.yaml': layers(HIDDEN) }, expected: '' },
  { name: 'embedding not first', files: { 'layers.yaml': layers(EMBED, '{name: again, type: embedding, units: 8}', POOL) }, expected: '' },
  { name: 'attention heads do not divide width', files: { 'layers.yaml': layers(EMBED, '{name: attend, type: attention, heads: 3}', POOL, HIDDEN) }, expected: '' },
  { name: 'conv1d kernel longer than sequence', files: { 'layers.yaml': layers(EMBED, '{name: conv, type: conv1d, filters: 4, kernelSize: 9, padding: valid}', POOL, HIDDEN) }, expected: '' },
  { name: 'generation head on a vector', files: { 'heads.yaml': heads('  - name: sentiment\n    attach: hidden\n    task: generation\n'), 'datasets/reviews.yaml': dataset('name: reviews\ntype: qa\nhead: sentiment\nsamples:\n  - {question: "hi", answer: "hello"}\n') }, expected: '' },
  { name: 'bce with three classes', files: { 'heads.yaml': heads('  - name: sentiment\n    attach: hidden\n    task: classification\n    loss: bce\n    classes: [a, b, c]\n') }, expected: '' },
  { name: 'dataset type does not fit head task', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: regression\nhead: sentiment\nsamples:\n  - {input: "good", target: 1.5}\n') }, expected: '' },
  { name: 'label not in classes', files: { 'heads.yaml': heads('  - name: sentiment\n    attach: hidden\n    task: classification\n    classes: [neg, pos]\n'), 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n  - {input: "good", label: pos}\n  - {input: "bad", label: negative}\n') }, expected: '' },
  { name: 'feature vector length', files: { 'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: demo\ninput: {type: features, features: 3}\n', 'layers.yaml': layers(HIDDEN), 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n  - {input: [1, 2, 3], label: 1}\n  - {input: [1, 2], label: 0}\n') }, expected: '' },
  { name: 'text sample for features input', files: { 'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: demo\ninput: {type: features, features: 2}\n', 'layers.yaml': layers(HIDDEN), 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n  - {input: [1, 2], label: 1}\n  - {input: "words", label: 0}\n') }, expected: '' },
  { name: 'token in two categories', files: { 'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\n  general: [good, bad]\n  extra: [movie, good]\n' }, expected: '' },
  { name: 'second Project document', files: { 'other.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: other\ninput: {type: text}\n' }, expected: '' },
  { name: 'no Heads document', files: { 'heads.yaml': null }, expected: '' },
  { name: 'duplicate dataset name', files: { 'datasets/more.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n  - {input: "good", label: 1}\n') }, expected: '' },
  { name: 'loss does not fit task', files: { 'heads.yaml': heads('  - name: sentiment\n    attach: hidden\n    task: regression\n    loss: crossentropy\n') }, expected: '' },
  { name: 'mostly unknown tokens', files: { 'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  general: [good]\n' }, expected: '' },
  { name: 'regression targets of different lengths', files: { 'heads.yaml': heads('  - name: sentiment\n    attach: hidden\n    task: regression\n    loss: mse\n'), 'datasets/reviews.yaml': dataset('name: reviews\ntype: regression\nhead: sentiment\nsamples:\n  - {input: "good", target: [1, 2]}\n  - {input: "bad", target: 3}\n') }, expected: '' },
  { name: 'sample with the wrong field', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n  - {input: "good", label: 1}\n  - {text: "bad", label: 0}\n') }, expected: '' },
  { name: 'features input without features', files: { 'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: demo\ninput:\n  type: features\n', 'layers.yaml': layers(HIDDEN) }, expected: '' },
  { name: 'single class', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: multi_classification\nhead: sentiment\nsamples:\n  - {input: "good", label: happy}\n  - {input: "bad", label: happy}\n') }, expected: '' },

  // 4xxx: data
  { name: 'missing source file', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.jsonl\n') }, expected: '' },
  { name: 'source outside the project', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsource: ../../secret.jsonl\n') }, expected: '' },
  { name: 'malformed JSONL record', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.jsonl\n'), 'datasets/reviews.jsonl': '{"input": "good", "label": 1}\n{"input": "bad", "label": 0\n' }, expected: '' },
  { name: 'JSONL record missing a field', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.jsonl\n'), 'datasets/reviews.jsonl': '{"input": "good", "label": 1}\n\n{"input": "bad"}\n' }, expected: '' },
  { name: 'unknown source format', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.txt\n') }, expected: '' },
  { name: 'CSV with a short row', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.csv\n'), 'datasets/reviews.csv': 'input,label\ngood film,1\nbad\n' }, expected: '' },
  { name: 'CSV label not a class', files: { 'datasets/reviews.yaml': dataset('name: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.csv\n'), 'datasets/reviews.csv': 'input,label\ngood film,1\nbad film,0\nok film,7\n' }, expected: '' },
];

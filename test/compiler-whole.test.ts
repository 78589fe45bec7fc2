// The compiler's check stage pinned whole: every diagnostic a fault produces
// (not one line among others), and the resolved plan a clean project produces
// (units, activations, classes, pooling, weights, shapes, vocabulary).
import { describe, expect, it } from 'vitest';
import type { PlanHead } from '../src/compiler/plan.js';
import { compile } from '../src/compiler/index.js';
import { formatDiagnostic } from '../src/compiler/format.js';
import { memoryHost } from '../src/compiler/host.js';
import { memoryPluginLoader } from '../src/compiler/plugins/node-loader.js';
import { BASE, check, compileFiles, ROOT } from './helpers/project.js';

const layers = (...lines: string[]) => `apiVersion: nnc/v1\nkind: Layers\nlayers:\n${lines.map((l) => `  - ${l}\n`).join('')}`;
const heads = (...items: string[]) => `apiVersion: nnc/v1\nkind: Heads\nheads:\n${items.map((h) => `  - ${h}\n`).join('')}`;
const dataset = (name: string, type: string, head: string, ...samples: string[]) =>
  `apiVersion: nnc/v1\nkind: Dataset\nname: ${name}\ntype: ${type}\nhead: ${head}\nsamples:\n${samples.map((s) => `  - ${s}\n`).join('')}`;
const project = (input: string, extra = '') => `apiVersion: nnc/v1\nkind: Project\nname: demo\ninput: ${input}\n${extra}`;
const EMBED = '{name: embed, type: embedding, units: 8}';
const POOL = '{name: pool, type: pool, mode: mean}';
const HIDDEN = '{name: hidden, type: dense, units: 8, activation: relu}';
const BINARY = ['{input: "a great movie", label: 1}', '{input: "the plot was awful", label: 0}'];

/** The compiled plan's heads without hashes and source positions. */
function planHeads(files: Record<string, string | null>): Omit<PlanHead, 'hash' | 'chainHash' | 'source' | 'metrics'>[] {
  const result = compileFiles(files);
  expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  return result.plan!.heads.map(({ hash: _h, chainHash: _c, source: _s, metrics: _m, ...rest }) => rest);
}

describe('a clean project resolves to the plan its YAML says', () => {
  it('a crossentropy head over two classes: two softmax units on the dense output, classes 0/1 from binary labels, weight 1', () => {
    expect(planHeads({})).toEqual([
      { name: 'sentiment', attach: 'hidden', task: 'classification', loss: 'crossentropy', labelSmoothing: 0, classes: ['0', '1'], pool: null, units: 2, activation: 'softmax', weight: 1, classWeights: null, inputShape: [8], outputShape: [2], params: 18 },
    ]);
  });

  it("a bce head is one sigmoid unit, and keeps the head's weight and label classes", () => {
    const [head] = planHeads({ 'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification, loss: bce, classes: [neg, pos], weight: 2.5}') });
    expect(head).toMatchObject({ loss: 'bce', classes: ['neg', 'pos'], units: 1, activation: 'sigmoid', weight: 2.5, outputShape: [1], params: 9 });
  });

  it('a head with three classes from the data gets three units, the classes sorted', () => {
    const files = {
      'heads.yaml': heads('{name: topic, attach: hidden, task: classification}'),
      'datasets/reviews.yaml': dataset('topics', 'multi_classification', 'topic', '{input: "rain today", label: weather}', '{input: "goal scored", label: sport}', '{input: "new phone", label: tech}', '{input: "sunny", label: weather}'),
    };
    expect(planHeads(files)[0]).toMatchObject({ loss: 'crossentropy', classes: ['sport', 'tech', 'weather'], units: 3, activation: 'softmax', outputShape: [3], params: 27 });
  });

  it('named labels of a binary dataset are its classes, sorted; 0/1 labels give classes 0 and 1 for a bce head too', () => {
    const named = { 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'sentiment', '{input: "good", label: pos}', '{input: "bad", label: neg}') };
    expect(planHeads(named)[0]).toMatchObject({ classes: ['neg', 'pos'], units: 2 });
    expect(planHeads({ 'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification, loss: bce}') })[0]).toMatchObject({ classes: ['0', '1'], units: 1, activation: 'sigmoid' });
  });

  it('a head on a sequence output pools with mean unless it says otherwise; one on a vector has no pool', () => {
    const files = {
      'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification}', '{name: tone, attach: embed, task: classification}', '{name: mood, attach: embed, task: classification, pool: max}'),
      'datasets/tone.yaml': dataset('tone', 'binary_classification', 'tone', ...BINARY),
      'datasets/mood.yaml': dataset('mood', 'binary_classification', 'mood', ...BINARY),
    };
    expect(planHeads(files).map((h) => [h.name, h.pool, h.inputShape, h.outputShape])).toEqual([
      ['sentiment', null, [8], [2]],
      ['tone', 'mean', [8, 8], [2]],
      ['mood', 'max', [8, 8], [2]],
    ]);
  });

  it('a regression head has as many linear units as the targets are wide, mse by default', () => {
    const files = {
      'heads.yaml': heads('{name: score, attach: hidden, task: regression}'),
      'datasets/reviews.yaml': dataset('scores', 'regression', 'score', '{input: "good", target: [1, 2, 3]}', '{input: "bad", target: [0, 1, 0]}'),
    };
    expect(planHeads(files)).toEqual([
      { name: 'score', attach: 'hidden', task: 'regression', loss: 'mse', labelSmoothing: 0, classes: [], pool: null, units: 3, activation: 'linear', weight: 1, classWeights: null, inputShape: [8], outputShape: [3], params: 27 },
    ]);
  });

  it('a regression head with scalar targets is one unit, with the loss it names', () => {
    const files = {
      'heads.yaml': heads('{name: score, attach: hidden, task: regression, loss: huber}'),
      'datasets/reviews.yaml': dataset('scores', 'regression', 'score', '{input: "good", target: 1.5}', '{input: "bad", target: 0.5}'),
    };
    expect(planHeads(files)[0]).toMatchObject({ loss: 'huber', units: 1, activation: 'linear', outputShape: [1], params: 9 });
  });

  it('a generation head predicts over the whole vocabulary at every step', () => {
    const files = {
      'layers.yaml': layers(EMBED, '{name: rnn, type: lstm, units: 8, returnSequences: true}'),
      'heads.yaml': heads('{name: answer, attach: rnn, task: generation, labelSmoothing: 0.1}'),
      'datasets/reviews.yaml': dataset('qa', 'qa', 'answer', '{question: "hi there", answer: "hello"}', '{question: "bye now", answer: "goodbye"}'),
    };
    const result = compileFiles(files);
    const size = result.plan!.vocabulary.tokens.length;
    expect(planHeads(files)).toEqual([
      { name: 'answer', attach: 'rnn', task: 'generation', loss: 'crossentropy', labelSmoothing: 0.1, classes: [], pool: null, units: size, activation: 'softmax', weight: 1, classWeights: null, inputShape: [8, 8], outputShape: [8, size], params: 8 * size + size },
    ]);
  });

  it('in: and out: assertions that match, as a width or as a whole shape, compile', () => {
    const files = { 'layers.yaml': layers('{name: embed, type: embedding, units: 8, out: [8, 8]}', '{name: pool, type: pool, mode: mean, in: [8, 8], out: 8}', '{name: hidden, type: dense, units: 6, in: [8], out: [6]}') };
    const result = compileFiles(files);
    expect(result.diagnostics).toEqual([]);
    expect(result.plan!.layers.map((l) => [l.name, l.inputShape, l.outputShape, l.params])).toEqual([
      ['embed', [8], [8, 8], result.plan!.vocabulary.tokens.length * 8],
      ['pool', [8, 8], [8], 0],
      ['hidden', [8], [6], 54],
    ]);
  });

  it('the vocabulary from the data follows lowercase: false', () => {
    const files = { 'nnc.yaml': project('{type: text, maxLength: 8, lowercase: false}'), 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'sentiment', '{input: "Great Movie", label: 1}', '{input: "great plot", label: 0}') };
    expect(compileFiles(files).plan!.vocabulary.tokens).toEqual(['<pad>', '<unk>', 'Great', 'Movie', 'great', 'plot']);
    expect(compileFiles({ 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'sentiment', '{input: "Great Movie", label: 1}', '{input: "great plot", label: 0}') }).plan!.vocabulary.tokens).toEqual(['<pad>', '<unk>', 'great', 'movie', 'plot']);
  });

  it('the vocabulary from the data follows the char tokenizer', () => {
    const files = { 'nnc.yaml': project('{type: text, maxLength: 8, tokenizer: char}'), 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'sentiment', '{input: "abba", label: 1}', '{input: "Cab", label: 0}') };
    expect(compileFiles(files).plan!.vocabulary.tokens).toEqual(['<pad>', '<unk>', 'a', 'b', 'c']);
  });

  it('the compiled token ids are integers (Int32Array), not floats', () => {
    const { data, plan } = compileFiles({});
    const ids = data!.datasets[0].tokens!.ids;
    expect(ids).toBeInstanceOf(Int32Array);
    expect([...ids].map((id) => plan!.vocabulary.tokens[id])).toEqual(['a', 'great', 'movie', 'the', 'plot', 'was', 'awful']);
  });
});

describe('a fault produces exactly its diagnostics', () => {
  it('a duplicate layer name stops the layer check: a later bad layer adds nothing', () => {
    expect(check({ 'layers.yaml': layers(EMBED, POOL, '{name: pool, type: dense, units: 8}', '{name: rnn, type: lstm, units: 8}') })).toEqual([
      "layers.yaml:6:12 - error NNC3004: The layer name 'pool' is already used by layer 2. Layer names must be unique; rename one.\n  related: layers.yaml:5:12 - the first layer named 'pool'",
    ]);
  });

  it('a text input without an embedding is one error even when later layers are wrong too', () => {
    expect(check({ 'layers.yaml': layers(HIDDEN, '{name: rnn, type: lstm, units: 8}') })).toEqual([
      "layers.yaml:4:26 - error NNC3007: Layer 'hidden' gets token ids from the text input, which only an 'embedding' layer can take. Add an 'embedding' layer first.",
    ]);
  });

  it('an in: mismatch is the only error, with no head errors after it', () => {
    expect(check({ 'layers.yaml': layers(EMBED, POOL, '{name: hidden, type: dense, units: 8, in: 32}', '{name: rnn, type: lstm, units: 8}') })).toEqual([
      "layers.yaml:6:47 - error NNC3002: Layer 'hidden' declares in: 32, but 'pool' outputs 8. Write 'in: 8', or give 'embed', where this width comes from, 32 units.",
    ]);
  });

  it('an in: mismatch at the first layer names the input and asks to change it', () => {
    const files = { 'nnc.yaml': project('{type: features, features: 3}'), 'layers.yaml': layers('{name: hidden, type: dense, units: 8, in: 4}'), 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'sentiment', '{input: [1, 2, 3], label: 1}', '{input: [3, 2, 1], label: 0}') };
    expect(check(files)).toEqual([
      "layers.yaml:4:47 - error NNC3002: Layer 'hidden' declares in: 4, but the input outputs 3. Write 'in: 3', or change the project's input to give 4.",
    ]);
  });

  it("an out: mismatch names the key 'out' and the layer's own filters", () => {
    expect(check({ 'layers.yaml': layers(EMBED, '{name: conv, type: conv1d, filters: 4, kernelSize: 3, padding: same, out: 6}', POOL, HIDDEN) })).toEqual([
      "layers.yaml:5:79 - error NNC3002: Layer 'conv' declares out: 6, but it outputs 4. Write 'out: 4', or give 'conv', where this width comes from, 6 filters.",
    ]);
  });

  it('a layer that cannot follow the one before is one error, naming the input when it is first', () => {
    const files = { 'nnc.yaml': project('{type: features, features: 3}'), 'layers.yaml': layers('{name: rnn, type: lstm, units: 8}', HIDDEN), 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'sentiment', '{input: [1, 2, 3], label: 1}', '{input: [3, 2, 1], label: 0}') };
    const lines = check(files);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^layers\.yaml:4:23 - error NNC3007: Layer 'rnn' cannot follow the input \(output \[3\]\): /);
  });

  it('two Project documents: one error at the second, with the first as related location', () => {
    expect(check({ 'project2.yaml': project('{type: text}') })).toEqual([
      "project2.yaml:2:7 - error NNC3003: A project has one 'Project' document, and 'nnc.yaml' already holds one. Merge the two or remove this one.\n  related: nnc.yaml:2:7 - the first 'Project' document",
    ]);
  });

  it('missing Layers and Heads: one error for each, and nothing else', () => {
    expect(check({ 'layers.yaml': null, 'heads.yaml': null })).toEqual([
      "datasets/reviews.yaml:1:1 - error NNC3001: The project has no 'Layers' document. Add one, conventionally in 'layers.yaml' with 'apiVersion: nnc/v1' and 'kind: Layers'.",
      "datasets/reviews.yaml:1:1 - error NNC3001: The project has no 'Heads' document. Add one, conventionally in 'heads.yaml' with 'apiVersion: nnc/v1' and 'kind: Heads'.",
    ]);
  });

  it('two datasets with one name (NNC3004): the second is reported and not read', () => {
    expect(check({ 'datasets/reviews2.yaml': dataset('reviews', 'binary_classification', 'sentiment', '{input: "good", label: 1}', '{input: "bad", label: 0}') })).toEqual([
      "datasets/reviews2.yaml:3:7 - error NNC3004: The dataset name 'reviews' is already used in 'datasets/reviews.yaml'. Dataset names must be unique; rename one.\n  related: datasets/reviews.yaml:3:7 - the first dataset named 'reviews'",
    ]);
  });

  it('two heads with one name (NNC3004): the second is reported, with the first as related location', () => {
    expect(check({ 'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification}', '{name: sentiment, attach: nowhere, task: regression}') })).toEqual([
      "heads.yaml:5:12 - error NNC3004: The head name 'sentiment' is already used. Head names must be unique; rename one.\n  related: heads.yaml:4:12 - the first head named 'sentiment'",
    ]);
  });

  it('a head without a dataset (NNC3020) is one warning at its name', () => {
    expect(check({ 'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification}', '{name: topic, attach: hidden, task: classification, classes: [a, b]}') })).toEqual([
      "heads.yaml:5:5 - warning NNC3020: No dataset trains head 'topic'. Add a Dataset with 'head: topic', or remove the head.",
    ]);
  });

  it('pool on a vector output (NNC3023) is a warning, and the head is compiled without a pool', () => {
    const files = { 'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification, pool: max}') };
    expect(check(files)).toEqual([
      "heads.yaml:4:67 - warning NNC3023: Head 'sentiment' has pool: max, but 'hidden' outputs a vector [8], so it is ignored. Remove 'pool'.",
    ]);
    expect(compileFiles(files).plan!.heads[0].pool).toBeNull();
  });

  it('pool on a generation head (NNC3023) says it keeps every step', () => {
    const files = {
      'layers.yaml': layers(EMBED, '{name: rnn, type: lstm, units: 8, returnSequences: true}'),
      'heads.yaml': heads('{name: answer, attach: rnn, task: generation, pool: last}'),
      'datasets/reviews.yaml': dataset('qa', 'qa', 'answer', '{question: "hi there", answer: "hello"}', '{question: "bye now", answer: "goodbye"}'),
    };
    expect(check(files)).toEqual([
      "heads.yaml:4:57 - warning NNC3023: Head 'answer' has pool: last, but a generation head keeps every step, so it is ignored. Remove 'pool'.",
    ]);
  });

  it('a generation head on a features input (NNC3027) is one error at its task', () => {
    // only a plugin layer turns a feature vector into a sequence
    const files = {
      'nnc.yaml': project('{type: features, features: 2}', 'plugins: [./plugins/p.mjs]\n'),
      'plugins/p.mjs': '// a plugin\n',
      'layers.yaml': layers('{name: hidden, type: dense, units: 8}', '{name: seq, type: to_steps, steps: 4}'),
      'heads.yaml': heads('{name: answer, attach: seq, task: generation}'),
      'datasets/reviews.yaml': null,
    };
    const toSteps = {
      type: 'to_steps',
      description: 'A vector repeated over steps.',
      args: { steps: { schema: { type: 'integer', minimum: 1 }, description: 'Steps.' } },
      shape: (input: readonly number[], c: { steps: number }) => [c.steps, input[0]],
      params: () => 0,
      emit: () => {
        throw new Error('not emitted here');
      },
    };
    const merged = { ...BASE, ...files } as Record<string, string | null>;
    delete merged['datasets/reviews.yaml'];
    const host = { ...memoryHost(ROOT, merged as Record<string, string>), plugins: memoryPluginLoader({ [`${ROOT}/plugins/p.mjs`]: { default: { name: 'p', layers: [toSteps] } } }) };
    expect(compile(ROOT, host).diagnostics.map((d) => formatDiagnostic(d, { cwd: ROOT }))).toEqual([
      "heads.yaml:4:39 - error NNC3027: Generation head 'answer' produces tokens, which needs a text input. Set input.type: text in the Project or change the task.",
    ]);
  });

  it('a head named like a layer, or like the pool nnc adds for a layer, is an error', () => {
    expect(check({ 'heads.yaml': heads('{name: hidden, attach: hidden, task: classification}'), 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'hidden', ...BINARY) })).toEqual([
      "heads.yaml:4:12 - error NNC3033: Head 'hidden' has the name of layer 'hidden', and the model needs a distinct name for each. Rename the head or the layer.",
    ]);
    expect(check({ 'layers.yaml': layers(EMBED, '{name: tone_pool, type: pool, mode: mean}', HIDDEN), 'heads.yaml': heads('{name: tone, attach: hidden, task: classification}'), 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'tone', ...BINARY) })).toEqual([
      "heads.yaml:4:12 - error NNC3033: Head 'tone' has the name of layer 'tone_pool', and the model needs a distinct name for each. Rename the head or the layer.",
    ]);
  });

  it('labelSmoothing on a bce head is an error and nothing else', () => {
    expect(check({ 'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification, loss: bce, labelSmoothing: 0.1}') })).toEqual([
      "heads.yaml:4:88 - error NNC3019: labelSmoothing applies to the 'crossentropy' loss only, but head 'sentiment' uses 'bce'. Remove labelSmoothing or use crossentropy.",
    ]);
  });

  it('a classification head with one class from the data: one error at its name (a list of one is a schema error)', () => {
    const one = dataset('reviews', 'multi_classification', 'sentiment', '{input: "good", label: pos}', '{input: "fine", label: pos}');
    expect(check({ 'datasets/reviews.yaml': one })).toEqual([
      "heads.yaml:4:11 - error NNC3021: Classification head 'sentiment' has 1 class; it needs at least two. Add samples of another class, or list the classes under 'classes'.",
    ]);
  });

  it('a head without data and without classes is a warning, not a class count error', () => {
    expect(check({ 'datasets/reviews.yaml': null })).toEqual([
      "heads.yaml:4:5 - warning NNC3020: No dataset trains head 'sentiment'. Add a Dataset with 'head: sentiment', or remove the head.",
    ]);
  });

  it('five bad records of a source are listed, then one line counts the rest (NNC4005)', () => {
    const records = Array.from({ length: 8 }, (_, i) => `{"input": "review ${i}"}`).join('\n');
    const files = { 'datasets/reviews.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.jsonl\n', 'datasets/reviews.jsonl': `{"input": "good", "label": 1}\n{"input": "bad", "label": 0}\n${records}\n` };
    const related = "\n  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads 'reviews.jsonl'";
    expect(check(files)).toEqual([
      ...[3, 4, 5, 6, 7].map((n) => `datasets/reviews.jsonl:${n}:1 - error NNC4005: Record ${n} of 'reviews.jsonl' has no 'label'; a 'binary_classification' sample needs 'input' and 'label'. Fix the record or change the dataset's type.${related}`),
      "datasets/reviews.yaml:6:9 - error NNC4005: 3 more records of 'reviews.jsonl' do not fit a 'binary_classification' sample. Fix them or change the dataset's type.",
    ]);
  });

  it('two bad layers in a row: only the first is reported, whatever its fault', () => {
    expect(check({ 'layers.yaml': layers(EMBED, POOL, '{name: rnn, type: lstm, units: 8}', '{name: gru, type: gru, units: 8}', HIDDEN) })).toEqual([
      "layers.yaml:6:23 - error NNC3007: Layer 'rnn' cannot follow 'pool' (output [8]): 'lstm' needs a sequence input [steps, width], but gets [8]; put it after an 'embedding' or a layer with returnSequences: true.",
    ]);
    expect(check({ 'layers.yaml': layers(EMBED, '{name: pool, type: pool, mode: mean, out: [8, 8]}', '{name: rnn, type: lstm, units: 8}', HIDDEN) })).toEqual([
      "layers.yaml:5:47 - error NNC3002: Layer 'pool' declares out: [8, 8], but it outputs [8]. Write 'out: [8]', or change the layers that make this shape.",
    ]);
  });

  it('a shape assertion as a list matches only the whole shape', () => {
    expect(check({ 'layers.yaml': layers('{name: embed, type: embedding, units: 8, out: [8, 9]}', POOL, HIDDEN) })).toEqual([
      "layers.yaml:4:51 - error NNC3002: Layer 'embed' declares out: [8, 9], but it outputs [8, 8]. Write 'out: [8, 8]', or change the layers that make this shape.",
    ]);
    expect(check({ 'layers.yaml': layers('{name: embed, type: embedding, units: 8, out: [8]}', POOL, HIDDEN) })).toEqual([
      "layers.yaml:4:51 - error NNC3002: Layer 'embed' declares out: [8], but it outputs [8, 8]. Write 'out: [8, 8]', or change the layers that make this shape.",
    ]);
  });

  it('two Layers, Heads and Tokens documents: one error for each second one', () => {
    const tokens = 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\nfromDatasets: {minCount: 1}\n';
    const lines = check({ 'tokens.yaml': tokens, 'z/tokens.yaml': tokens, 'z/layers.yaml': layers(EMBED), 'z/heads.yaml': heads('{name: other, attach: embed, task: classification}') });
    expect(lines.map((l) => l.split('\n')[0])).toEqual([
      "z/heads.yaml:2:7 - error NNC3003: A project has one 'Heads' document, and 'heads.yaml' already holds one. Merge the two or remove this one.",
      "z/layers.yaml:2:7 - error NNC3003: A project has one 'Layers' document, and 'layers.yaml' already holds one. Merge the two or remove this one.",
      "z/tokens.yaml:2:7 - error NNC3003: A project has one 'Tokens' document, and 'tokens.yaml' already holds one. Merge the two or remove this one.",
    ]);
  });

  it('no Project document: one error naming nnc.yaml', () => {
    expect(check({ 'nnc.yaml': null })).toEqual([
      "datasets/reviews.yaml:1:1 - error NNC3001: The project has no 'Project' document. Add one, conventionally in 'nnc.yaml' with 'apiVersion: nnc/v1' and 'kind: Project'.",
    ]);
  });

  it('a folder of projects is one error naming them sorted; a project whose nnc.yaml sits in a subfolder is one project', () => {
    const other = (name: string) => `apiVersion: nnc/v1\nkind: Project\nname: ${name}\ninput: {type: text}\n`;
    expect(check({ 'nnc.yaml': null, 'layers.yaml': null, 'heads.yaml': null, 'datasets/reviews.yaml': null, 'two/nnc.yaml': other('two'), 'one/nnc.yaml': other('one') }, {})).toEqual([
      "one/nnc.yaml:2:7 - error NNC3032: This folder holds 2 projects ('one', 'two'), not one. Give the folder of one of them, such as 'one' inside this one.",
    ]);
    expect(check({ 'nnc.yaml': null, 'config/nnc.yaml': project('{type: text, maxLength: 8}') })).toEqual([]);
    expect(check({ 'sub/nnc.yaml': other('sub') }).map((l) => l.split(' - ')[1].slice(0, 13))).toEqual(['error NNC3003']);
  });

  it('a clean features project: no vocabulary but the specials, a classification head with no generation error', () => {
    const files = { 'nnc.yaml': project('{type: features, features: 2}'), 'layers.yaml': layers('{name: hidden, type: dense, units: 4}'), 'datasets/reviews.yaml': dataset('reviews', 'binary_classification', 'sentiment', '{input: [1, 2], label: 1}', '{input: [2, 1], label: 0}') };
    const result = compileFiles(files);
    expect(result.diagnostics).toEqual([]);
    expect(result.plan!.vocabulary.tokens).toEqual(['<pad>', '<unk>']);
    expect(result.plan!.heads.map((h) => [h.units, h.activation, h.inputShape])).toEqual([[2, 'softmax', [4]]]);
  });

  it('a generation head beside a classification head brings the generation tokens into the vocabulary', () => {
    const files = {
      'layers.yaml': layers(EMBED, '{name: rnn, type: lstm, units: 8, returnSequences: true}', POOL, HIDDEN),
      'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification}', '{name: answer, attach: rnn, task: generation}'),
      'datasets/qa.yaml': dataset('qa', 'qa', 'answer', '{question: "hi there", answer: "hello"}', '{question: "bye now", answer: "goodbye"}'),
    };
    const result = compileFiles(files);
    expect(result.diagnostics).toEqual([]);
    expect(result.plan!.vocabulary.tokens.slice(0, 5)).toEqual(['<pad>', '<unk>', '<bos>', '<sep>', '<eos>']);
  });

  it('pool on a sequence output is used, without a warning', () => {
    const files = { 'heads.yaml': heads('{name: sentiment, attach: embed, task: classification, pool: max}') };
    expect(check(files)).toEqual([]);
    expect(compileFiles(files).plan!.heads[0].pool).toBe('max');
  });

  it("each head's classes come from its own datasets only", () => {
    const files = {
      'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification}', '{name: topic, attach: hidden, task: classification}'),
      'datasets/reviews.yaml': dataset('reviews', 'multi_classification', 'sentiment', '{input: "good", label: pos}', '{input: "bad", label: neg}'),
      'datasets/topics.yaml': dataset('topics', 'multi_classification', 'topic', '{input: "rain", label: weather}', '{input: "goal", label: sport}', '{input: "phone", label: tech}'),
    };
    expect(planHeads(files).map((h) => [h.name, h.classes, h.units])).toEqual([['sentiment', ['neg', 'pos'], 2], ['topic', ['sport', 'tech', 'weather'], 3]]);
  });

  it('a third head named like the second points at the first of that name', () => {
    const lines = check({ 'heads.yaml': heads('{name: sentiment, attach: hidden, task: classification}', '{name: tone, attach: hidden, task: classification}', '{name: tone, attach: hidden, task: classification}'), 'datasets/tone.yaml': dataset('tone', 'binary_classification', 'tone', ...BINARY) });
    expect(lines).toEqual([
      "heads.yaml:6:12 - error NNC3004: The head name 'tone' is already used. Head names must be unique; rename one.\n  related: heads.yaml:5:12 - the first head named 'tone'",
    ]);
  });

  it('a classification head whose only dataset has no records has 0 classes', () => {
    const files = { 'datasets/reviews.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: multi_classification\nhead: sentiment\nsource: empty.jsonl\n', 'datasets/empty.jsonl': '' };
    expect(check(files).map((l) => l.replace(/ - .*? NNC/, ' NNC'))).toEqual([
      "datasets/reviews.yaml:6:9 NNC4007: The source 'empty.jsonl' holds no records. Add records or remove 'source'.",
      "heads.yaml:4:11 NNC3021: Classification head 'sentiment' has 0 classes; it needs at least two. Add samples of another class, or list the classes under 'classes'.",
    ]);
  });

  it('a head attached to a name like no layer gets the list without a suggestion', () => {
    expect(check({ 'heads.yaml': heads('{name: sentiment, attach: qqqqqq, task: classification}') })).toEqual([
      "heads.yaml:4:31 - error NNC3005: Head 'sentiment' attaches to 'qqqqqq', which is not a layer. Attach it to one of: 'embed', 'pool', 'hidden'.",
    ]);
  });
});

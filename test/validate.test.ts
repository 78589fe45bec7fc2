// The validate stage on inline YAML: each fault is asserted on its exact
// line, column, code and sentence (as `nnc check` would print them).
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSource } from '../src/compiler/load.js';
import { checkSample, csvHeaderProblem, FIELDS } from '../src/compiler/samples.js';
import { sampleSchemas, schemas } from '../src/compiler/validators/schemas.js';
import { METRIC_PATTERN } from '../src/compiler/validators/explain.js';
import { validate, type RawDataset, type RawHeads, type RawLayers, type RawProject, type RawTokens } from '../src/compiler/validate.js';
import { PROJECTS_DIR, yamlFilesBelow } from './helpers/project-yaml-files.js';

const header = (kind: string) => `apiVersion: nnc/v1\nkind: ${kind}\n`;
const layers = (...items: string[]) => `${header('Layers')}layers:\n${items.map((item) => `  - ${item}\n`).join('')}`;
const project = (rest: string) => `${header('Project')}name: demo\ninput: {type: text}\n${rest}`;
const heads = (body: string) => `${header('Heads')}heads:\n${body}`;
const dataset = (type: string, samples: string) => `${header('Dataset')}name: reviews\ntype: ${type}\nhead: sentiment\nsamples:\n${samples}`;

const EMBED = '{name: embed, type: embedding, units: 8}';
const POOL = '{name: pool, type: pool, mode: mean}';
const HIDDEN = '{name: hidden, type: dense, units: 8, activation: relu}';
const DROP = '{name: drop, type: dropout, rate: 0.1}';

function load(text: string, file = 'test.yaml') {
  const loaded = loadSource(file, `/project/${file}`, text);
  expect(loaded.diagnostics).toEqual([]);
  return loaded.documents;
}

/** `line:column NNCcode [underlined text] message` per diagnostic, in order. */
function check(text: string): string[] {
  const lines = text.split('\n');
  return validate(load(text)).diagnostics.map((d) => {
    const underlined = lines[d.line - 1].slice(d.column - 1, d.column - 1 + d.length);
    return `${d.line}:${d.column} NNC${d.code} [${underlined}] ${d.message}`;
  });
}

const ACTIVATIONS = "'elu', 'hardSigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'tanh', 'swish', 'mish', 'gelu' or 'gelu_new'";
const LAYER_TYPES = "'dense', 'linear', 'embedding', 'conv1d', 'lstm', 'gru', 'attention', 'layernorm', 'dropout', 'pool' or 'activation'";

describe('validate: document header', () => {
  it('a document that is not a mapping', () => {
    expect(check('- a\n- b\n')).toEqual([
      "1:1 NNC2001 [- a] This document is a list, not a mapping. A document is a mapping that starts with 'apiVersion: nnc/v1' and 'kind: <kind>'.",
    ]);
  });

  it('a near-miss apiVersion, at its value, with the rest still checked', () => {
    expect(check(`apiVersion: nnc/v2\nkind: Layers\nlayers:\n  - {name: x, type: dense, unit: 8}\n`)).toEqual([
      "1:13 NNC2002 [nnc/v2] 'apiVersion' must be 'nnc/v1', but it is 'nnc/v2'. Did you mean 'nnc/v1'?",
      "4:28 NNC2005 [unit] Unknown key 'unit' in layer 'x'. Did you mean 'units'?",
    ]);
  });

  it('a foreign apiVersion stops there', () => {
    expect(check('apiVersion: apps/v1\nkind: Layers\nlayers: 3\n')).toEqual([
      "1:13 NNC2002 [apps/v1] 'apiVersion' must be 'nnc/v1', but it is 'apps/v1'. This version of nnc reads 'nnc/v1' documents only.",
    ]);
  });

  it('a missing apiVersion, at the first line', () => {
    expect(check('kind: Layers\nlayers:\n  - {name: x, type: dense, units: 8}\n')).toEqual([
      "1:1 NNC2002 [kind: Layers] This document has no 'apiVersion'. Add 'apiVersion: nnc/v1' as its first key.",
    ]);
  });

  it('an unknown kind, with a suggestion', () => {
    expect(check('apiVersion: nnc/v1\nkind: Layer\nlayers: []\n')).toEqual([
      "2:7 NNC2003 [Layer] 'kind' must be one of 'Project', 'Tokens', 'Layers', 'Heads', 'Dataset' or 'Sweep', but it is 'Layer'. Did you mean 'Layers'?",
    ]);
  });

  it('a missing kind, guessed from the keys', () => {
    expect(check('apiVersion: nnc/v1\nheads: []\n')).toEqual(["1:1 NNC2003 [apiVersion: nnc/v1] This document has no 'kind'. Add 'kind: Heads' (it has a 'heads' key)."]);
  });

  it('a missing required key at the root points at kind', () => {
    expect(check(`${header('Project')}input: {type: text}\n`)).toEqual([
      "2:1 NNC2004 [kind] The Project document is missing the required key 'name'. Add it, for example 'name: sentiment'.",
    ]);
  });
});

describe('validate: Layers', () => {
  it('an unknown key with a suggestion, at the key, and no second error for the missing key', () => {
    const documents = load(layers(EMBED, '{name: hidden, type: dense, unit: 64}'));
    const { diagnostics } = validate(documents);
    expect(diagnostics).toEqual([
      {
        code: 2005,
        severity: 'error',
        message: "Unknown key 'unit' in layer 'hidden'. Did you mean 'units'?",
        file: '/project/test.yaml',
        line: 5,
        column: 33,
        length: 4,
        suggestion: 'units',
      },
    ]);
  });

  it('a wrong type, at the value', () => {
    expect(check(layers('{name: hidden, type: dense, units: "64"}'))).toEqual([
      "4:40 NNC2006 [\"64\"] 'units' in layer 'hidden' must be an integer, but it is the string \"64\". Remove the quotes.",
    ]);
  });

  it('a bad activation, with a suggestion and the allowed list', () => {
    expect(check(layers('{name: hidden, type: dense, units: 8, activation: relux}'))).toEqual([
      `4:55 NNC2007 [relux] 'activation' in layer 'hidden' must be one of ${ACTIVATIONS}, but it is 'relux'. Did you mean 'relu'?`,
    ]);
  });

  it('missing required keys, at the layer, in one diagnostic', () => {
    expect(check(layers(EMBED, '{name: conv, type: conv1d}'))).toEqual([
      "5:5 NNC2004 [{name: conv, type: conv1d}] Layer 'conv' is missing the required keys 'filters' and 'kernelSize'. Add them, for example 'filters: 64' and 'kernelSize: 3'.",
    ]);
  });

  it('a bad name says the rule and offers a valid one', () => {
    expect(check(layers('{name: Hidden Layer, type: dense, units: 8}'))).toEqual([
      "4:12 NNC2008 [Hidden Layer] 'name' in layer 'Hidden Layer' must use only lowercase letters, digits and '_', and start with a letter, but it is 'Hidden Layer'. Did you mean 'hidden_layer'?",
    ]);
  });

  it('a number out of range says the limit', () => {
    expect(check(layers('{name: drop, type: dropout, rate: 1.5}'))).toEqual(["4:39 NNC2009 [1.5] 'rate' in layer 'drop' must be less than 1, but it is 1.5."]);
  });

  it('one bad layer among five gives exactly one diagnostic', () => {
    expect(check(layers(EMBED, '{name: conv, type: conv1d, filters: 8, kernelSize: 3, padding: middle}', POOL, HIDDEN, DROP))).toEqual([
      "5:68 NNC2007 [middle] 'padding' in layer 'conv' must be one of 'valid', 'same' or 'causal', but it is 'middle'.",
    ]);
  });

  it('a bad layer in block style points into that layer', () => {
    const text = `${header('Layers')}layers:\n  - name: embed\n    type: embedding\n    units: 8\n  - name: rnn\n    type: lstm\n    units: 16\n    returnSequence: true\n`;
    expect(check(text)).toEqual(["10:5 NNC2005 [returnSequence] Unknown key 'returnSequence' in layer 'rnn'. Did you mean 'returnSequences'?"]);
  });

  it('an unknown layer type, with a suggestion', () => {
    expect(check(layers('{name: x, type: dens, units: 8}'))).toEqual([
      `4:21 NNC2007 [dens] 'type' in layer 'x' must be one of ${LAYER_TYPES}, but it is 'dens'. Did you mean 'dense'?`,
    ]);
  });

  it('a missing layer type lists the types', () => {
    expect(check(layers('{name: x, units: 8}'))).toEqual([`4:5 NNC2004 [{name: x, units: 8}] Layer 'x' is missing the required key 'type'. Add it with one of ${LAYER_TYPES}.`]);
  });

  it("a key of another layer type says which type takes it", () => {
    expect(check(layers('{name: x, type: dense, units: 8, kernelSize: 3}'))).toEqual([
      "4:38 NNC2005 [kernelSize] Unknown key 'kernelSize' in layer 'x': it applies to type 'conv1d', not 'dense'. Remove it, or change 'type'.",
    ]);
  });

  it("the 'linear' alias takes the keys of 'dense'", () => {
    expect(check(layers(EMBED, POOL, '{name: x, type: linear, units: 8, activation: gelu, useBias: false}'))).toEqual([]);
  });

  it('a bad item of a shape assertion', () => {
    expect(check(layers('{name: x, type: dense, units: 8, in: [32, 0]}'))).toEqual(["4:47 NNC2009 [0] Item 2 of 'in' in layer 'x' must be at least 1, but it is 0."]);
  });

  it('layers that are not a list', () => {
    expect(check(`${header('Layers')}layers: {name: x}\n`)).toEqual(["3:9 NNC2006 [{name: x}] 'layers' must be a list, but it is a mapping."]);
  });

  it('an empty layer list', () => {
    expect(check(`${header('Layers')}layers: []\n`)).toEqual(["3:9 NNC2010 [[]] 'layers' must list at least 1 item, but it is empty."]);
  });

  it('one unknown key and one missing key read as a rename', () => {
    expect(check(layers('{name: y, type: conv1d, filters: 3, size: 3}'))).toEqual([
      "4:41 NNC2005 [size] Unknown key 'size' in layer 'y', and the required key 'kernelSize' is missing. Rename 'size' to 'kernelSize'.",
    ]);
  });

  it('an empty value, a fraction for an integer, and a layer type that is a number', () => {
    expect(check(layers('{name: a, type: dense, units: }', '{name: b, type: dense, units: 2.5}', '{name: c, type: 3}'))).toEqual([
      "4:35 NNC2006 [}] 'units' in layer 'a' must be an integer, but it is empty. Give it a value.",
      "5:35 NNC2006 [2.5] 'units' in layer 'b' must be an integer, but it is the number 2.5.",
      "6:21 NNC2006 [3] 'type' in layer 'c' must be a string, but it is the number 3.",
    ]);
  });

  it('a layer that is not a mapping', () => {
    expect(check(layers(EMBED, 'dense'))).toEqual(["5:5 NNC2006 [dense] Layer 2 must be a mapping, but it is the string \"dense\"."]);
  });
});

describe('validate: Project', () => {
  it('an unknown root key with a suggestion', () => {
    expect(check(project('trainig:\n  epochs: 3\n'))).toEqual(["5:1 NNC2005 [trainig] Unknown key 'trainig' in the Project document. Did you mean 'training'?"]);
  });

  it('a key in the wrong case', () => {
    expect(check(project('training:\n  batchsize: 3\n'))).toEqual(["6:3 NNC2005 [batchsize] Unknown key 'batchsize' in 'training'. Did you mean 'batchSize'?"]);
  });

  it('validationSplit of 1', () => {
    expect(check(project('training:\n  validationSplit: 1\n'))).toEqual(["6:20 NNC2009 [1] 'training.validationSplit' must be less than 1, but it is 1."]);
  });

  it('an unknown optimizer', () => {
    expect(check(project('training:\n  optimizer: adamw\n'))).toEqual([
      "6:14 NNC2007 [adamw] 'training.optimizer' must be one of 'adam', 'sgd', 'rmsprop' or 'adagrad', but it is 'adamw'. Did you mean 'adam'?",
    ]);
  });

  it('a schedule named as a string', () => {
    expect(check(project('training:\n  schedule: cosine\n'))).toEqual([
      "6:13 NNC2007 [cosine] 'training.schedule' must be 'none', but it is 'cosine'. Write it as a mapping: {type: cosine}.",
    ]);
  });

  it('a step schedule without its factor', () => {
    expect(check(project('training:\n  schedule: {type: step, every: 5}\n'))).toEqual([
      "6:3 NNC2004 [schedule] 'training.schedule' is missing the required key 'factor'. Add it, for example 'factor: 0.5'.",
    ]);
  });

  it('a cosine schedule with the key of another schedule', () => {
    expect(check(project('training:\n  schedule: {type: cosine, rate: 0.9}\n'))).toEqual([
      "6:28 NNC2005 [rate] Unknown key 'rate' in 'training.schedule': it applies to type 'exponential', not 'cosine'. Remove it, or change 'type'.",
    ]);
  });

  it('a schedule of the wrong type', () => {
    expect(check(project('training:\n  schedule: 5\n'))).toEqual(["6:13 NNC2006 [5] 'training.schedule' must be a string or a mapping, but it is the number 5."]);
  });

  it('features input: features required, text-only keys not used', () => {
    expect(check(`${header('Project')}name: demo\ninput:\n  type: features\n  tokenizer: word\n`)).toEqual([
      "4:1 NNC2004 [input] 'input' is missing the required key 'features' (needed when 'type' is 'features'). Add it, for example 'features: 13'.",
      "6:3 NNC2005 [tokenizer] 'input.tokenizer' is not used when 'type' is 'features'. Remove it.",
    ]);
  });

  it('an unknown key in earlyStopping', () => {
    expect(check(project('training:\n  earlyStopping: {monitor: val_loss, patient: 3}\n'))).toEqual([
      "6:38 NNC2005 [patient] Unknown key 'patient' in 'training.earlyStopping'. Did you mean 'patience'?",
    ]);
  });

  it('a float seed', () => {
    expect(check(project('training:\n  seed: 1.5\n'))).toEqual(["6:9 NNC2006 [1.5] 'training.seed' must be an integer, but it is the number 1.5."]);
  });

  it("'yes' is a string in YAML 1.2, not a boolean", () => {
    expect(check(`${header('Project')}name: demo\ninput: {type: text, lowercase: yes}\n`)).toEqual([
      "4:32 NNC2006 [yes] 'input.lowercase' must be true or false, but it is the string \"yes\".",
    ]);
  });
});

describe('validate: Heads', () => {
  it('a loss not allowed for the task', () => {
    expect(check(heads('  - name: mood\n    attach: hidden\n    task: regression\n    loss: crossentropy\n'))).toEqual([
      "7:11 NNC2007 [crossentropy] 'loss' in head 'mood' must be one of 'mse', 'huber' or 'mae' when 'task' is 'regression', but it is 'crossentropy'.",
    ]);
  });

  it('a misspelt loss suggests among the losses of the task', () => {
    expect(check(heads('  - {name: mood, attach: hidden, task: regression, loss: hubber}\n'))).toEqual([
      "4:58 NNC2007 [hubber] 'loss' in head 'mood' must be one of 'mse', 'huber' or 'mae' when 'task' is 'regression', but it is 'hubber'. Did you mean 'huber'?",
    ]);
  });

  it('a class listed twice, at the second one', () => {
    expect(check(heads('  - {name: mood, attach: hidden, task: classification, classes: [happy, sad, happy]}\n'))).toEqual([
      "4:78 NNC2010 [happy] 'classes' in head 'mood' lists 'happy' twice (items 1 and 3). Remove one of them.",
    ]);
  });

  it('a single class', () => {
    expect(check(heads('  - {name: mood, attach: hidden, task: classification, classes: [happy]}\n'))).toEqual([
      "4:65 NNC2010 [[happy]] 'classes' in head 'mood' must list at least 2 items, but it has 1.",
    ]);
  });

  it('a head without attach and task', () => {
    expect(check(heads('  - {name: mood}\n'))).toEqual(["4:5 NNC2004 [{name: mood}] Head 'mood' is missing the required keys 'attach' and 'task'. Add them."]);
  });

  it('a weight of 0', () => {
    expect(check(heads('  - {name: mood, attach: hidden, task: regression, weight: 0}\n'))).toEqual([
      "4:60 NNC2009 [0] 'weight' in head 'mood' must be greater than 0, but it is 0.",
    ]);
  });
});

describe('validate: Dataset', () => {
  it('a bad sample points at that sample', () => {
    const text = dataset('binary_classification', '  - input: good film\n    label: 1\n  - input: bad film\n    label: 2\n  - input: meh\n');
    expect(check(text)).toEqual([
      "10:12 NNC2007 [2] 'label' in sample 2 must be one of 0 or 1, but it is 2.",
      "11:5 NNC2004 [input: meh] Sample 3 is missing the required key 'label'. Add it.",
    ]);
  });

  it('a misspelt sample field', () => {
    expect(check(dataset('binary_classification', '  - {input: ok, lable: 1}\n'))).toEqual(["7:17 NNC2005 [lable] Unknown key 'lable' in sample 1. Did you mean 'label'?"]);
  });

  it('a field of another dataset type reads as a rename', () => {
    expect(check(dataset('qa', '  - {question: hi, reply: hello}\n'))).toEqual([
      "7:20 NNC2005 [reply] Unknown key 'reply' in sample 1, and the required key 'answer' is missing. Rename 'reply' to 'answer'.",
    ]);
  });

  it('a regression target that is text', () => {
    expect(check(dataset('regression', '  - {input: [1, 2], target: high}\n'))).toEqual([
      "7:29 NNC2006 [high] 'target' in sample 1 must be a number or a list, but it is the string \"high\".",
    ]);
  });

  it('a numeric class name', () => {
    expect(check(dataset('multi_classification', '  - {input: text, label: 3}\n'))).toEqual([
      "7:26 NNC2006 [3] 'label' in sample 1 must be a string, but it is the number 3. Quote it: \"3\".",
    ]);
  });

  it('a feature list with a word in it', () => {
    expect(check(dataset('binary_classification', '  - {input: [1, x], label: 1}\n'))).toEqual([
      "7:17 NNC2006 [x] Item 2 of 'input' in sample 1 must be a number, but it is the string \"x\".",
    ]);
  });

  it('a text_generation prompt that is a list', () => {
    expect(check(dataset('text_generation', '  - {input: [1, 2], target: hi}\n'))).toEqual(["7:13 NNC2006 [[1, 2]] 'input' in sample 1 must be a string, but it is a list."]);
  });

  it('a source that is not JSONL, JSON or CSV', () => {
    expect(check(`${header('Dataset')}name: reviews\ntype: binary_classification\nhead: sentiment\nsource: reviews.txt\n`)).toEqual([
      "6:9 NNC2008 [reviews.txt] 'source' must name a .jsonl, .json or .csv file, but it is 'reviews.txt'.",
    ]);
  });

  it('a misspelt dataset type', () => {
    expect(check(`${header('Dataset')}name: reviews\ntype: regresion\nhead: sentiment\n`)).toEqual([
      "4:7 NNC2007 [regresion] 'type' must be one of 'binary_classification', 'multi_classification', 'qa', 'article_approximation', 'regression' or 'text_generation', but it is 'regresion'. Did you mean 'regression'?",
    ]);
  });

  it('caps the errors of one document', () => {
    const samples = Array.from({ length: 150 }, (_, i) => `  - {input: s${i}, label: 7}\n`).join('');
    const found = check(dataset('binary_classification', samples));
    expect(found).toHaveLength(101);
    expect(found[99]).toBe("106:25 NNC2007 [7] 'label' in sample 100 must be one of 0 or 1, but it is 7.");
    expect(found[100]).toBe('107:26 NNC2010 [7] 50 more schema errors in this document are not shown. Fix the ones above, then check again.');
  });
});

describe('validate: Tokens', () => {
  it('a bad category name, a duplicate token and an empty token', () => {
    expect(check(`${header('Tokens')}categories:\n  General: [a, b]\n  numeric: ["1", "2", "1"]\n  other: [""]\n`)).toEqual([
      "4:3 NNC2008 [General] Category name 'General' must use only lowercase letters, digits and '_', and start with a letter. Did you mean 'general'?",
      "5:23 NNC2010 [\"1\"] Category 'numeric' lists '1' twice (items 1 and 3). Remove one of them.",
      '6:11 NNC2010 [""] Item 1 of category \'other\' must not be empty.',
    ]);
  });

  it('a category that is not a list, and minCount of 0', () => {
    expect(check(`${header('Tokens')}categories:\n  general: good\nfromDatasets: {minCount: 0}\n`)).toEqual([
      "4:12 NNC2006 [good] Category 'general' must be a list, but it is the string \"good\".",
      "5:26 NNC2009 [0] 'fromDatasets.minCount' must be at least 1, but it is 0.",
    ]);
  });
});

describe('validate: results', () => {
  const FORMAT_EXAMPLES = `apiVersion: nnc/v1
kind: Project
name: sentiment
description: Classify short movie reviews.
input:
  type: text
  tokenizer: word
  lowercase: true
  maxLength: 32
training:
  seed: 42
  epochs: 20
  batchSize: 32
  optimizer: adam
  learningRate: 0.001
  schedule: none
  clipNorm: 1.0
  validationSplit: 0.2
  earlyStopping: {monitor: val_loss, patience: 5}
monitor:
  weightsEvery: 50
---
apiVersion: nnc/v1
kind: Tokens
categories:
  special: ["<pad>", "<unk>", "<bos>", "<sep>", "<eos>"]
  general: [good, bad, movie, plot]
  numeric: ["0", "1", "10"]
  alphabetic: [a, b, c]
  punctuation: [".", ",", "!", "?"]
fromDatasets:
  minCount: 2
  maxSize: 5000
---
apiVersion: nnc/v1
kind: Layers
layers:
  - {name: embed,   type: embedding, units: 64}
  - {name: encoder, type: lstm, units: 64, returnSequences: true}
  - {name: conv,    type: conv1d, filters: 64, kernelSize: 3, activation: relu}
  - {name: attend,  type: attention, heads: 4, causal: false}
  - {name: norm,    type: layernorm}
  - {name: pool,    type: pool, mode: mean}
  - {name: hidden,  type: dense, units: 64, activation: relu, in: 64}
  - {name: drop,    type: dropout, rate: 0.1}
---
apiVersion: nnc/v1
kind: Heads
heads:
  - name: sentiment
    attach: hidden
    task: classification
    loss: crossentropy
    labelSmoothing: 0.0
    classes: [negative, positive]
    pool: last
    weight: 1.0
---
apiVersion: nnc/v1
kind: Dataset
name: reviews
type: binary_classification
head: sentiment
source: reviews.jsonl
samples:
  - {input: "a great movie", label: 1}
  - {input: "the plot was awful", label: 0}
`;

  it("accepts FORMAT.md's examples and returns them typed by kind", () => {
    const result = validate(load(FORMAT_EXAMPLES));
    expect(result.diagnostics).toEqual([]);
    expect(result.documents.map((d) => d.kind)).toEqual(['Project', 'Tokens', 'Layers', 'Heads', 'Dataset']);
    const layersDocument = result.documents.find((d) => d.kind === 'Layers');
    if (layersDocument?.kind !== 'Layers') throw new Error('no Layers document');
    expect(layersDocument.value.layers.map((layer) => layer.type)).toEqual(['embedding', 'lstm', 'conv1d', 'attention', 'layernorm', 'pool', 'dense', 'dropout']);
  });

  it('returns only the documents that passed, and points into the right document of a file', () => {
    const text = `${layers(EMBED, POOL, HIDDEN)}---\n${heads('  - {name: mood, attach: hidden, task: sorting}\n')}`;
    const result = validate(load(text));
    expect(result.documents.map((d) => [d.kind, d.index])).toEqual([['Layers', 0]]);
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} NNC${d.code}`)).toEqual(['11:40 NNC2007']);
  });

  it('accepts documents written with the raw types', () => {
    const written: [RawProject, RawTokens, RawLayers, RawHeads, RawDataset, RawDataset] = [
      {
        apiVersion: 'nnc/v1',
        kind: 'Project',
        name: 'iris',
        input: { type: 'features', features: 4 },
        training: { schedule: { type: 'exponential', rate: 0.9 }, clipNorm: 1, earlyStopping: { patience: 3 } },
        monitor: { weightsEvery: 10 },
      },
      { apiVersion: 'nnc/v1', kind: 'Tokens', categories: { special: ['<pad>', '<unk>'] }, fromDatasets: { minCount: 1 } },
      {
        apiVersion: 'nnc/v1',
        kind: 'Layers',
        layers: [
          { name: 'hidden', type: 'dense', units: 16, activation: 'relu', in: 4 },
          { name: 'act', type: 'activation', activation: 'gelu_new' },
          { name: 'rnn', type: 'gru', units: 8, returnSequences: true, recurrentActivation: 'sigmoid', out: [4, 8] },
        ],
      },
      { apiVersion: 'nnc/v1', kind: 'Heads', heads: [{ name: 'species', attach: 'hidden', task: 'classification', loss: 'bce', classes: ['a', 'b'], weight: 2 }] },
      { apiVersion: 'nnc/v1', kind: 'Dataset', name: 'flowers', type: 'regression', head: 'species', samples: [{ input: [1, 2, 3, 4], target: [0.5, 1] }] },
      { apiVersion: 'nnc/v1', kind: 'Dataset', name: 'chat', type: 'qa', head: 'species', source: 'chat.jsonl', samples: [{ question: 'hi?', answer: 'hello' }] },
    ];
    const result = validate(load(written.map((document) => stringify(document)).join('---\n')));
    expect(result.diagnostics).toEqual([]);
    expect(result.documents).toHaveLength(6);
  });
});

describe('checkSample (one checker for inline samples, records and plugin encodes)', () => {
  it('names the field that does not fit, with the fields the type takes from its schema', () => {
    expect(checkSample('binary_classification', { input: 'x', lable: 1 })).toEqual({ error: "has the field 'lable', which a 'binary_classification' sample does not take; its fields are 'input' and 'label'", field: 'lable' });
    expect(checkSample('regression', { input: [1, 'a'], target: 2 })).toEqual({ error: "has a list in 'input', which must be a list of numbers or text", field: 'input' });
    expect(checkSample('qa', { question: 'q', answer: 'a' })).toEqual({ kind: 'generation', prompt: 'q', target: 'a' });
  });
  it('takes its fields from the sample schemas', () => {
    for (const [type, schema] of Object.entries(sampleSchemas)) expect(FIELDS[type as keyof typeof FIELDS]).toEqual((schema as { required: string[] }).required);
  });
  it('says what a CSV header lacks or has too many of', () => {
    expect(csvHeaderProblem('binary_classification', ['input', 'label'])).toBeNull();
    expect(csvHeaderProblem('binary_classification', ['text', 'label'])).toBe("has the column 'text', which a 'binary_classification' record does not take, and lacks 'input'");
    expect(csvHeaderProblem('qa', ['question'])).toBe("lacks 'answer'");
  });
});

describe('validate: metric names', () => {
  it('names the metrics and suggests the closest for a misspelt one', () => {
    const names = 'accuracy, precision, recall, f1, confusion_matrix, auc, pr_auc, log_loss, top_<k>_accuracy, mae, rmse, r2, token_accuracy, perplexity or exact_match';
    expect(check(heads('  - {name: mood, attach: hidden, task: classification, classes: [a, b], metrics: [accuracy, precison, top3_accuracy, zzz]}\n'))).toEqual([
      `4:93 NNC2008 [precison] Item 2 of 'metrics' in head 'mood' must name a metric: ${names}, but it is 'precison'. Did you mean 'precision'?`,
      `4:103 NNC2008 [top3_accuracy] Item 3 of 'metrics' in head 'mood' must name a metric: ${names}, but it is 'top3_accuracy'. Did you mean 'top_3_accuracy'?`,
      `4:118 NNC2008 [zzz] Item 4 of 'metrics' in head 'mood' must name a metric: ${names}, but it is 'zzz'.`,
    ]);
  });

  it("phrases the schema's own metric pattern", () => {
    // the validators are generated from schemas/heads.schema.json with every $ref inlined
    const heads = schemas.Heads as { properties: { heads: { items: { properties: { metrics: { items: { pattern: string } } } } } } };
    expect(heads.properties.heads.items.properties.metrics.items.pattern).toBe(METRIC_PATTERN);
  });
});

describe('projects/', () => {
  // a project with plugins has types only its plugins define: test/projects.test.ts compiles it with them
  const usesPlugins = (path: string) => /^plugins:/m.test(readFileSync(join(PROJECTS_DIR, relative(PROJECTS_DIR, path).split(sep)[0], 'nnc.yaml'), 'utf8'));
  const files = yamlFilesBelow(PROJECTS_DIR).filter((path) => !usesPlugins(path));

  it.skipIf(files.length === 0)('every YAML file validates with zero diagnostics', () => {
    for (const path of files) {
      const rel = relative(PROJECTS_DIR, path);
      const loaded = loadSource(rel, path, readFileSync(path, 'utf8'));
      const found = [...loaded.diagnostics, ...validate(loaded.documents).diagnostics].map((d) => `${rel}:${d.line}:${d.column} NNC${d.code} ${d.message}`);
      expect(found).toEqual([]);
      expect(loaded.documents.length, `${rel} has no documents`).toBeGreaterThan(0);
    }
  });
});

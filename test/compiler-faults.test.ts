// At least 40 faults across the four code ranges, each asserted on every line
// `nnc check` prints for it (file, line, column, severity, code, message and
// related locations), so a fault that starts to cascade fails its case.
import { describe, expect, it } from 'vitest';
import { FAULTS, FOLDER_OF_PROJECTS } from './faults.cases.js';
import { check, compileFiles, ROOT } from './helpers/project.js';

describe('faults', () => {
  it('the base project is clean', () => {
    expect(check({})).toEqual([]);
  });
  it('covers at least 40 distinct faults across the four code ranges', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(FAULTS.map((f) => f.expected.join('\n'))).size).toBe(FAULTS.length);
    const ranges = new Set(FAULTS.flatMap((f) => f.expected.map((line) => line.match(/ NNC(\d)\d{3}: /)?.[1])));
    expect([...ranges].sort()).toEqual(['1', '2', '3', '4']);
    for (const f of FAULTS) expect(f.expected.length, f.name).toBeGreaterThan(0);
  });
  it(FOLDER_OF_PROJECTS.name, () => {
    expect(check(FOLDER_OF_PROJECTS.files, {})).toEqual(FOLDER_OF_PROJECTS.expected);
  });
  for (const fault of FAULTS) {
    it(fault.name, () => {
      expect(check(fault.files)).toEqual(fault.expected);
    });
  }
});

// What a new user met in their first hour: each message says what happened, at the place it happened.
const dataset = (body: string) => `apiVersion: nnc/v1\nkind: Dataset\nname: reviews\n${body}`;
const heads = (body: string) => `apiVersion: nnc/v1\nkind: Heads\nheads:\n${body}`;

describe('messages a new user met', () => {
  it('an error in an external data file points at its line, with the source key as a related location', () => {
    const files = {
      'datasets/reviews.yaml': dataset('type: binary_classification\nhead: sentiment\nsource: ../data/reviews.jsonl\n'),
      'data/reviews.jsonl': '{"input": "good", "label": 1}\n{"input": "bad", "label": 0}\n{"input": "meh"}\n',
    };
    expect(check(files)).toEqual([
      "data/reviews.jsonl:3:1 - error NNC4005: Record 3 of '../data/reviews.jsonl' has no 'label'; a 'binary_classification' sample needs 'input' and 'label'. Fix the record or change the dataset's type.\n  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads '../data/reviews.jsonl'",
    ]);
    const [d] = compileFiles(files).diagnostics;
    expect(d.related).toEqual([{ file: `${ROOT}/datasets/reviews.yaml`, line: 6, column: 9, message: "the 'source' of dataset 'reviews', which reads '../data/reviews.jsonl'" }]);
  });

  it('a CSV record points at its line with the header counted', () => {
    const lines = check({
      'datasets/reviews.yaml': dataset('type: binary_classification\nhead: sentiment\nsource: reviews.csv\n'),
      'datasets/reviews.csv': 'input,label\ngood film,1\n"a long,\nquoted review",0\nok film,7\n',
    });
    expect(lines).toEqual([
      "datasets/reviews.csv:5:1 - error NNC4005: Record 3 of 'reviews.csv' has the number 7 in 'label', which must be 0, 1 or a class name. Fix the record or change the dataset's type.\n  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads 'reviews.csv'",
    ]);
  });

  it('a CSV header that lacks a field or has an unknown column is one error at the header, not one per record', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `review ${i},${i % 2}`).join('\n');
    expect(check({ 'datasets/reviews.yaml': dataset('type: binary_classification\nhead: sentiment\nsource: reviews.csv\n'), 'datasets/reviews.csv': `text,label\n${rows}\n` })).toEqual([
      "datasets/reviews.csv:1:1 - error NNC4010: The header of 'reviews.csv' has the column 'text', which a 'binary_classification' record does not take, and lacks 'input'; a 'binary_classification' record has the columns 'input' and 'label'. Rename the columns in the first line.\n  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads 'reviews.csv'",
    ]);
    // a header of one column before rows of two: the first row is where the file stops being a table
    expect(check({ 'datasets/reviews.yaml': dataset('type: binary_classification\nhead: sentiment\nsource: reviews.csv\n'), 'datasets/reviews.csv': `input\n${rows}\n` })).toEqual([
      "datasets/reviews.csv:2:1 - error NNC4006: The CSV of 'reviews.csv' cannot be parsed: columns length is 1, got 2 on line 2. Give every row as many cells as the header, and quote cells that hold commas.\n  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads 'reviews.csv'",
    ]);
  });

  it('one extra indent in heads.yaml is reported at the line that has it, saying what happened', () => {
    expect(check({ 'heads.yaml': heads('  - name: sentiment\n    attach: hidden\n     task: classification\n    loss: crossentropy\n') })).toEqual([
      "heads.yaml:6:6 - error NNC1003: 'task' is indented 1 space more than 'attach' (line 5), so YAML reads it as part of the value of 'attach'. Indent 'task' like 'attach', with 4 spaces.",
    ]);
  });

  it("NNC3002 says what to change: the assertion, or the layer the width comes from", () => {
    const layers = 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: embed, type: embedding, units: 16}\n  - {name: pool, type: pool, mode: mean}\n  - {name: hidden, type: dense, units: 8, in: 32}\n';
    expect(check({ 'layers.yaml': layers })).toEqual([
      "layers.yaml:6:47 - error NNC3002: Layer 'hidden' declares in: 32, but 'pool' outputs 16. Write 'in: 16', or give 'embed', where this width comes from, 32 units.",
    ]);
  });

  it("a binary dataset on a head of 3 classes is one error, without 'No dataset trains head'", () => {
    const lines = check({ 'heads.yaml': heads('  - name: sentiment\n    attach: hidden\n    task: classification\n    classes: [neg, neutral, pos]\n') });
    expect(lines).toEqual([
      "datasets/reviews.yaml:4:7 - error NNC3013: Dataset 'reviews' is 'binary_classification', but head 'sentiment' has 3 classes. Use 'multi_classification' or give the head two classes.",
    ]);
  });

  it("the '<unk>' warning names fromDatasets.maxSize when it is what leaves the words out", () => {
    const lines = check({ 'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\n  general: [good]\nfromDatasets: {minCount: 1, maxSize: 4}\n' });
    expect(lines).toEqual([
      "datasets/reviews.yaml:3:7 - warning NNC3017: 86% of the tokens in dataset 'reviews' are unknown ('<unk>'): 'fromDatasets.maxSize: 4' caps the vocabulary at 4 tokens, and 6 more distinct words of the data are seen at least minCount (1) times. Raise maxSize to 10 to take them.\n  related: tokens.yaml:6:38 - fromDatasets.maxSize: 4",
    ]);
  });

  it("and fromDatasets.minCount when the words are rarer than it", () => {
    const lines = check({ 'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\nfromDatasets: {minCount: 3}\n' });
    expect(lines).toEqual([
      "datasets/reviews.yaml:3:7 - warning NNC3017: 100% of the tokens in dataset 'reviews' are unknown ('<unk>'): all its 7 distinct unknown words are seen fewer than 'fromDatasets.minCount: 3' times, so the vocabulary leaves them out. Lower minCount, or add them to a category.\n  related: tokens.yaml:5:26 - fromDatasets.minCount: 3",
    ]);
  });
});

// One fault, one diagnostic: what used to cascade, and where the line between a cascade and a second finding is.
describe('cascades', () => {
  const reviews = (body: string) => dataset(`type: binary_classification\n${body}`);
  it('a quote left open is one error, not also the flow mapping it swallowed; an unclosed mapping before it is its own error', () => {
    expect(check({ 'datasets/reviews.yaml': reviews('head: sentiment\nsamples: [{input: "good", label: 1}, {input: "bad, label: 0}]\n') })).toEqual([
      'datasets/reviews.yaml:7:1 - error NNC1004: Missing closing "quote. Close the quote that was opened.',
    ]);
    expect(check({ 'datasets/reviews.yaml': reviews('head: sentiment\nsamples:\n  - {input: "good", label: 1\n  - {input: "bad, label: 0}\n') })).toEqual([
      "datasets/reviews.yaml:8:3 - error NNC1003: Flow map in block collection must be sufficiently indented and end with a }. Close the '{' with a '}' on the same item, or indent the lines that continue it.",
      'datasets/reviews.yaml:9:1 - error NNC1004: Missing closing "quote. Close the quote that was opened.',
    ]);
  });

  const twoHeads = heads('  - name: sentiment\n    attach: hidden\n    task: classification\n  - name: topic\n    attach: hidden\n    task: classification\n');
  const samples = 'samples:\n  - {input: "good", label: 1}\n  - {input: "bad", label: 0}\n';
  it('a dataset naming a misspelt head: no "No dataset trains" for the head it suggests, but for the other head', () => {
    expect(check({ 'heads.yaml': twoHeads, 'datasets/reviews.yaml': reviews(`head: sentimnt\n${samples}`) })).toEqual([
      "datasets/reviews.yaml:5:7 - error NNC3006: Dataset 'reviews' trains head 'sentimnt', which is not a head. Did you mean 'sentiment'? Use the name of a head in the Heads document.",
      "heads.yaml:7:5 - warning NNC3020: No dataset trains head 'topic'. Add a Dataset with 'head: topic', or remove the head.",
    ]);
  });

  it('a dataset naming a head that exists suggests nothing: the head named like it still warns without data', () => {
    const close = heads('  - name: sentiment\n    attach: hidden\n    task: classification\n  - name: sentiments\n    attach: hidden\n    task: classification\n');
    expect(check({ 'heads.yaml': close })).toEqual([
      "heads.yaml:7:5 - warning NNC3020: No dataset trains head 'sentiments'. Add a Dataset with 'head: sentiments', or remove the head.",
    ]);
  });

  it('a head name nothing is close to: nnc cannot tell which head was meant, so every head without data is still said', () => {
    expect(check({ 'datasets/reviews.yaml': reviews(`head: mood\n${samples}`) })).toEqual([
      "datasets/reviews.yaml:5:7 - error NNC3006: Dataset 'reviews' trains head 'mood', which is not a head. Use the name of a head in the Heads document.",
      "heads.yaml:4:5 - warning NNC3020: No dataset trains head 'sentiment'. Add a Dataset with 'head: sentiment', or remove the head.",
    ]);
  });
});

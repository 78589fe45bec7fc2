// At least 40 faults across the four code ranges, each asserted on its exact
// file, line, column, code and message, as `nnc check` prints them.
import { describe, expect, it } from 'vitest';
import { FAULTS, FOLDER_OF_PROJECTS } from './faults.cases.js';
import { check, compileFiles, ROOT } from './helpers/project.js';

describe('faults', () => {
  it('the base project is clean', () => {
    expect(check({})).toEqual([]);
  });
  it('covers at least 40 distinct faults across the four code ranges', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(FAULTS.map((f) => f.expected)).size).toBe(FAULTS.length);
    const codes = new Set(FAULTS.map((f) => f.expected.match(/NNC(\d)/)?.[1]));
    expect([...codes].sort()).toEqual(['1', '2', '3', '4']);
  });
  it(FOLDER_OF_PROJECTS.name, () => {
    expect(check(FOLDER_OF_PROJECTS.files, {})).toEqual([FOLDER_OF_PROJECTS.expected]);
  });
  for (const fault of FAULTS) {
    it(fault.name, () => {
      expect(check(fault.files)).toContain(fault.expected);
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
    expect(lines.map((l) => l.split(' - ')[0])).toEqual(['datasets/reviews.csv:5:1']);
  });

  it('a CSV header that lacks a field or has an unknown column is one error at the header, not one per record', () => {
    const rows = Array.from({ length: 20 }, (_, i) => `review ${i},${i % 2}`).join('\n');
    expect(check({ 'datasets/reviews.yaml': dataset('type: binary_classification\nhead: sentiment\nsource: reviews.csv\n'), 'datasets/reviews.csv': `text,label\n${rows}\n` }).filter((l) => / NNC4\d{3}/.test(l))).toEqual([
      "datasets/reviews.csv:1:1 - error NNC4010: The header of 'reviews.csv' has the column 'text', which a 'binary_classification' record does not take, and lacks 'input'; a 'binary_classification' record has the columns 'input' and 'label'. Rename the columns in the first line.\n  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads 'reviews.csv'",
    ]);
    expect(check({ 'datasets/reviews.yaml': dataset('type: binary_classification\nhead: sentiment\nsource: reviews.csv\n'), 'datasets/reviews.csv': `input\n${rows}\n` }).filter((l) => / NNC4\d{3}/.test(l))).toHaveLength(1);
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
    expect(lines.map((l) => l.match(/NNC\d+/)![0])).toEqual(['NNC3013']);
  });

  it("the '<unk>' warning names fromDatasets.maxSize when it is what leaves the words out", () => {
    const lines = check({ 'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\n  general: [good]\nfromDatasets: {minCount: 1, maxSize: 4}\n' });
    expect(lines).toEqual([
      "datasets/reviews.yaml:3:7 - warning NNC3017: 86% of the tokens in dataset 'reviews' are unknown ('<unk>'): 'fromDatasets.maxSize: 4' caps the vocabulary at 4 tokens, and 6 more distinct words of the data are seen at least minCount (1) times. Raise maxSize to 10 to take them.\n  related: tokens.yaml:6:38 - fromDatasets.maxSize: 4",
    ]);
  });

  it("and fromDatasets.minCount when the words are rarer than it", () => {
    const lines = check({ 'tokens.yaml': 'apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  special: ["<pad>", "<unk>"]\nfromDatasets: {minCount: 3}\n' });
    expect(lines[0]).toMatch(/: all its 7 distinct unknown words are seen fewer than 'fromDatasets.minCount: 3' times, so the vocabulary leaves them out\. Lower minCount, or add them to a category\.\n {2}related: tokens\.yaml:5:26 - fromDatasets\.minCount: 3$/);
  });
});

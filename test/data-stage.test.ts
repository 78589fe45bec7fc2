// The data stage streams records into compact columns (dataset-columns.ts):
// no object per sample survives the compile, diagnostics keep their record
// lines, and a malformed file drops what its records added.
import { describe, expect, it } from 'vitest';
import type { DatasetSamples } from '../src/compiler/plan-data.js';
import { check, compileFiles } from './helpers/project.js';

const dataset = (source = 'reviews.jsonl') => ({ 'datasets/reviews.yaml': `apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsource: ${source}\n` });
const WORDS = 'good bad great awful movie plot film acting music story fun dull'.split(' ');

describe('the data stage', () => {
  it('keeps a big source as typed arrays: a few bytes per sample beyond its token ids, no object per sample', () => {
    const count = 20_000;
    const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ input: Array.from({ length: 4 + (i % 7) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' '), label: i % 2 }));
    const result = compileFiles({ ...dataset(), 'datasets/reviews.jsonl': lines.join('\n') + '\n' });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const data = result.data!.datasets[0];
    expect(data.count).toBe(count);
    let bytes = 0;
    for (const [key, value] of Object.entries(data) as Array<[keyof DatasetSamples, unknown]>) {
      if (key === 'preview') {
        expect((value as unknown[]).length).toBe(5);
        continue;
      }
      if (value === null || typeof value !== 'object') continue;
      const arrays = ArrayBuffer.isView(value) ? [value] : Object.values(value as object);
      for (const array of arrays) {
        expect(ArrayBuffer.isView(array), `${key} holds typed arrays`).toBe(true);
        bytes += (array as ArrayBufferView).byteLength;
      }
    }
    const tokens = data.tokens!.ids.length;
    expect(tokens).toBe(lines.reduce((n, line) => n + JSON.parse(line).input.split(' ').length, 0));
    // keys 8, split 1, label 4, offset 4 bytes per sample, 4 per token
    expect(bytes).toBe(count * (8 + 1 + 4 + 4) + 4 + tokens * 4);
  });

  it('reports records that do not fit at their lines, blank lines counted', () => {
    const text = ['{"input": "a good movie", "label": 1}', '', '{"input": "a bad movie"}', '{"input": "fun", "label": 0}', '{"input": [1, 2], "label": 0}'].join('\n');
    expect(check({ ...dataset(), 'datasets/reviews.jsonl': text })).toEqual([
      "datasets/reviews.jsonl:3:1 - error NNC4005: Record 2 of 'reviews.jsonl' has no 'label'; a 'binary_classification' sample needs 'input' and 'label'. Fix the record or change the dataset's type.\n  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads 'reviews.jsonl'",
      "datasets/reviews.jsonl:5:1 - error NNC4005: Record 4 of 'reviews.jsonl' has a list of numbers in 'input', but the project's input is 'text'. Give text, or set input.type: features in the Project.\n  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews', which reads 'reviews.jsonl'",
    ]);
  });

  it('drops what a malformed file added: only the parse error is reported', () => {
    const good = Array.from({ length: 30 }, (_, i) => JSON.stringify({ input: `zebra ${i}`, label: i % 2 }));
    const text = [...good, '{"input": [1], "label": 0}', '{"input": "broken'].join('\n');
    const result = compileFiles({
      ...dataset(),
      'datasets/reviews.jsonl': text,
      'datasets/inline.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: inline\ntype: binary_classification\nhead: sentiment\nsamples:\n  - {input: "a great movie", label: 1}\n  - {input: "the plot was awful", label: 0}\n',
    });
    const lines = result.diagnostics.map((d) => `${d.severity} NNC${d.code}: ${d.message}`);
    expect(lines).toEqual([expect.stringMatching(/^error NNC4002: Record 32 of 'reviews.jsonl' is not valid JSON/)]);
  });
});

// The validate stage on big documents: 1,000 layers and 100,000 inline samples
// validate in milliseconds; 50,000 bad samples still give a bounded report.
// Limits are loose (a shared 2-core machine); the numbers are printed.
import { describe, expect, it } from 'vitest';
import { loadSource, type LoadedDocument } from '../src/compiler/load.js';
import { validate } from '../src/compiler/validate.js';

const LAYERS = 1000;
const SAMPLES = 100_000;

/** A loaded document whose value is replaced by a big one: valid documents never touch the YAML nodes. */
function bigDocument(header: string, value: Record<string, unknown>): LoadedDocument {
  const [document] = loadSource('big.yaml', '/project/big.yaml', header).documents;
  return { ...document, value };
}

describe('validate speed', () => {
  it(`validates ${LAYERS} layers and ${SAMPLES} inline samples quickly`, () => {
    const layers = bigDocument('apiVersion: nnc/v1\nkind: Layers\nlayers: []\n', {
      apiVersion: 'nnc/v1',
      kind: 'Layers',
      layers: Array.from({ length: LAYERS }, (_, i) => ({ name: `layer_${i}`, type: i % 2 ? 'dense' : 'dropout', ...(i % 2 ? { units: 8, activation: 'relu' } : { rate: 0.1 }) })),
    });
    const dataset = bigDocument('apiVersion: nnc/v1\nkind: Dataset\nname: big\ntype: binary_classification\nhead: h\n', {
      apiVersion: 'nnc/v1',
      kind: 'Dataset',
      name: 'big',
      type: 'binary_classification',
      head: 'h',
      samples: Array.from({ length: SAMPLES }, (_, i) => ({ input: `sample number ${i} is fine`, label: i % 2 })),
    });
    let started = performance.now();
    const cold = validate([layers, dataset]);
    const coldMs = performance.now() - started;
    started = performance.now();
    const warm = validate([layers, dataset]);
    const warmMs = performance.now() - started;
    console.log(`validate ${LAYERS} layers + ${SAMPLES} samples: first ${coldMs.toFixed(1)} ms, again ${warmMs.toFixed(1)} ms`);
    expect(cold.diagnostics).toEqual([]);
    expect(warm.documents.map((d) => d.kind)).toEqual(['Layers', 'Dataset']);
    expect(coldMs).toBeLessThan(2000);
    expect(warmMs).toBeLessThan(1000);
  });

  it('reports 100 errors and a count when half of many samples are bad', () => {
    const count = 6000;
    const text = `apiVersion: nnc/v1\nkind: Dataset\nname: big\ntype: binary_classification\nhead: h\nsamples:\n${Array.from({ length: count }, (_, i) => `  - {input: s${i}, label: ${i % 2 ? 3 : 0}}\n`).join('')}`;
    const documents = loadSource('big.yaml', '/project/big.yaml', text).documents;
    const started = performance.now();
    const { diagnostics } = validate(documents);
    const ms = performance.now() - started;
    console.log(`validate ${count} samples, ${count / 2} bad: ${ms.toFixed(1)} ms`);
    expect(diagnostics).toHaveLength(101);
    expect(diagnostics[0]).toMatchObject({ line: 8, code: 2007, message: "'label' in sample 2 must be one of 0 or 1, but it is 3." });
    // 2,000 raw errors are phrased (an enum and its if-wrapper per bad sample): 1,000 places, 100 shown; the rest are counted
    expect(diagnostics[100]).toMatchObject({ line: 208, code: 2010, message: 'About 2900 more schema errors in this document are not shown. Fix the ones above, then check again.' });
    expect(ms).toBeLessThan(3000);
  });
});

// Big inline datasets take a fast path around the yaml library; it must give
// the same values and the same diagnostic positions as the yaml library.
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { extractFastSamples } from '../src/compiler/fast-samples.js';
import { formatDiagnostic } from '../src/compiler/format.js';
import { memoryHost } from '../src/compiler/host.js';
import { BASE, ROOT } from './helpers/project.js';

const SHAPES = [
  (i: number) => `{input: "a great movie number ${i}", label: 1}`,
  (i: number) => `{input: 'it''s dull ${i}', label: 0}`,
  (i: number) => `{"input": "tab\\there \\"quoted\\" ${i}", "label": 1}`,
  (i: number) => `{input: plain words here ${i}, label: 0}`,
  (i: number) => `{ input: "spaces around" ,  label: 1 }`,
  (i: number) => JSON.stringify({ input: `json style ${i}`, label: i % 2 }),
];

function project(count: number, bad: number | null, tail = '') {
  const samples = Array.from({ length: count }, (_, i) => `  - ${i === bad ? '{input: "broken", label: 7}' : SHAPES[i % SHAPES.length](i)}`);
  return { ...BASE, 'datasets/reviews.yaml': `apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n${samples.join('\n')}\n${tail}` };
}

const run = (files: Record<string, string>) => {
  const r = compile(ROOT, memoryHost(ROOT, files));
  return { plan: r.plan, data: r.data, lines: r.diagnostics.map((d) => formatDiagnostic(d, { cwd: ROOT })) };
};

describe('fast inline samples', () => {
  it('reads a big list the way the yaml library does', () => {
    const fast = project(6000, null);
    expect(extractFastSamples(fast['datasets/reviews.yaml'])).not.toBeNull();
    const slow = project(6000, null, '  # a comment line makes the fast path give up\n');
    expect(extractFastSamples(slow['datasets/reviews.yaml'])).toBeNull();
    const a = run(fast);
    const b = run(slow);
    expect(a.lines).toEqual([]);
    expect(a.data!.datasets[0]).toEqual(b.data!.datasets[0]);
    expect(a.plan!.hash).toBe(b.plan!.hash);
  });

  it('points at the same line and column for a bad sample', () => {
    const a = run(project(6000, 4321));
    const b = run(project(6000, 4321, '  # slow\n'));
    expect(a.lines).toEqual(b.lines);
    expect(a.lines[0]).toMatch(/^datasets\/reviews\.yaml:4328:\d+ - error NNC2007: /);
  });

  it('gives up on anything unusual', () => {
    const big = (line: string) => `samples:\n${Array.from({ length: 10000 }, () => line).join('\n')}\n`;
    expect(extractFastSamples(big('  - {input: "x", label: 1}'))).not.toBeNull();
    for (const odd of ['  - {input: *alias, label: 1}', '  - {input: "x", input: "y"}', '  - {input: {nested: 1}, label: 1}', '  - {input: 0x1F, label: 1}', '  - {input: "x" label: 1}']) {
      expect(extractFastSamples(big(odd)), odd).toBeNull();
    }
  });
});

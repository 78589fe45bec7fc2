// The example projects and fixtures compile cleanly and, between them, use
// every layer type, head task, loss and dataset type of FORMAT.md.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { LAYER_RULES } from '../src/compiler/layer-types.js';

const folders = [...readdirSync('projects').map((n) => join('projects', n)), 'test/fixtures/tiny', 'test/fixtures/tiny-features'].filter((p) => statSync(p).isDirectory());
const results = folders.map((dir) => ({ dir, result: compile(dir) }));

describe('example projects', () => {
  for (const { dir, result } of results) {
    it(`${dir} compiles without errors or warnings`, () => {
      expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(result.plan).not.toBeNull();
    });
  }
  it('cover every layer type, head task, loss and dataset type', () => {
    const plans = results.filter((r) => r.dir.startsWith('projects')).map((r) => r.result.plan!);
    const used = (f: (p: (typeof plans)[0]) => string[]) => new Set(plans.flatMap(f));
    // built-in types; projects/plugin-demo adds a plugin layer type and a plugin dataset type
    expect([...used((p) => p.layers.filter((l) => !l.plugin).map((l) => l.type))].sort()).toEqual(Object.keys(LAYER_RULES).sort());
    expect([...used((p) => p.layers.filter((l) => l.plugin).map((l) => `${l.plugin}:${l.type}`))]).toEqual(['scaled-dense:scaled_dense']);
    expect([...used((p) => p.datasets.filter((d) => d.plugin).map((d) => `${d.plugin!.name}:${d.plugin!.type}`))]).toEqual(['scaled-dense:star_reviews']);
    expect([...used((p) => p.heads.map((h) => h.task))].sort()).toEqual(['classification', 'generation', 'regression']);
    expect([...used((p) => p.heads.map((h) => h.loss))].sort()).toEqual(['bce', 'crossentropy', 'huber', 'mae', 'mse']);
    expect([...used((p) => p.datasets.map((d) => d.type))].sort()).toEqual(['article_approximation', 'binary_classification', 'multi_classification', 'qa', 'regression', 'text_generation']);
    expect([...used((p) => p.datasets.map((d) => (d.source ?? '').replace(/.*\./, '')))].sort()).toEqual(expect.arrayContaining(['csv', 'jsonl']));
    expect(plans.some((p) => p.heads.length >= 2 && new Set(p.heads.map((h) => h.attach)).size === 1)).toBe(true); // multi-task on one trunk
  });
});

// The pure parts of `nnc diff`: matching layers, folding unchanged runs, and
// fitting a markdown comment into GitHub's limit.
import { describe, expect, test } from 'vitest';
import { comparePlans, type SideInput } from '../src/diff/compare.js';
import { visibleLayers } from '../src/diff/describe.js';
import { layerRows, longestIncreasing } from '../src/diff/layer-rows.js';
import { renderMarkdown } from '../src/diff/render-markdown.js';
import type { LayerView, SideView } from '../src/diff/side-view.js';
import { viewOfDocuments } from '../src/diff/side-view.js';

const layer = (name: string, units = 8): LayerView => ({ name, type: 'dense', config: { units }, inputShape: [8], outputShape: [units], params: 8 * units + units, hash: `${name}:${units}` });

describe('layer matching', () => {
  test('longest increasing subsequence', () => {
    expect(longestIncreasing([])).toEqual([]);
    expect(longestIncreasing([3, 0, 1, 2])).toEqual([0, 1, 2]);
    expect(longestIncreasing([0, 4, 1, 2, 3, 5])).toEqual([0, 1, 2, 3, 5]);
  });

  test('removed layers stay where they stood, added ones where they are', () => {
    const rows = layerRows([layer('a'), layer('b'), layer('c'), layer('d')], [layer('a'), layer('x'), layer('c', 16), layer('d')]);
    expect(rows.map((r) => [r.marker, r.name, r.changedKeys.join(',')])).toEqual([
      ['', 'a', ''],
      ['-', 'b', ''],
      ['+', 'x', ''],
      ['~', 'c', 'units'],
      ['', 'd', ''],
    ]);
  });

  test('a layer moved to the top is the one marked moved', () => {
    const rows = layerRows([layer('a'), layer('b'), layer('c'), layer('d')], [layer('d'), layer('a'), layer('b'), layer('c')]);
    expect(rows.map((r) => `${r.marker || '='}${r.name}`)).toEqual(['movedd', '=a', '=b', '=c']);
  });

  test('long runs of unchanged layers fold around a count', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const rows = layerRows(names.map((n) => layer(n)), [...names.map((n) => layer(n)), layer('g')]);
    expect(visibleLayers(rows).map((r) => ('unchanged' in r ? `…${r.unchanged}` : `${r.marker || '='}${r.name}`))).toEqual(['=a', '…4', '=f', '+g']);
  });
});

describe('YAML as written', () => {
  test('layers get the compiler defaults, so an unchanged layer compares equal to a plan', () => {
    const view = viewOfDocuments([{ apiVersion: 'nnc/v1', kind: 'Layers', layers: [{ name: 'hidden', type: 'linear', units: 8 }, { name: 'x', type: 'nope', size: 3 }] }], true);
    expect(view.layers).toEqual([
      { name: 'hidden', type: 'dense', config: { units: 8, activation: 'linear', useBias: true }, inputShape: null, outputShape: null, params: null, hash: null },
      { name: 'x', type: 'nope', config: { size: 3 }, inputShape: null, outputShape: null, params: null, hash: null },
    ]);
    // a file that did not parse may have held the Heads: unknown, not empty
    expect(viewOfDocuments([], false).heads).toBeNull();
    expect(viewOfDocuments([], true).heads).toEqual([]);
  });
});

describe('markdown', () => {
  const side = (view: SideView, label: string): SideInput => ({ label, commit: null, project: 'p', projectDir: '/p', view, diagnostics: [] });
  const view = (layers: LayerView[]): SideView => ({
    compiled: true, planHash: 'p', modelHash: 'm', params: 1, weightBytes: 4, layers, heads: [], vocabulary: {}, vocabularySize: 2, datasets: [], settings: {},
  });

  test('a small diff is left whole', () => {
    const diff = comparePlans(side(view([layer('a')]), 'base'), side(view([layer('a', 16)]), 'head'));
    const md = renderMarkdown(diff);
    expect(md).not.toContain('not shown');
    expect(md).toContain('| ~ | `a` | dense | [8] → [16] | 72 → 144 | units |');
  });

  test('a long table is cut to the limit, with a note of how many rows were left out', () => {
    const many = (units: number) => Array.from({ length: 500 }, (_, i) => layer(`layer_${i}`, units));
    const diff = comparePlans(side(view(many(8)), 'base'), side(view(many(16)), 'head'));
    const md = renderMarkdown(diff, { limit: 5000 });
    expect(md.length).toBeLessThanOrEqual(5000);
    const shown = md.split('\n').filter((l) => l.startsWith('| ~ |')).length;
    expect(shown).toBeGreaterThan(10);
    expect(md).toContain(`_… ${500 - shown} more rows not shown (comment size limit)`);
    expect(md.indexOf('not shown')).toBeLessThan(md.lastIndexOf('</details>'));
  });
});

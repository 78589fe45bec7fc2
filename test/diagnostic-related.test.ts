// Related locations are data: the terminal, --format json, the viewer's wire
// view and `nnc diff` (text and markdown) all render them, from one
// diagnostic that the compiler made (a layer name used twice).
import { describe, expect, it } from 'vitest';
import { diagnosticsToJson, formatDiagnostic } from '../src/compiler/format.js';
import { comparePlans, type SideInput } from '../src/diff/compare.js';
import { renderMarkdown } from '../src/diff/render-markdown.js';
import { renderText } from '../src/diff/render-text.js';
import type { SideView } from '../src/diff/side-view.js';
import { diagnosticView } from '../src/runtime/server/views.js';
import { compileFiles, ROOT } from './helpers/project.js';

const LAYERS = 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: embed, type: embedding, units: 8}\n  - {name: pool, type: pool, mode: mean}\n  - {name: pool, type: dense, units: 8}\n';
const [duplicate] = compileFiles({ 'layers.yaml': LAYERS }).diagnostics.filter((d) => d.code === 3004);

describe('related locations', () => {
  it('the compiler gives them as data, not prose', () => {
    expect(duplicate.related).toEqual([{ file: `${ROOT}/layers.yaml`, line: 5, column: 12, message: "the first layer named 'pool'" }]);
  });

  it('the terminal prints each under its diagnostic', () => {
    expect(formatDiagnostic(duplicate, { cwd: ROOT }).split('\n')).toEqual([
      "layers.yaml:6:12 - error NNC3004: The layer name 'pool' is already used by layer 2. Layer names must be unique; rename one.",
      "  related: layers.yaml:5:12 - the first layer named 'pool'",
    ]);
  });

  it('--format json carries them with relative paths, and where the code is documented', () => {
    const [json] = diagnosticsToJson([duplicate], ROOT) as Array<Record<string, unknown>>;
    expect(json.related).toEqual([{ file: 'layers.yaml', line: 5, column: 12, message: "the first layer named 'pool'" }]);
    expect(json.docs).toBe('docs/diagnostics.md#nnc3004');
    expect(json.codeName).toBe('NNC3004');
  });

  it('the viewer gets them on the wire, project-relative', () => {
    expect(diagnosticView(ROOT, duplicate).related).toEqual([{ file: 'layers.yaml', line: 5, column: 12, message: "the first layer named 'pool'" }]);
  });

  it('nnc diff shows them under the diagnostic, as text and as markdown', () => {
    const view: SideView = { compiled: false, planHash: null, modelHash: null, params: null, weightBytes: null, layers: [], heads: [], vocabulary: {}, vocabularySize: null, datasets: [], settings: {} } as unknown as SideView;
    const side = (label: string, diagnostics: SideInput['diagnostics']): SideInput => ({ label, commit: null, project: 'demo', projectDir: ROOT, view, diagnostics });
    const diff = comparePlans(side('base', []), side('head', [duplicate]));
    expect(renderText(diff)).toContain("  layers.yaml:6:12 - error NNC3004: The layer name 'pool' is already used by layer 2. Layer names must be unique; rename one.\n    related: layers.yaml:5:12 - the first layer named 'pool'");
    expect(renderMarkdown(diff)).toContain("\n  - related: `layers.yaml:5:12` the first layer named 'pool'");
  });
});

// Overrides (--set path=value): written over the loaded documents before
// validation, so the schemas and checks judge them; every fault is a
// diagnostic in the '<--set n>' pseudo-file at the column of the fault.
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { formatDiagnostic } from '../src/compiler/format.js';
import { memoryHost } from '../src/compiler/host.js';
import { parseSetArgument, type Override } from '../src/compiler/overrides.js';
import { BASE, ROOT } from './helpers/project.js';

function sets(...args: string[]): Override[] {
  return args.map((arg, i) => {
    const parsed = parseSetArgument(arg, i + 1);
    if (!parsed.override) throw new Error(JSON.stringify(parsed.diagnostics));
    return parsed.override;
  });
}

const compileWith = (...args: string[]) => compile(ROOT, memoryHost(ROOT, BASE), { overrides: sets(...args) });
const lines = (...args: string[]) => compileWith(...args).diagnostics.map((d) => formatDiagnostic(d, { cwd: ROOT }));

describe('--set', () => {
  it('writes values into the plan, lists them in it, and changes its hash', () => {
    const base = compile(ROOT, memoryHost(ROOT, BASE)).plan!;
    const result = compileWith('layers.hidden.units=12', 'training.learningRate=3e-3', 'project.training.epochs=4', 'heads.sentiment.weight=2');
    expect(result.diagnostics).toEqual([]);
    const plan = result.plan!;
    expect(plan.layers.find((l) => l.name === 'hidden')!.outputShape).toEqual([12]);
    expect(plan.project.training.learningRate).toBe(0.003);
    expect(plan.project.training.epochs).toBe(4);
    expect(plan.heads[0].weight).toBe(2);
    expect(plan.overrides).toEqual(['layers.hidden.units=12', 'training.learningRate=0.003', 'project.training.epochs=4', 'heads.sentiment.weight=2']);
    expect(plan.hash).not.toBe(base.hash);
    expect(base.overrides).toBeUndefined();
  });

  it('the same value as the file gives the same hash (the list is not hashed)', () => {
    const base = compile(ROOT, memoryHost(ROOT, BASE)).plan!;
    expect(compileWith('layers.hidden.units=8').plan!.hash).toBe(base.hash);
  });

  it('takes YAML flow values: lists, mappings, booleans', () => {
    const plan = compileWith('training.earlyStopping={monitor: loss, patience: 2}', 'input.lowercase=false', 'datasets.reviews.samples=[{input: "good", label: 1}, {input: "bad", label: 0}, {input: "fine", label: 1}]').plan!;
    expect(plan.project.training.earlyStopping).toMatchObject({ monitor: 'loss', patience: 2 });
    expect(plan.project.input.lowercase).toBe(false);
    expect(plan.datasets[0].count).toBe(3);
  });

  it('a bad value is the schema diagnostic, at the value in the argument', () => {
    expect(lines('training.learningRate=fast')).toEqual([
      expect.stringMatching(/^<--set 1>:1:23 - error NNC2006: /),
    ]);
    expect(lines('training.epochs=1', 'layers.hidden.units=-3')).toEqual([expect.stringMatching(/^<--set 2>:1:21 - error NNC2009: .*units/)]);
  });

  it('an unknown key is the schema diagnostic at the key, with its did-you-mean', () => {
    const [line] = lines('layers.hidden.unitz=4');
    expect(line).toMatch(/^<--set 1>:1:15 - error NNC2005: .*'unitz'.*Did you mean 'units'\?/);
  });

  it('an unknown layer, head, dataset or kind is named at its place in the path, with did-you-mean', () => {
    expect(lines('layers.hiden.units=4')).toEqual([`<--set 1>:1:8 - error NNC2012: There is no layer 'hiden'. Did you mean 'hidden'?`]);
    expect(lines('heads.sentiments.weight=1')).toEqual([`<--set 1>:1:7 - error NNC2012: There is no head 'sentiments'. Did you mean 'sentiment'?`]);
    expect(lines('datasets.review.source=a.jsonl')).toEqual([`<--set 1>:1:10 - error NNC2012: There is no dataset 'review'. Did you mean 'reviews'?`]);
    expect(lines('trainng.epochs=3')[0]).toMatch(/^<--set 1>:1:1 - error NNC2012: A path starts with .*Did you mean 'training'\?$/);
  });

  it('a semantic error caused by an override points at the override', () => {
    // an 'in' assertion that no longer holds is reported where the wrong value was written
    const [line] = lines('layers.hidden.in=5');
    expect(line).toMatch(/^<--set 1>:1:18 - error NNC300\d: /);
  });

  it('a path through a scalar says what is there', () => {
    expect(lines('input.maxLength.value=1')).toEqual([
      `<--set 1>:1:1 - error NNC2012: 'input.maxLength' is the number 8, so 'input.maxLength.value' names nothing inside it. Set 'input.maxLength' itself.`,
    ]);
  });

  it('an argument without = or a value, or with bad YAML, is a diagnostic in the argument', () => {
    expect(parseSetArgument('training.epochs', 2).diagnostics[0]).toMatchObject({ file: '<--set 2>', code: 2011, column: 1 });
    expect(parseSetArgument('training.epochs=', 1).diagnostics[0]).toMatchObject({ code: 2011, column: 17 });
    expect(parseSetArgument('training.epochs=[1, 2', 1).diagnostics[0]).toMatchObject({ code: 1001, file: '<--set 1>' });
  });
});

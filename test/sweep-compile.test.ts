// A Sweep document compiled before anything trains: sampling is deterministic
// for a seed, every path and value fault is a diagnostic at its place in the
// Sweep file, and a combination that does not compile names the trial's values.
import { describe, expect, it } from 'vitest';
import { checkSweeps, compileSweep } from '../src/compiler/check-sweep.js';
import { formatDiagnostic } from '../src/compiler/format.js';
import { memoryHost } from '../src/compiler/host.js';
import { compile } from '../src/compiler/index.js';
import { gridTrials, randomTrials } from '../src/compiler/sweep-space.js';
import { BASE, ROOT } from './helpers/project.js';

const SWEEP = (body: string) => `apiVersion: nnc/v1
kind: Sweep
name: search
${body}`;

function sweepOf(body: string, extra: Record<string, string> = {}) {
  return compileSweep(ROOT, memoryHost(ROOT, { ...BASE, ...extra, 'sweep.yaml': SWEEP(body) }));
}
const lines = (body: string, extra?: Record<string, string>) => sweepOf(body, extra).diagnostics.map((d) => formatDiagnostic(d, { cwd: ROOT }));

describe('sampling', () => {
  const space = { 'training.learningRate': { logUniform: [1e-4, 1e-2] as [number, number] }, 'layers.hidden.units': { int: [4, 32] as [number, number] }, 'training.optimizer': ['adam', 'sgd'] };

  it('random: the same seed gives the same trials, another seed others; values stay in their ranges', () => {
    const a = randomTrials(space, 20, 7);
    expect(randomTrials(space, 20, 7)).toEqual(a);
    expect(randomTrials(space, 20, 8)).not.toEqual(a);
    for (const t of a) {
      const [rate, units, optimizer] = t.values.map((v) => v.value) as [number, number, string];
      expect(rate).toBeGreaterThanOrEqual(1e-4);
      expect(rate).toBeLessThanOrEqual(1e-2);
      expect(Number.isInteger(units) && units >= 4 && units <= 32).toBe(true);
      expect(['adam', 'sgd']).toContain(optimizer);
    }
    // log-uniform: about as many draws below 1e-3 as above
    const below = randomTrials(space, 400, 1).filter((t) => (t.values[0].value as number) < 1e-3).length;
    expect(below).toBeGreaterThan(140);
    expect(below).toBeLessThan(260);
  });

  it('grid: every combination once, the last parameter fastest', () => {
    const trials = gridTrials({ a: [1, 2], b: ['x', 'y', 'z'] });
    expect(trials.map((t) => t.values.map((v) => v.value).join(''))).toEqual(['1x', '1y', '1z', '2x', '2y', '2z']);
    expect(gridTrials({ a: [1, 2], b: ['x', 'y', 'z'] }, 4)).toHaveLength(4);
  });
});

describe('compileSweep', () => {
  it('compiles every trial with its values in the plan', () => {
    const { sweep, diagnostics } = sweepOf(`parameters:
  layers.hidden.units: [4, 12]
  training.learningRate: [0.01, 0.1]
metric: val_loss`);
    expect(diagnostics).toEqual([]);
    expect(sweep!.trials.map((t) => t.label)).toEqual([
      'layers.hidden.units=4, training.learningRate=0.01',
      'layers.hidden.units=4, training.learningRate=0.1',
      'layers.hidden.units=12, training.learningRate=0.01',
      'layers.hidden.units=12, training.learningRate=0.1',
    ]);
    expect(sweep!.trials[3].plan.layers.find((l) => l.name === 'hidden')!.outputShape).toEqual([12]);
    expect(sweep!.trials[3].plan.overrides).toEqual(['layers.hidden.units=12', 'training.learningRate=0.1']);
    expect(new Set(sweep!.trials.map((t) => t.plan.hash)).size).toBe(4);
    expect(sweep!.mode).toBe('min');
  });

  it('random trials are the same for a seed, through the compiler too', () => {
    const body = `method: random
trials: 5
seed: 3
parameters:
  training.learningRate: {logUniform: [0.001, 0.1]}
metric: sentiment.val_accuracy`;
    const a = sweepOf(body).sweep!;
    expect(a.trials.map((t) => t.plan.hash)).toEqual(sweepOf(body).sweep!.trials.map((t) => t.plan.hash));
    expect(a.mode).toBe('max');
  });

  it('a Sweep changes nothing the project trains', () => {
    const plain = compile(ROOT, memoryHost(ROOT, BASE)).plan!;
    const withSweep = compile(ROOT, memoryHost(ROOT, { ...BASE, 'sweep.yaml': SWEEP('parameters: {training.epochs: [1, 2]}\nmetric: loss') })).plan!;
    expect(withSweep.hash).toBe(plain.hash);
  });

  it('an unknown path is named at its key in the Sweep file, with did-you-mean', () => {
    expect(lines(`parameters:
  layers.hiden.units: [4, 8]
  trainig.learningRate: [0.1]
metric: loss`)).toEqual([
      `sweep.yaml:5:10 - error NNC2012: There is no layer 'hiden'. Did you mean 'hidden'?`,
      `sweep.yaml:6:3 - error NNC2012: A path starts with the kind of document it changes: 'project', 'training', 'input', 'monitor', 'layers', 'heads', 'datasets', 'tokens', not 'trainig'. Did you mean 'training'?`,
    ]);
  });

  it('a bad value is the schema diagnostic at that value in the list, and each trial that takes it is named', () => {
    const out = lines(`parameters:
  layers.hidden.units: [4, -2]
  training.learningRate: [0.01, 0.1]
metric: loss`);
    const value = out.find((l) => l.includes('NNC2009'))!;
    expect(value).toBe(`sweep.yaml:5:28 - error NNC2009: 'units' in layer 'hidden' must be at least 1, but it is -2.`);
    expect(out.filter((l) => l !== value)).toEqual([
      `sweep.yaml:4:1 - error NNC3077: Trial 3 (layers.hidden.units=-2, training.learningRate=0.01) does not compile: 'units' in layer 'hidden' must be at least 1, but it is -2 (sweep.yaml:5:28). Change or remove the values that cause it.`,
      `sweep.yaml:4:1 - error NNC3077: Trial 4 (layers.hidden.units=-2, training.learningRate=0.1) does not compile: 'units' in layer 'hidden' must be at least 1, but it is -2 (sweep.yaml:5:28). Change or remove the values that cause it.`,
    ]);
    expect(sweepOf(`parameters: {layers.hidden.units: [4, -2]}\nmetric: loss`).sweep).toBeNull();
  });

  it('a combination that does not compile names the trial and points at the file it breaks', () => {
    const layers = BASE['layers.yaml'].replace('activation: relu}', 'activation: relu, in: 8}');
    const out = lines(`parameters:
  layers.embed.units: [8, 6]
metric: loss`, { 'layers.yaml': layers });
    expect(out[0]).toMatch(/^layers\.yaml:6:\d+ - error NNC3002: Layer 'hidden' declares in: 8, but 'pool' outputs 6\./);
    expect(out[1]).toMatch(/^sweep\.yaml:4:1 - error NNC3077: Trial 2 \(layers\.embed\.units=6\) does not compile: Layer 'hidden' declares in: 8, but 'pool' outputs 6\b.* \(layers\.yaml:6:\d+\)\. Change or remove the values that cause it\.$/);
    expect(out).toHaveLength(2);
  });

  it('the metric is checked like the early-stopping monitor, at its line', () => {
    expect(lines(`parameters: {training.epochs: [1]}\nmetric: sentiment.val_acuracy`)).toEqual([
      expect.stringMatching(/^sweep\.yaml:5:9 - error NNC3076: Runs do not report a metric 'sentiment\.val_acuracy'\. Did you mean 'sentiment\.val_accuracy'\?/),
    ]);
  });

  it('ranges in a grid, bad bounds, a random sweep without trials and halving past the end are diagnostics at their place', () => {
    expect(lines(`parameters:
  training.learningRate: {uniform: [0.1, 0.01]}
metric: loss`)).toEqual([
      expect.stringMatching(/^sweep\.yaml:5:26 - error NNC3071: A grid tries every listed value, but 'training\.learningRate' is a range \('uniform'\)/),
      `sweep.yaml:5:36 - error NNC3072: The range of 'training.learningRate' is [0.1, 0.01]: the low bound must come first and be below the high one.`,
    ]);
    expect(lines(`method: random\nparameters: {training.epochs: [1]}\nmetric: loss`)).toEqual([
      `sweep.yaml:4:9 - error NNC3073: A random sweep needs 'trials', how many trials to draw. Add 'trials: <n>'.`,
    ]);
    expect(lines(`parameters: {training.epochs: [3, 20]}\nmetric: loss\nhalving: {epochs: [5]}`)).toEqual([
      expect.stringMatching(/^sweep\.yaml:6:20 - error NNC3078: Trials are ranked after epoch 5, but trial 1 \(training\.epochs=3\) trains 3 epochs in all/),
    ]);
  });

  it('schema faults in a Sweep file are the usual schema diagnostics', () => {
    expect(lines(`parameters: {training.epochs: {logUnifrom: [1, 2]}}\nmetric: loss\nmethod: grd`).length).toBeGreaterThan(0);
    expect(lines(`parameters: {training.epochs: [1]}\nmetric: loss\nmethod: grd`)).toEqual([expect.stringMatching(/^sweep\.yaml:6:9 - error NNC2007: .*Did you mean 'grid'\?/)]);
  });

  it('nnc check reports the paths of every Sweep without compiling trials', () => {
    const files = { ...BASE, 'sweep.yaml': SWEEP(`parameters: {layers.hidden.unitz: [4]}\nmetric: loss`) };
    const base = compile(ROOT, memoryHost(ROOT, files));
    expect(checkSweeps(ROOT, base, memoryHost(ROOT, files)).map((d) => formatDiagnostic(d, { cwd: ROOT }))).toEqual([]);
    // an unknown key below a layer is for the schema to say, when a trial compiles
    const bad = { ...BASE, 'sweep.yaml': SWEEP(`parameters: {layer.hidden.units: [4]}\nmetric: loss`) };
    expect(checkSweeps(ROOT, compile(ROOT, memoryHost(ROOT, bad)), memoryHost(ROOT, bad)).map((d) => formatDiagnostic(d, { cwd: ROOT }))).toEqual([
      `sweep.yaml:4:14 - error NNC2012: A path starts with the kind of document it changes: 'project', 'training', 'input', 'monitor', 'layers', 'heads', 'datasets', 'tokens', not 'layer'. Did you mean 'layers'?`,
    ]);
  });
});

describe('halving with a cosine schedule', () => {
  it('is a warning at halving: the schedule would decay over each segment', () => {
    const nnc = BASE['nnc.yaml'] + 'training:\n  epochs: 6\n  schedule: {type: cosine, minLearningRate: 0.0001}\n';
    const out = sweepOf(`parameters: {training.learningRate: [0.01, 0.1]}\nmetric: loss\nhalving: {epochs: [2]}`, { 'nnc.yaml': nnc });
    expect(out.diagnostics.map((d) => formatDiagnostic(d, { cwd: ROOT }))).toEqual([expect.stringMatching(/^sweep\.yaml:6:1 - warning NNC3079: With halving, trials train in segments/)]);
    expect(out.sweep!.trials).toHaveLength(2);
  });
});

// heads.yaml `metrics` and `classWeights`: a metric that does not fit the
// head's task is an error at its own line; 'balanced' is resolved from the
// training split and said; monitor names learn the new metrics.
import { describe, expect, it } from 'vitest';
import { check, compileFiles } from './helpers/project.js';
import { textProject } from './helpers/text-project.js';

const samples = ['{input: "a great movie", label: 1}', '{input: "the plot was awful", label: 0}', '{input: "fun", label: 1}', '{input: "boring", label: 0}', '{input: "great fun", label: 1}', '{input: "good", label: 1}', '{input: "superb", label: 1}', '{input: "lovely", label: 1}'];
const base = textProject({ samples, settings: 'training: {validationSplit: 0.25}\n' });
const heads = (extra: string) => ({ 'heads.yaml': `${base['heads.yaml']}${extra}` });
const errors = (extra: string, more: Record<string, string> = {}) => check({ ...heads(extra), ...more }, base).filter((l) => !/ - info /.test(l));

describe('head metrics', () => {
  it('fills the task defaults into the plan (two classes: with AUCs)', () => {
    const plan = compileFiles({}, base).plan!;
    expect(plan.heads[0].metrics).toEqual(['accuracy', 'precision', 'recall', 'f1', 'confusion_matrix', 'log_loss', 'auc', 'pr_auc']);
    expect(plan.heads[0].classWeights).toBeNull();
  });

  it('keeps a declared list and changes the plan hash with it', () => {
    const declared = compileFiles(heads('    metrics: [f1, top_1_accuracy]\n'), base).plan!;
    expect(declared.heads[0].metrics).toEqual(['f1', 'top_1_accuracy']);
    expect(declared.hash).not.toBe(compileFiles({}, base).plan!.hash);
    // the head's own hash (warm starts keep its weights) does not change
    expect(declared.heads[0].hash).toBe(compileFiles({}, base).plan!.heads[0].hash);
  });

  it('rejects a metric of another task at its line, and a misspelt one with a did-you-mean', () => {
    expect(errors('    metrics:\n      - accuracy\n      - rmse\n')).toEqual([
      "heads.yaml:10:9 - error NNC3061: Metric 'rmse' is for regression heads, but 'sentiment' is a classification head. A classification head reports 'accuracy', 'precision', 'recall', 'f1', 'confusion_matrix', 'auc', 'pr_auc' and 'log_loss' and top_<k>_accuracy.",
    ]);
    expect(errors('    metrics: [f1, top_2_accuracy]\n')).toEqual([
      "heads.yaml:8:19 - error NNC3063: 'top_2_accuracy' counts a sample right when its label is among the 2 likeliest classes, and head 'sentiment' has 2, so it is always 1. Use a k below 2.",
    ]);
    expect(errors('    metrics: [f2]\n')[0]).toMatch(/^heads\.yaml:8:15 - error NNC2\d{3}: /);
  });

  it('rejects AUCs on a head with three classes', () => {
    const three = { 'datasets/reviews.yaml': base['datasets/reviews.yaml'].replace('binary_classification', 'multi_classification').replace('label: 0}', 'label: meh}').replace(/label: 1/g, 'label: yes').replace(/label: 0/g, 'label: no') };
    expect(errors('    metrics: [auc]\n', three)).toEqual([
      "heads.yaml:8:15 - error NNC3062: Metric 'auc' scores the second of two classes, but head 'sentiment' has 3 classes. Remove 'auc', or use f1, precision and recall, which are per class.",
    ]);
  });

  it("teaches the monitor names the head's validation metrics", () => {
    const project = (monitor: string) => ({ 'nnc.yaml': base['nnc.yaml'].replace('training: {validationSplit: 0.25}', `training: {validationSplit: 0.25, checkpoint: {monitor: ${monitor}}}`) });
    expect(check(project('sentiment.val_f1'), base).filter((l) => / - error /.test(l))).toEqual([]);
    expect(compileFiles(project('sentiment.val_weighted_f1'), base).plan!.project.training.checkpoint).toEqual({ monitor: 'sentiment.val_weighted_f1', mode: 'max' });
    expect(compileFiles(project('sentiment.val_log_loss'), base).plan!.project.training.checkpoint.mode).toBe('min');
    // f1 is computed at validation only
    expect(check(project('sentiment.f1'), base).join('\n')).toContain("Runs do not report a metric 'sentiment.f1'. Did you mean 'sentiment.val_f1'?");
  });
});

describe('class weights', () => {
  it("resolves 'balanced' from the training split's class counts and says what it gave", () => {
    const result = compileFiles(heads('    classWeights: balanced\n'), base);
    const weights = result.plan!.heads[0].classWeights!;
    const train = result.data!.datasets[0];
    const counts = [0, 0];
    for (let i = 0; i < train.count; i++) if (train.split[i] === 0) counts[train.labels![i]]++;
    const total = counts[0] + counts[1];
    expect(weights).toEqual([total / (2 * counts[0]), total / (2 * counts[1])]);
    expect(weights[0]).toBeGreaterThan(weights[1]); // fewer negatives: they weigh more
    const info = check(heads('    classWeights: balanced\n'), base).filter((l) => / - info NNC3067/.test(l));
    expect(info).toHaveLength(1);
    expect(info[0]).toContain(`from its ${total} training samples: '0' ${Number(weights[0].toPrecision(3))} (${counts[0]} samples), '1' ${Number(weights[1].toPrecision(3))} (${counts[1]} samples).`);
  });

  it('takes a map by class name (a class left out weighs 1) and refuses an unknown class at its key', () => {
    expect(compileFiles(heads("    classWeights: {'1': 3}\n"), base).plan!.heads[0].classWeights).toEqual([1, 3]);
    expect(errors("    classWeights: {'2': 3}\n")).toEqual(["heads.yaml:8:25 - error NNC3065: Head 'sentiment' has no class '2'. Did you mean '0'? Its classes: '0' and '1'."]);
  });

  it('refuses class weights on a regression head', () => {
    const regression = textProject({ samples: ['{input: "a", target: 1}', '{input: "b", target: 2}'] });
    regression['heads.yaml'] = regression['heads.yaml'].replace('task: classification\n    loss: crossentropy', 'task: regression\n    classWeights: balanced');
    regression['datasets/reviews.yaml'] = regression['datasets/reviews.yaml'].replace('binary_classification', 'regression');
    expect(check({}, regression).filter((l) => / - error /.test(l))).toEqual([
      "heads.yaml:7:19 - error NNC3064: classWeights weigh the classes of a classification head, but 'sentiment' is a regression head. Remove 'classWeights'.",
    ]);
  });
});

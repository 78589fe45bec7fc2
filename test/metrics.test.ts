// Every metric against values worked out by hand on small fixed predictions,
// including a class never predicted and a single class present.
import { describe, expect, it } from 'vitest';
import { classificationReport } from '../src/runtime/metrics/classification.js';
import { generationReport } from '../src/runtime/metrics/generation.js';
import { regressionReport } from '../src/runtime/metrics/regression.js';
import { scalarMetrics } from '../src/runtime/metrics/report.js';
import { defaultMetrics, metricMode, validationMetricNames } from '../src/compiler/metric-catalog.js';

describe('classification metrics', () => {
  // label -> predicted: a->a, a->b, b->b, b->b, c->a, a->a; class c is never predicted
  const probabilities = [
    0.7, 0.2, 0.1,
    0.3, 0.6, 0.1,
    0.2, 0.5, 0.3,
    0.1, 0.8, 0.1,
    0.5, 0.4, 0.1,
    0.6, 0.3, 0.1,
  ];
  const labels = [0, 0, 1, 1, 2, 0];
  const report = classificationReport({ probabilities, labels, classes: ['a', 'b', 'c'], topK: [2], majority: 0 });

  it('counts the confusion matrix by expected row and predicted column', () => {
    expect(report.confusion).toEqual([[2, 1, 0], [0, 2, 0], [1, 0, 0]]);
    expect(report.count).toBe(6);
  });

  it('scores accuracy, per-class precision, recall and F1 (0 for a class never predicted)', () => {
    expect(report.accuracy).toBeCloseTo(4 / 6, 12);
    const [a, b, c] = report.per_class;
    expect([a.precision, a.recall, a.f1, a.support, a.predicted]).toEqual([2 / 3, 2 / 3, 2 / 3, 3, 3].map((v) => expect.closeTo(v, 12)));
    expect([b.precision, b.recall, b.f1, b.support]).toEqual([2 / 3, 1, 0.8, 2].map((v) => expect.closeTo(v, 12)));
    expect([c.precision, c.recall, c.f1, c.support, c.predicted]).toEqual([0, 0, 0, 1, 0]);
  });

  it('averages macro over the classes present and weighted by support', () => {
    expect(report.precision).toBeCloseTo(4 / 9, 12);
    expect(report.recall).toBeCloseTo(5 / 9, 12);
    expect(report.f1).toBeCloseTo(22 / 45, 12);
    expect(report.weighted_precision).toBeCloseTo(5 / 9, 12);
    expect(report.weighted_recall).toBeCloseTo(2 / 3, 12);
    expect(report.weighted_f1).toBeCloseTo(0.6, 12);
  });

  it('log loss, top-2 accuracy and the majority-class baseline', () => {
    expect(report.log_loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.3) + Math.log(0.5) + Math.log(0.8) + Math.log(0.1) + Math.log(0.6)) / 6, 12);
    expect(report.log_loss).toBeCloseTo(0.881725, 5);
    expect(report.top_k['2']).toBeCloseTo(5 / 6, 12);
    expect(report.baseline).toEqual({ class: 'a', accuracy: 0.5, f1: expect.closeTo(2 / 9, 12), weighted_f1: expect.closeTo(1 / 3, 12) });
    // three classes: no ROC or PR curve
    expect([report.auc, report.pr_auc, report.roc]).toEqual([null, null, null]);
  });

  it('clips a zero probability like the training loss does', () => {
    const r = classificationReport({ probabilities: [1, 0], labels: [1], classes: ['x', 'y'] });
    expect(r.log_loss).toBeCloseTo(-Math.log(1e-7), 9);
  });
});

describe('binary: ROC AUC and PR AUC', () => {
  // p(spam); a tie at 0.6 between a negative and a positive
  const scores = [0.1, 0.4, 0.35, 0.8, 0.6, 0.6];
  const labels = [0, 0, 1, 1, 0, 1];
  const probabilities = scores.flatMap((p) => [1 - p, p]);
  const report = classificationReport({ probabilities, labels, classes: ['ham', 'spam'] });

  it('AUC counts a tied pair as half (6.5 of 9 pairs ordered right)', () => {
    expect(report.auc).toBeCloseTo(13 / 18, 12);
    expect(report.roc!.fpr).toEqual([0, 0, 1 / 3, 2 / 3, 2 / 3, 1].map((v) => expect.closeTo(v, 12)));
    expect(report.roc!.tpr).toEqual([0, 1 / 3, 2 / 3, 2 / 3, 1, 1].map((v) => expect.closeTo(v, 12)));
  });

  it('PR AUC is average precision: 1/3·1 + 1/3·2/3 + 1/3·3/5', () => {
    expect(report.pr_auc).toBeCloseTo(34 / 45, 12);
  });

  it('predicts the second class above 0.5, as the bce head does', () => {
    expect(report.confusion).toEqual([[2, 1], [1, 2]]);
  });
});

describe('a single class present', () => {
  // every sample is 'ham'; the model says spam twice
  const report = classificationReport({ probabilities: [0.1, 0.9, 0.8, 0.2, 0.3, 0.7], labels: [0, 0, 0], classes: ['ham', 'spam'], majority: 0 });

  it('gives the absent class 0 and keeps it in the macro mean because it is predicted', () => {
    expect(report.confusion).toEqual([[1, 2], [0, 0]]);
    const [ham, spam] = report.per_class;
    expect([ham.precision, ham.recall, ham.f1]).toEqual([1, 1 / 3, 0.5].map((v) => expect.closeTo(v, 12)));
    expect([spam.precision, spam.recall, spam.f1, spam.support]).toEqual([0, 0, 0, 0]);
    expect(report.f1).toBeCloseTo(0.25, 12);
    expect(report.precision).toBeCloseTo(0.5, 12);
    expect(report.recall).toBeCloseTo(1 / 6, 12);
    expect(report.weighted_f1).toBeCloseTo(0.5, 12);
    expect(report.accuracy).toBeCloseTo(1 / 3, 12);
  });

  it('has no AUC, PR AUC or ROC curve (no positive sample), and the baseline is perfect', () => {
    expect([report.auc, report.pr_auc, report.roc]).toEqual([null, null, null]);
    expect(report.baseline).toEqual({ class: 'ham', accuracy: 1, f1: 1, weighted_f1: 1 });
  });

  it('leaves a null AUC out of the scalar metrics rather than reporting NaN', () => {
    const scalars = scalarMetrics({ ...report, head: 'h', loss: 0.5 }, { task: 'classification', metrics: ['accuracy', 'f1', 'auc'], classes: ['ham', 'spam'] });
    expect(scalars).toEqual({ loss: 0.5, accuracy: expect.closeTo(1 / 3, 12), f1: 0.25, weighted_f1: 0.5 });
  });
});

describe('regression metrics', () => {
  // target 0 varies, target 1 is constant 10
  const report = regressionReport({ predictions: [1.5, 10, 2, 12, 2, 10], targets: [1, 10, 2, 10, 3, 10], width: 2, trainingMean: [2, 9] });

  it('MAE, RMSE and R² per target (a constant target mispredicted scores R² 0)', () => {
    expect(report.per_target[0]).toEqual({ target: 0, mae: 0.5, rmse: expect.closeTo(Math.sqrt(1.25 / 3), 12), r2: expect.closeTo(0.375, 12) });
    expect(report.per_target[1]).toEqual({ target: 1, mae: expect.closeTo(2 / 3, 12), rmse: expect.closeTo(Math.sqrt(4 / 3), 12), r2: 0 });
  });

  it('overall: MAE and RMSE over every cell, R² the mean over targets; the training-mean baseline', () => {
    expect(report.mae).toBeCloseTo(3.5 / 6, 12);
    expect(report.rmse).toBeCloseTo(Math.sqrt(0.875), 12);
    expect(report.r2).toBeCloseTo(0.1875, 12);
    expect(report.baseline!.mae).toBeCloseTo((1 + 0 + 1 + 1 + 1 + 1) / 6, 12);
  });

  it('a constant target predicted exactly scores R² 1', () => {
    expect(regressionReport({ predictions: [4, 4], targets: [4, 4], width: 1 }).r2).toBe(1);
  });
});

describe('generation metrics', () => {
  it('token accuracy, perplexity as exp of the mean token loss, exact match', () => {
    const report = generationReport({ count: 2, tokenProbabilities: [0.5, 0.25, 1, 0.125], tokenHits: [1, 0, 1, 0], exact: [1, 0] });
    expect(report.token_accuracy).toBe(0.5);
    expect(report.perplexity).toBeCloseTo(2 ** 1.5, 12);
    expect(report.exact_match).toBe(0.5);
    expect(generationReport({ count: 1, tokenProbabilities: [0.5], tokenHits: [1] }).exact_match).toBeNull();
  });
});

describe('the metric catalog', () => {
  it('defaults per task, names reported at validation and which way is better', () => {
    expect(defaultMetrics('classification', 2)).toContain('auc');
    expect(defaultMetrics('classification', 3)).not.toContain('auc');
    expect(validationMetricNames('classification', ['f1', 'top_3_accuracy', 'confusion_matrix'])).toEqual(['accuracy', 'f1', 'weighted_f1', 'top_3_accuracy']);
    expect(validationMetricNames('regression', ['rmse'])).toEqual(['mae', 'rmse']);
    for (const max of ['spam.val_f1', 'val_accuracy', 'x.val_weighted_recall', 'y.val_r2', 'q.val_exact_match', 'h.val_pr_auc', 'h.val_top_2_accuracy']) expect(metricMode(max)).toBe('max');
    for (const min of ['val_loss', 'h.val_log_loss', 'h.val_rmse', 'h.val_mae', 'q.val_perplexity']) expect(metricMode(min)).toBe('min');
  });
});

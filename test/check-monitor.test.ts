// Monitor names are checked at compile time against the metrics runs report
// (compiler/check-monitor.ts), at the value's line with a did-you-mean; the
// schema accepts exactly the reported form ('<head>.val_accuracy').
import { describe, expect, it } from 'vitest';
import { HEAD_METRICS, reportedMetrics } from '../src/compiler/check-monitor.js';
import { metricsFromSums } from '../src/runtime/train/losses.js';
import type { PlanHead } from '../src/compiler/plan.js';
import { check, compileFiles } from './helpers/project.js';
import { textProject } from './helpers/text-project.js';

const samples = ['{input: "a great movie", label: 1}', '{input: "the plot was awful", label: 0}', '{input: "fun", label: 1}', '{input: "boring", label: 0}'];
const withTraining = (training: string) => textProject({ samples, settings: `training:\n${training}\n` });

function errors(training: string): string[] {
  return check({}, withTraining(training)).filter((line) => / - error /.test(line));
}

describe('monitor names', () => {
  it('refuses the names that used to pass and monitor loss silently, with a did-you-mean at the value', () => {
    expect(errors('  earlyStopping: {monitor: val_sentiment_loss, patience: 2}')).toEqual([
      "nnc.yaml:8:28 - error NNC3040: Runs do not report a metric 'val_sentiment_loss'. Did you mean 'sentiment.val_loss'? Runs of this project report 'loss', 'val_loss', 'sentiment.loss', 'sentiment.accuracy', 'sentiment.val_loss', 'sentiment.val_accuracy', 'sentiment.val_precision', 'sentiment.val_weighted_precision', 'sentiment.val_recall', 'sentiment.val_weighted_recall', 'sentiment.val_f1', 'sentiment.val_weighted_f1', 'sentiment.val_log_loss', 'sentiment.val_auc' and 'sentiment.val_pr_auc'.",
    ]);
    expect(errors('  earlyStopping: {monitor: val_accuracy}')[0]).toContain("Runs do not report a metric 'val_accuracy'. Did you mean 'sentiment.val_accuracy'?");
    expect(errors('  checkpoint:\n    monitor: bogus')[0]).toMatch(/^nnc\.yaml:9:14 - error NNC3040: Runs do not report a metric 'bogus'\. Runs of this project report/);
    expect(errors('  checkpoint: {monitor: sentiment.val_acuracy}')[0]).toContain("Did you mean 'sentiment.val_accuracy'?");
  });

  it('accepts the names runs report, and infers the mode from the name unless given', () => {
    for (const name of ['val_loss', 'loss', 'sentiment.val_loss', 'sentiment.val_accuracy', 'sentiment.accuracy']) {
      expect(errors(`  earlyStopping: {monitor: ${name}}`), name).toEqual([]);
    }
    const plan = (training: string) => compileFiles({}, withTraining(training)).plan!.project.training;
    expect(plan('  earlyStopping: {monitor: sentiment.val_accuracy}')).toMatchObject({
      earlyStopping: { monitor: 'sentiment.val_accuracy', mode: 'max', patience: 5 },
      checkpoint: { monitor: 'sentiment.val_accuracy', mode: 'max' },
    });
    expect(plan('  checkpoint: {monitor: sentiment.val_loss, mode: max}').checkpoint).toEqual({ monitor: 'sentiment.val_loss', mode: 'max' });
    expect(plan('  epochs: 3').checkpoint).toEqual({ monitor: 'val_loss', mode: 'min' });
    expect(plan('  epochs: 3').earlyStopping).toBeNull();
    // nothing held out: the default is the training loss, and a validation metric is an error
    expect(plan('  validationSplit: 0').checkpoint).toEqual({ monitor: 'loss', mode: 'min' });
    expect(errors('  validationSplit: 0\n  checkpoint: {monitor: sentiment.val_accuracy}')).toEqual([
      "nnc.yaml:9:25 - error NNC3041: 'sentiment.val_accuracy' is a validation metric, but 'validationSplit' is 0, so nothing is held out to compute it. Monitor 'sentiment.accuracy', or set 'validationSplit' above 0.",
    ]);
  });

  it('rejects a mode that is neither min nor max in the schema', () => {
    expect(errors('  checkpoint: {monitor: loss, mode: lowest}')[0]).toMatch(/error NNC2\d{3}: 'training\.checkpoint\.mode' must be one of 'min' or 'max'/);
  });

  it('lists the names the training loop reports for every task', () => {
    const head = (task: PlanHead['task']) => ({ name: 'h', task }) as PlanHead;
    for (const task of ['classification', 'regression', 'generation'] as const) {
      expect(Object.keys(metricsFromSums(head(task), [1, 1, 1])).sort()).toEqual(['loss', ...HEAD_METRICS[task]].sort());
    }
    expect(reportedMetrics([{ name: 'qa', task: 'generation' }], true)).toEqual([
      'loss', 'val_loss', 'qa.loss', 'qa.token_accuracy', 'qa.perplexity', 'qa.val_loss', 'qa.val_token_accuracy', 'qa.val_perplexity',
    ]);
  });
});

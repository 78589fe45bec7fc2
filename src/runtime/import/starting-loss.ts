// A model's validation losses before any update, computed exactly as the
// training loop computes them at an epoch's end (the same split, runners and
// evaluateHead): what a run that starts from training.init begins at.
import type { Plan } from '../../compiler/plan.js';
import type { PlanData } from '../../compiler/plan-data.js';
import type { LayersModel, Tf } from '../emit/tf.js';
import { evaluateHead } from '../train/evaluate.js';
import { prepareData } from '../train/examples.js';
import { createHeadRunner } from '../train/step.js';

/** '<head>.val_loss' for each head with validation samples, and 'val_loss' (their weighted sum) when every trained head has them. */
export async function validationLosses(tf: Tf, model: LayersModel, plan: Plan, planData: PlanData | null): Promise<Record<string, number>> {
  const data = prepareData(plan, planData ?? undefined);
  const losses: Record<string, number> = {};
  let total = 0;
  let every = true;
  for (const head of data.heads.filter((d) => d.train.count > 0)) {
    const runner = createHeadRunner(tf, model, head, data.scaling.targets[head.head.name]?.std ?? null);
    const metrics = await evaluateHead(tf, runner, head.validation);
    if (!metrics) {
      every = false;
      continue;
    }
    losses[`${head.head.name}.val_loss`] = metrics.loss;
    total += head.head.weight * metrics.loss;
  }
  if (every) losses['val_loss'] = total;
  return losses;
}

// Learning rate per epoch (0-based) and the one optimizer over all heads.
import type { PlanTraining } from '../../compiler/plan.js';
import type { Tf } from '../emit/tf.js';
import { nncOps } from '../ops/index.js';

export function learningRateAt(training: PlanTraining, epoch: number, epochs: number): number {
  const base = training.learningRate;
  const schedule = training.schedule;
  switch (schedule.type) {
    case 'none':
      return base;
    case 'step':
      return base * schedule.factor ** Math.floor(epoch / Math.max(schedule.every, 1));
    case 'exponential':
      return base * schedule.rate ** epoch;
    case 'cosine': {
      const progress = epochs > 1 ? Math.min(epoch / (epochs - 1), 1) : 1;
      return schedule.minLearningRate + (base - schedule.minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}

export type Optimizer = ReturnType<Tf['train']['adam']> | ReturnType<Tf['train']['sgd']> | ReturnType<Tf['train']['rmsprop']> | ReturnType<Tf['train']['adagrad']>;

export function createOptimizer(tf: Tf, training: PlanTraining): Optimizer {
  const rate = training.learningRate;
  switch (training.optimizer) {
    case 'adam':
      return nncOps(tf).createAdam(rate); // tfjs' Adam, with a fused update kernel where loadTf installed one
    case 'sgd':
      return tf.train.sgd(rate);
    case 'rmsprop':
      return tf.train.rmsprop(rate);
    case 'adagrad':
      return tf.train.adagrad(rate);
  }
}

/** tfjs optimizers read `learningRate` on every update; SGD caches it in a tensor and has a setter. */
export function setLearningRate(optimizer: Optimizer, rate: number): void {
  if ('setLearningRate' in optimizer) optimizer.setLearningRate(rate);
  else (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

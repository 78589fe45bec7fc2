// An Adam optimizer that updates each variable with nnc's fused NncAdam kernel
// where the backend has it (wasm, cpu after loadTf), else exactly as tfjs'
// AdamOptimizer. It is an AdamOptimizer: same className 'Adam', config,
// weights (m and v slots), so saved optimizer state and models are unchanged.
import type { Tf, Tensor } from './tf.js';

type Variable = ReturnType<Tf['variable']>;
type NamedTensor = { name: string; tensor: Tensor };
type Slot = { originalName: string; variable: Variable };

/** AdamOptimizer's private state, read by name (plain fields at runtime). */
interface AdamState {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  readonly iterations: number;
  incrementIterations(): void;
}

export function makeCreateAdam(tf: Tf) {
  class NncAdamOptimizer extends tf.AdamOptimizer {
    override applyGradients(variableGradients: Record<string, Tensor> | NamedTensor[]): void {
      if (!tf.getKernel('NncAdam', tf.getBackend())) {
        super.applyGradients(variableGradients as never);
        return;
      }
      const self = this as unknown as AdamState;
      const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
      const step = self.iterations + 1;
      const attrs = {
        learningRate: self.learningRate,
        beta1: self.beta1,
        beta2: self.beta2,
        epsilon: self.epsilon,
        correction1: 1 - Math.pow(self.beta1, step),
        correction2: 1 - Math.pow(self.beta2, step),
      };
      tf.tidy(() => {
        names.forEach((name, i) => {
          const value = tf.engine().registeredVariables[name];
          if (self.accumulatedFirstMoment[i] == null) {
            self.accumulatedFirstMoment[i] = { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          }
          if (self.accumulatedSecondMoment[i] == null) {
            self.accumulatedSecondMoment[i] = { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          }
          const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
          if (gradient == null) return;
          const m = self.accumulatedFirstMoment[i].variable;
          const v = self.accumulatedSecondMoment[i].variable;
          const [newValue, newM, newV] = tf.engine().runKernel('NncAdam', { value, m, v, gradient }, attrs) as Tensor[];
          m.assign(newM);
          v.assign(newV);
          value.assign(newValue);
        });
        // Keep the stock bookkeeping (getWeights/setWeights read it).
        self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
        self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
      });
      self.incrementIterations();
    }
  }

  /** Adam (tfjs defaults: beta1 0.9, beta2 0.999, epsilon the backend's) with nnc's fused update. */
  return function createAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): InstanceType<Tf['AdamOptimizer']> {
    return new NncAdamOptimizer(learningRate, beta1, beta2, epsilon);
  };
}

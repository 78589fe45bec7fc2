// tf.customGrad with plain types: f gets the inputs as an array and a save function.
import type { Tf, Tensor } from './tf.js';

export type Save = (tensors: Tensor[]) => void;
export type GradFunc = (dy: Tensor, saved: Tensor[]) => Tensor[];

export function withGradient(tf: Tf, f: (inputs: Tensor[], save: Save) => { value: Tensor; gradFunc: GradFunc }) {
  const wrapped = (...args: unknown[]) => {
    const save = args.pop() as Save;
    return f(args as Tensor[], save);
  };
  return tf.customGrad(wrapped as never) as unknown as (...inputs: Tensor[]) => Tensor;
}

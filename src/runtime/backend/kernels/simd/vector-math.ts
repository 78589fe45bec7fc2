// Vector math for nnc's SIMD gate kernels, written as instruction bytes: exp
// (Cephes' single-precision polynomial, about 1 ulp), sigmoid(z) =
// 1 / (1 + exp(-z)), tanh(z) = 1 - 2 / (exp(2z) + 1), hardSigmoid, and the
// gate derivatives from their outputs; plus local and pointer helpers.
import {
  V128, type ValType, f32x4Add, f32x4Const, f32x4Div, f32x4Gt, f32x4Lt, f32x4Max, f32x4Min, f32x4Mul,
  f32x4Nearest, f32x4Sub, get, i32, i32Add, i32Mul, i32x4Add, i32x4Shl, i32x4Splat, i32x4TruncSatF32x4, set, tee, v128And,
} from './assembler.js';

/** Hands out local indices after the parameters. */
export function localsAfter(paramCount: number) {
  const types: ValType[] = [];
  return {
    types,
    add(type: ValType): number {
      types.push(type);
      return paramCount + types.length - 1;
    },
  };
}

// Cephes expf: e^r ~ 1 + r + r^2 * P(r) on [-ln2/2, ln2/2]
const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/** Vector math on the value at the top of the stack, with its constants splatted once into locals. */
export function mathKit(local: (type: ValType) => number) {
  const constants = new Map<number, number>();
  const setup: number[] = [];
  const k = (value: number) => {
    let index = constants.get(value);
    if (index === undefined) {
      index = local(V128);
      constants.set(value, index);
      setup.push(...f32x4Const(value), ...set(index));
    }
    return get(index);
  };
  const [x, n, t] = [local(V128), local(V128), local(V128)];
  const exp = (): number[] => [
    ...set(x),
    ...get(x), ...k(-87.3), ...f32x4Max, ...k(88.3), ...f32x4Min, ...set(x),
    ...get(x), ...k(1.44269504), ...f32x4Mul, ...f32x4Nearest, ...set(n),
    // r = x - n ln2 (in two parts for precision)
    ...get(x), ...get(n), ...k(0.693359375), ...f32x4Mul, ...f32x4Sub, ...get(n), ...k(-2.12194440e-4), ...f32x4Mul, ...f32x4Sub, ...set(x),
    ...k(EXP_P[0]), ...EXP_P.slice(1).flatMap((c) => [...get(x), ...f32x4Mul, ...k(c), ...f32x4Add]),
    ...get(x), ...get(x), ...f32x4Mul, ...f32x4Mul, ...get(x), ...f32x4Add, ...k(1), ...f32x4Add,
    // times 2^n, built in the exponent bits
    ...get(n), ...i32x4TruncSatF32x4, ...i32(127), ...i32x4Splat, ...i32x4Add, ...i32(23), ...i32x4Shl,
    ...f32x4Mul,
  ];
  return {
    setup,
    k,
    sigmoid: (): number[] => [...k(-1), ...f32x4Mul, ...exp(), ...k(1), ...f32x4Add, ...set(t), ...k(1), ...get(t), ...f32x4Div],
    hardSigmoid: (): number[] => [...k(0.2), ...f32x4Mul, ...k(0.5), ...f32x4Add, ...k(0), ...f32x4Max, ...k(1), ...f32x4Min],
    tanh: (): number[] => [...k(2), ...f32x4Mul, ...exp(), ...k(1), ...f32x4Add, ...set(t), ...k(1), ...k(2), ...get(t), ...f32x4Div, ...f32x4Sub],
    /** the gate activation's derivative from its output y */
    dSigmoid: (): number[] => [...tee(t), ...k(1), ...get(t), ...f32x4Sub, ...f32x4Mul],
    dHardSigmoid: (): number[] => [...tee(t), ...k(0), ...f32x4Gt, ...get(t), ...k(1), ...f32x4Lt, ...v128And, ...k(0.2), ...v128And],
  };
}

/** Byte address ptr + j (+ block * U4). */
export function at(ptr: number, j: number, u4: number, block: number): number[] {
  return [...get(ptr), ...get(j), ...i32Add, ...(block ? [...get(u4), ...i32(block), ...i32Mul, ...i32Add] : [])];
}

export function advance(ptr: number, stride: number[]): number[] {
  return [...get(ptr), ...stride, ...i32Add, ...set(ptr)];
}

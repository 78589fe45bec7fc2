// One LSTM time step's gate arithmetic, forward and backward, four units at a
// time over every batch row: the part of NncLstm / NncLstmGrad that is not a
// matrix product. exp is Cephes' single-precision polynomial (about 1 ulp);
// sigmoid(z) = 1 / (1 + exp(-z)), tanh(z) = 1 - 2 / (exp(2z) + 1).
import {
  I32, V128, type ValType, f32x4Add, f32x4Const, f32x4Div, f32x4Gt, f32x4Lt, f32x4Max, f32x4Min, f32x4Mul,
  f32x4Nearest, f32x4Sub, forLoop, get, i32, i32Add, i32Mul, i32Shl, i32x4Add, i32x4Shl, i32x4Splat,
  i32x4TruncSatF32x4, set, tee, v128And, v128Load, v128Store,
} from './assembler.js';

/** Hands out local indices after the parameters. */
function localsAfter(paramCount: number) {
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
function mathKit(local: (type: ValType) => number) {
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
function at(ptr: number, j: number, u4: number, block: number): number[] {
  return [...get(ptr), ...get(j), ...i32Add, ...(block ? [...get(u4), ...i32(block), ...i32Mul, ...i32Add] : [])];
}

function advance(ptr: number, stride: number[]): number[] {
  return [...get(ptr), ...stride, ...i32Add, ...set(ptr)];
}

/**
 * lstmForward(xw, hu, bias, gates, cPrev, c, h, hp, B, U, strideG, strideU, strideCPrev):
 * for every batch row, z = xw + hu + bias, gates i f g o, c = f cPrev + i g,
 * h = o tanh(c), written to gates, c, h and hp (the next step's input).
 * Byte pointers to row 0 and byte strides between rows; U a multiple of 4.
 */
export function lstmForwardFunction(hard: boolean) {
  const [XW, HU, BIAS, GATES, CPREV, C, H, HP, B, U, SG, SU, SCP] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const locals = localsAfter(13);
  const [b, j, U4] = [locals.add(I32), locals.add(I32), locals.add(I32)];
  const [IG, FG, GG, OG, CC] = [locals.add(V128), locals.add(V128), locals.add(V128), locals.add(V128), locals.add(V128)];
  const math = mathKit((type) => locals.add(type));
  const gate = hard ? math.hardSigmoid : math.sigmoid;
  const z = (block: number) => [
    ...at(XW, j, U4, block), ...v128Load(), ...at(HU, j, U4, block), ...v128Load(), ...f32x4Add,
    ...at(BIAS, j, U4, block), ...v128Load(), ...f32x4Add,
  ];
  const store = (ptr: number, block: number, value: number) => [...at(ptr, j, U4, block), ...get(value), ...v128Store()];
  // the loop first: it registers the constants that math.setup splats before it
  const loop = [
    ...forLoop(b, B, 1, [
      ...i32(0), ...set(j),
      ...forLoop(j, U4, 16, [
        ...z(0), ...gate(), ...set(IG),
        ...z(1), ...gate(), ...set(FG),
        ...z(2), ...math.tanh(), ...set(GG),
        ...z(3), ...gate(), ...set(OG),
        ...store(GATES, 0, IG), ...store(GATES, 1, FG), ...store(GATES, 2, GG), ...store(GATES, 3, OG),
        ...get(FG), ...at(CPREV, j, U4, 0), ...v128Load(), ...f32x4Mul, ...get(IG), ...get(GG), ...f32x4Mul, ...f32x4Add, ...set(CC),
        ...store(C, 0, CC),
        ...get(OG), ...get(CC), ...math.tanh(), ...f32x4Mul, ...set(CC),
        ...store(H, 0, CC), ...store(HP, 0, CC),
      ]),
      ...advance(XW, get(SG)), ...advance(GATES, get(SG)), ...advance(HU, [...get(U4), ...i32(2), ...i32Shl]),
      ...advance(C, get(SU)), ...advance(H, get(SU)), ...advance(CPREV, get(SCP)), ...advance(HP, get(U4)),
    ]),
  ];
  const body = [...get(U), ...i32(2), ...i32Shl, ...set(U4), ...math.setup, ...i32(0), ...set(b), ...loop];
  return { name: hard ? 'lstmForwardHard' : 'lstmForward', params: new Array(13).fill(I32) as ValType[], locals: locals.types, body };
}

/**
 * lstmBackward(dz, dzs, c, cPrev, gates, dhs, dhNext, dcNext, B, U, strideG, strideU, strideCPrev):
 * for every batch row, dh = dhs + dhNext; the gates' pre-activation
 * gradients to dz (the all-steps matrix) and dzs (this step's [B, 4U]);
 * dcNext becomes dc * f. dhNext is read only (the caller multiplies dzs by
 * the recurrent kernel for the next one).
 */
export function lstmBackwardFunction(hard: boolean) {
  const [DZ, DZS, C, CPREV, GATES, DHS, DHN, DCN, B, U, SG, SU, SCP] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const locals = localsAfter(13);
  const [b, j, U4] = [locals.add(I32), locals.add(I32), locals.add(I32)];
  const [DH, TC, DC, IG, FG, GG, OG, V] = new Array(8).fill(0).map(() => locals.add(V128));
  const math = mathKit((type) => locals.add(type));
  const dGate = hard ? math.dHardSigmoid : math.dSigmoid;
  const load = (ptr: number, block: number) => [...at(ptr, j, U4, block), ...v128Load()];
  const both = (block: number, value: number[]) => [
    ...value, ...set(V),
    ...at(DZ, j, U4, block), ...get(V), ...v128Store(),
    ...at(DZS, j, U4, block), ...get(V), ...v128Store(),
  ];
  const loop = [
    ...forLoop(b, B, 1, [
      ...i32(0), ...set(j),
      ...forLoop(j, U4, 16, [
        ...load(DHS, 0), ...load(DHN, 0), ...f32x4Add, ...set(DH),
        ...load(C, 0), ...math.tanh(), ...set(TC),
        ...load(GATES, 0), ...set(IG), ...load(GATES, 1), ...set(FG), ...load(GATES, 2), ...set(GG), ...load(GATES, 3), ...set(OG),
        // dc = dcNext + dh o (1 - tc^2); dcNext = dc f
        ...load(DCN, 0), ...get(DH), ...get(OG), ...f32x4Mul, ...math.k(1), ...get(TC), ...get(TC), ...f32x4Mul, ...f32x4Sub, ...f32x4Mul,
        ...f32x4Add, ...set(DC),
        ...at(DCN, j, U4, 0), ...get(DC), ...get(FG), ...f32x4Mul, ...v128Store(),
        ...both(0, [...get(DC), ...get(GG), ...f32x4Mul, ...get(IG), ...dGate(), ...f32x4Mul]),
        ...both(1, [...get(DC), ...load(CPREV, 0), ...f32x4Mul, ...get(FG), ...dGate(), ...f32x4Mul]),
        ...both(2, [...get(DC), ...get(IG), ...f32x4Mul, ...math.k(1), ...get(GG), ...get(GG), ...f32x4Mul, ...f32x4Sub, ...f32x4Mul]),
        ...both(3, [...get(DH), ...get(TC), ...f32x4Mul, ...get(OG), ...dGate(), ...f32x4Mul]),
      ]),
      ...advance(DZ, get(SG)), ...advance(GATES, get(SG)), ...advance(DZS, [...get(U4), ...i32(2), ...i32Shl]),
      ...advance(C, get(SU)), ...advance(DHS, get(SU)), ...advance(CPREV, get(SCP)),
      ...advance(DHN, get(U4)), ...advance(DCN, get(U4)),
    ]),
  ];
  const body = [...get(U), ...i32(2), ...i32Shl, ...set(U4), ...math.setup, ...i32(0), ...set(b), ...loop];
  return { name: hard ? 'lstmBackwardHard' : 'lstmBackward', params: new Array(13).fill(I32) as ValType[], locals: locals.types, body };
}

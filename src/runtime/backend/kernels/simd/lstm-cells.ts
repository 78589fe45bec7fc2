// One LSTM time step's gate arithmetic, forward and backward, four units at a
// time over every batch row: the part of NncLstm / NncLstmGrad that is not a
// matrix product.
import { I32, V128, type ValType, f32x4Add, f32x4Mul, f32x4Sub, forLoop, get, i32, i32Shl, set, v128Load, v128Store } from './assembler.js';
import { advance, at, localsAfter, mathKit } from './vector-math.js';

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

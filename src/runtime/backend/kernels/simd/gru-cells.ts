// One GRU time step's gate arithmetic, four units at a time over every batch
// row, in the two halves the step's two recurrent products separate:
//   gruGates:  z, r from xw + bias + h'.U_zr, and r * h' for the candidate's product
//   gruState:  hh = tanh(xw_h + bias_h + (r h').U_h), h = z h' + (1 - z) hh
//   gruBack1:  dh = dhs + dhNext; d(hh) and d(z) pre-activations; dhNext = dh z
//   gruBack2:  d(r) pre-activation from d(r h'); dhNext += d(r h') r; this step's [dz, dr]
// Gates are stored z, r, hh (blocks of U). Pointers are bytes to row 0 of
// each matrix, strides the bytes between batch rows; U a multiple of 4.
import { I32, V128, type ValType, f32x4Add, f32x4Mul, f32x4Sub, forLoop, get, i32, i32Shl, set, v128Load, v128Store } from './assembler.js';
import { advance, at, localsAfter, mathKit } from './vector-math.js';

type Code = number[];

/** A function looping over batch rows b and 4-unit blocks j, with the kit's constants set up first. */
function rowLoop(name: string, paramCount: number, B: number, U: number,
  make: (l: { add(t: ValType): number }, math: ReturnType<typeof mathKit>, j: number, U4: number) => { step: Code; nextRow: Code }) {
  const locals = localsAfter(paramCount);
  const [b, j, U4] = [locals.add(I32), locals.add(I32), locals.add(I32)];
  const math = mathKit((type) => locals.add(type));
  const { step, nextRow } = make(locals, math, j, U4);
  const loop = forLoop(b, B, 1, [...i32(0), ...set(j), ...forLoop(j, U4, 16, step), ...nextRow]);
  const body = [...get(U), ...i32(2), ...i32Shl, ...set(U4), ...math.setup, ...i32(0), ...set(b), ...loop];
  return { name, params: new Array(paramCount).fill(I32) as ValType[], locals: locals.types, body };
}

const twice = (U4: number) => [...get(U4), ...i32(1), ...i32Shl];

/** gruGates(xw, inner, bias, gates, hPrev, rh, B, U, strideG) */
export function gruGatesFunction(hard: boolean) {
  const [XW, INNER, BIAS, GATES, HP, RH, B, U, SG] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  return rowLoop(hard ? 'gruGatesHard' : 'gruGates', 9, B, U, (l, math, j, U4) => {
    const R = l.add(V128);
    const gate = hard ? math.hardSigmoid : math.sigmoid;
    const pre = (block: number) => [
      ...at(XW, j, U4, block), ...v128Load(), ...at(BIAS, j, U4, block), ...v128Load(), ...f32x4Add,
      ...at(INNER, j, U4, block), ...v128Load(), ...f32x4Add,
    ];
    return {
      step: [
        ...at(GATES, j, U4, 0), ...pre(0), ...gate(), ...v128Store(),
        ...pre(1), ...gate(), ...set(R),
        ...at(GATES, j, U4, 1), ...get(R), ...v128Store(),
        ...at(RH, j, U4, 0), ...get(R), ...at(HP, j, U4, 0), ...v128Load(), ...f32x4Mul, ...v128Store(),
      ],
      nextRow: [...advance(XW, get(SG)), ...advance(GATES, get(SG)), ...advance(INNER, twice(U4)), ...advance(HP, get(U4)), ...advance(RH, get(U4))],
    };
  });
}

/** gruState(xw, recurrentH, bias, gates, hPrev, hs, B, U, strideG, strideU) */
export function gruStateFunction() {
  const [XW, RECH, BIAS, GATES, HP, HS, B, U, SG, SU] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  return rowLoop('gruState', 10, B, U, (l, math, j, U4) => {
    const [HH, Z, H] = [l.add(V128), l.add(V128), l.add(V128)];
    return {
      step: [
        ...at(XW, j, U4, 2), ...v128Load(), ...at(BIAS, j, U4, 2), ...v128Load(), ...f32x4Add,
        ...at(RECH, j, U4, 0), ...v128Load(), ...f32x4Add, ...math.tanh(), ...set(HH),
        ...at(GATES, j, U4, 0), ...v128Load(), ...set(Z),
        ...at(GATES, j, U4, 2), ...get(HH), ...v128Store(),
        // h = hh + z (h' - hh)
        ...get(HH), ...get(Z), ...at(HP, j, U4, 0), ...v128Load(), ...get(HH), ...f32x4Sub, ...f32x4Mul, ...f32x4Add, ...set(H),
        ...at(HS, j, U4, 0), ...get(H), ...v128Store(),
        ...at(HP, j, U4, 0), ...get(H), ...v128Store(),
      ],
      nextRow: [...advance(XW, get(SG)), ...advance(GATES, get(SG)), ...advance(RECH, get(U4)), ...advance(HP, get(U4)), ...advance(HS, get(SU))],
    };
  });
}

/** gruBack1(dz, dzh, gates, hPrev, dhs, dhNext, B, U, strideG, strideU, strideHPrev) */
export function gruBack1Function(hard: boolean) {
  const [DZ, DZH, GATES, HP, DHS, DHN, B, U, SG, SU, SHP] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  return rowLoop(hard ? 'gruBack1Hard' : 'gruBack1', 11, B, U, (l, math, j, U4) => {
    const [DH, Z, HH, V] = [l.add(V128), l.add(V128), l.add(V128), l.add(V128)];
    const dGate = hard ? math.dHardSigmoid : math.dSigmoid;
    return {
      step: [
        ...at(DHS, j, U4, 0), ...v128Load(), ...at(DHN, j, U4, 0), ...v128Load(), ...f32x4Add, ...set(DH),
        ...at(GATES, j, U4, 0), ...v128Load(), ...set(Z),
        ...at(GATES, j, U4, 2), ...v128Load(), ...set(HH),
        // d(hh) pre-activation: dh (1 - z) (1 - hh^2)
        ...get(DH), ...math.k(1), ...get(Z), ...f32x4Sub, ...f32x4Mul, ...math.k(1), ...get(HH), ...get(HH), ...f32x4Mul, ...f32x4Sub, ...f32x4Mul, ...set(V),
        ...at(DZ, j, U4, 2), ...get(V), ...v128Store(),
        ...at(DZH, j, U4, 0), ...get(V), ...v128Store(),
        // d(z) pre-activation: dh (h' - hh) z'
        ...at(DZ, j, U4, 0), ...get(DH), ...at(HP, j, U4, 0), ...v128Load(), ...get(HH), ...f32x4Sub, ...f32x4Mul, ...get(Z), ...dGate(), ...f32x4Mul, ...v128Store(),
        ...at(DHN, j, U4, 0), ...get(DH), ...get(Z), ...f32x4Mul, ...v128Store(),
      ],
      nextRow: [...advance(DZ, get(SG)), ...advance(GATES, get(SG)), ...advance(DZH, get(U4)), ...advance(DHN, get(U4)),
        ...advance(HP, get(SHP)), ...advance(DHS, get(SU))],
    };
  });
}

/** gruBack2(dz, dzr, gates, hPrev, dRh, dhNext, B, U, strideG, strideHPrev) */
export function gruBack2Function(hard: boolean) {
  const [DZ, DZR, GATES, HP, DRH, DHN, B, U, SG, SHP] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  return rowLoop(hard ? 'gruBack2Hard' : 'gruBack2', 10, B, U, (l, math, j, U4) => {
    const [D, R, V] = [l.add(V128), l.add(V128), l.add(V128)];
    const dGate = hard ? math.dHardSigmoid : math.dSigmoid;
    return {
      step: [
        ...at(DRH, j, U4, 0), ...v128Load(), ...set(D),
        ...at(GATES, j, U4, 1), ...v128Load(), ...set(R),
        ...get(D), ...at(HP, j, U4, 0), ...v128Load(), ...f32x4Mul, ...get(R), ...dGate(), ...f32x4Mul, ...set(V),
        ...at(DZ, j, U4, 1), ...get(V), ...v128Store(),
        ...at(DZR, j, U4, 1), ...get(V), ...v128Store(),
        ...at(DZR, j, U4, 0), ...at(DZ, j, U4, 0), ...v128Load(), ...v128Store(),
        ...at(DHN, j, U4, 0), ...at(DHN, j, U4, 0), ...v128Load(), ...get(D), ...get(R), ...f32x4Mul, ...f32x4Add, ...v128Store(),
      ],
      nextRow: [...advance(DZ, get(SG)), ...advance(GATES, get(SG)), ...advance(DZR, twice(U4)), ...advance(DRH, get(U4)),
        ...advance(DHN, get(U4)), ...advance(HP, get(SHP))],
    };
  });
}

// The SIMD matrix product: C[p] = A[p] . B[p] over a batch, B and C
// row-major, A read through strides (so a transposed A costs nothing). 4x8
// register blocks: every B load feeds four rows; A values are broadcast with
// load32_splat; relaxed SIMD's fused multiply-add where available. Leftover
// rows and columns go 8, 4, then 1 at a time.
import {
  F32, I32, V128, type ValType, f32Add, f32Const0, f32Load, f32Mul, f32Store, f32x4Add, f32x4Mul, f32x4RelaxedMadd,
  forLoop, get, i32, i32Add, i32And, i32Mul, i32RemU, i32Shl, i32Sub, set, v128Load, v128Load32Splat, v128Store, v128Zero,
} from './assembler.js';

/** rowsPerBlock: 4 measured best here (5 and 6 rows ran 20-40% slower: V8 spills the accumulators). */
export function bmmFunction(fused: boolean, rowsPerBlock = 4) {
  const R = rowsPerBlock;
  const [A, B, C, BATCH, M, K, N, ARS, AKS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const types: ValType[] = [];
  const local = (type: ValType) => 9 + types.push(type) - 1;
  const [P, I, J, AP, KEND, BCOL, CROW, AROW, ABASE, BBASE, CBASE, N8, N4, MR, RS, KS] = Array.from({ length: 16 }, () => local(I32));
  const APTR = [AP, ...Array.from({ length: R - 1 }, () => local(I32))]; // the block's row pointers
  const [S, B0, B1] = [local(V128), local(V128), local(V128)];
  const ACC = Array.from({ length: 2 * R }, () => local(V128)); // R rows x 2 vectors
  const ACCS = local(F32);
  const times4 = [...i32(2), ...i32Shl];
  const add = (x: number, y: number, to: number) => [...get(x), ...get(y), ...i32Add, ...set(to)];
  const startColumn = [...get(BBASE), ...get(J), ...times4, ...i32Add, ...set(BCOL), ...get(AROW), ...set(AP)];
  const nextRow = [...get(BCOL), ...get(RS), ...i32Add, ...set(BCOL)];
  const fma = fused
    ? (acc: number, b: number) => [...get(S), ...get(b), ...get(acc), ...f32x4RelaxedMadd, ...set(acc)]
    : (acc: number, b: number) => [...get(acc), ...get(S), ...get(b), ...f32x4Mul, ...f32x4Add, ...set(acc)];
  const cAt = (row: number[]) => [...get(CROW), ...row, ...get(J), ...times4, ...i32Add, ...i32Add];
  // One row (AROW, CROW) from column J to N: 8, then 4, then 1 at a time.
  const oneRow = [
    ...forLoop(J, N8, 8, [
      ...v128Zero, ...set(ACC[0]), ...v128Zero, ...set(ACC[1]), ...startColumn,
      ...forLoop(AP, KEND, { local: AKS }, [
        ...get(AP), ...v128Load32Splat(), ...set(S),
        ...get(BCOL), ...v128Load(0), ...set(B0), ...get(BCOL), ...v128Load(16), ...set(B1),
        ...fma(ACC[0], B0), ...fma(ACC[1], B1), ...nextRow,
      ]),
      ...cAt(i32(0)), ...get(ACC[0]), ...v128Store(0),
      ...cAt(i32(0)), ...get(ACC[1]), ...v128Store(16),
    ]),
    ...forLoop(J, N4, 4, [
      ...v128Zero, ...set(ACC[0]), ...startColumn,
      ...forLoop(AP, KEND, { local: AKS }, [...get(AP), ...v128Load32Splat(), ...set(S), ...get(BCOL), ...v128Load(0), ...set(B0), ...fma(ACC[0], B0), ...nextRow]),
      ...cAt(i32(0)), ...get(ACC[0]), ...v128Store(0),
    ]),
    ...forLoop(J, N, 1, [
      ...f32Const0, ...set(ACCS), ...startColumn,
      ...forLoop(AP, KEND, { local: AKS }, [
        ...get(ACCS), ...get(AP), ...f32Load(), ...get(BCOL), ...f32Load(), ...f32Mul, ...f32Add, ...set(ACCS), ...nextRow,
      ]),
      ...cAt(i32(0)), ...get(ACCS), ...f32Store(0),
    ]),
  ];
  const rowPointers = [
    ...get(ABASE), ...get(I), ...get(ARS), ...i32Mul, ...i32Add, ...set(AROW),
    ...get(CBASE), ...get(I), ...get(RS), ...i32Mul, ...i32Add, ...set(CROW),
    ...add(AROW, KS, KEND),
  ];
  const rows = Array.from({ length: R }, (_, r) => r);
  // R rows at once over the first N8 columns: every B load feeds R rows.
  const blockRows = [
    ...i32(0), ...set(J),
    ...forLoop(J, N8, 8, [
      ...ACC.flatMap((acc) => [...v128Zero, ...set(acc)]), ...startColumn,
      ...forLoop(AP, KEND, { local: AKS }, [
        ...get(BCOL), ...v128Load(0), ...set(B0), ...get(BCOL), ...v128Load(16), ...set(B1),
        ...rows.slice(1).flatMap((r) => add(APTR[r - 1], ARS, APTR[r])),
        ...rows.flatMap((r) => [
          ...get(APTR[r]), ...v128Load32Splat(), ...set(S), ...fma(ACC[2 * r], B0), ...fma(ACC[2 * r + 1], B1),
        ]),
        ...nextRow,
      ]),
      ...rows.flatMap((r) => {
        const rowOffset = [...get(RS), ...i32(r), ...i32Mul];
        return [...cAt(rowOffset), ...get(ACC[2 * r]), ...v128Store(0), ...cAt(rowOffset), ...get(ACC[2 * r + 1]), ...v128Store(16)];
      }),
    ]),
  ];
  const body = [
    ...get(N), ...i32(-8), ...i32And, ...set(N8),
    ...get(N), ...i32(-4), ...i32And, ...set(N4),
    ...get(M), ...get(M), ...i32(R), ...i32RemU, ...i32Sub, ...set(MR),
    ...get(N), ...times4, ...set(RS),
    ...get(K), ...get(AKS), ...i32Mul, ...set(KS),
    ...i32(0), ...set(P),
    ...forLoop(P, BATCH, 1, [
      ...get(A), ...get(P), ...get(M), ...i32Mul, ...get(K), ...i32Mul, ...times4, ...i32Add, ...set(ABASE),
      ...get(B), ...get(P), ...get(K), ...i32Mul, ...get(RS), ...i32Mul, ...i32Add, ...set(BBASE),
      ...get(C), ...get(P), ...get(M), ...i32Mul, ...get(RS), ...i32Mul, ...i32Add, ...set(CBASE),
      ...i32(0), ...set(I),
      ...forLoop(I, MR, R, [
        ...rowPointers, ...blockRows,
        // columns N8..N of these rows, one row at a time
        ...rows.flatMap((r) => [
          ...get(ABASE), ...get(I), ...i32(r), ...i32Add, ...get(ARS), ...i32Mul, ...i32Add, ...set(AROW),
          ...get(CBASE), ...get(I), ...i32(r), ...i32Add, ...get(RS), ...i32Mul, ...i32Add, ...set(CROW),
          ...add(AROW, KS, KEND), ...get(N8), ...set(J), ...oneRow,
        ]),
      ]),
      ...forLoop(I, M, 1, [...rowPointers, ...i32(0), ...set(J), ...oneRow]),
    ]),
  ];
  return { name: 'bmm', params: new Array(9).fill(I32) as ValType[], locals: types, body };
}

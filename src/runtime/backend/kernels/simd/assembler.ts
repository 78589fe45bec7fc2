// Just enough of a WebAssembly binary writer for nnc's SIMD kernels: one
// imported memory (the wasm backend's own), functions with i32/f32/v128
// locals, exported by name. Instructions are written as byte arrays.

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

export interface WasmFunction {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly locals: readonly ValType[];
  readonly body: readonly number[];
}

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

/** The module bytes: imports env.memory, exports every function under its name. */
export function assemble(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]];
  const declared = functions.map((_, i) => uleb(i));
  const exports = functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const codes = functions.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(declared)),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ]);
}

// Instructions.
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const tee = (i: number) => [0x22, ...uleb(i)];
export const i32 = (n: number) => [0x41, ...sleb(n)];
export const i32Add = [0x6a];
export const i32Sub = [0x6b];
export const i32Mul = [0x6c];
export const i32And = [0x71];
export const i32RemU = [0x70];
export const i32Shl = [0x74];
export const i32LtU = [0x49];
export const i32GeU = [0x4f];
export const f32Load = (offset = 0) => [0x2a, 2, ...uleb(offset)];
export const f32Store = (offset = 0) => [0x38, 2, ...uleb(offset)];
export const f32Add = [0x92];
export const f32Mul = [0x94];
export const f32Const0 = [0x43, 0, 0, 0, 0];
const simd = (op: number) => [0xfd, ...uleb(op)];
export const v128Load = (offset = 0) => [...simd(0x00), 2, ...uleb(offset)];
export const v128Store = (offset = 0) => [...simd(0x0b), 2, ...uleb(offset)];
/** load one f32 into all four lanes */
export const v128Load32Splat = (offset = 0) => [...simd(0x09), 2, ...uleb(offset)];
export const v128Zero = [...simd(0x0c), ...new Array(16).fill(0)];
export const f32x4Splat = simd(0x13);
export const f32x4Sqrt = simd(0xe3);
export const f32x4Add = simd(0xe4);
export const f32x4Sub = simd(0xe5);
export const f32x4Mul = simd(0xe6);
export const f32x4Div = simd(0xe7);
export const f32x4Min = simd(0xe8);
export const f32x4Max = simd(0xe9);
export const f32x4Nearest = simd(0x6a);
export const f32x4Lt = simd(0x43);
export const f32x4Gt = simd(0x44);
export const v128And = simd(0x4e);
export const i32x4TruncSatF32x4 = simd(0xf8);
export const i32x4Add = simd(0xae);
export const i32x4Shl = simd(0xab);
export const i32x4Splat = simd(0x11);
/** f32x4 with every lane = value */
export function f32x4Const(value: number): number[] {
  const bytes = new Uint8Array(new Float32Array([value]).buffer);
  return [0x43, ...bytes, ...f32x4Splat];
}
/** relaxed SIMD: a * b + c, fused where the CPU has FMA (V8 flag --experimental-wasm-relaxed-simd on Node 20) */
export const f32x4RelaxedMadd = simd(0x105);

/** while (local[i] < local[limit]) { body; local[i] += step } (step: a constant, or { local } for a local's value) */
export function forLoop(i: number, limit: number, step: number | { local: number }, body: number[]): number[] {
  const increment = typeof step === 'number' ? i32(step) : get(step.local);
  return [
    0x02, 0x40, // block
    ...get(i), ...get(limit), ...i32GeU, 0x0d, 0, // br_if out when i >= limit
    0x03, 0x40, // loop
    ...body,
    ...get(i), ...increment, ...i32Add, ...tee(i),
    ...get(limit), ...i32LtU, 0x0d, 0, // br_if loop when i < limit
    0x0b, 0x0b,
  ];
}

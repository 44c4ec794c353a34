// Tile and block sizes of the matrix multiply, in one place. Everything here is a compile-time
// constant per element type, so the loops that use them unroll and fold.
//
// MR x NR is the register tile of the micro-kernel: MR rows of C times two 128-bit vectors of columns
// (8 f32 or 4 f64). V8 gives wasm SIMD 15 vector registers (xmm0..xmm14); the tile uses 8
// accumulators, 2 vectors of B and 1 broadcast of A, and larger tiles spill.
//
// KC, MC and NC are the cache blocks of the Goto/BLIS loops: a KC x NR micro-panel of packed B stays
// in L1 (8 KiB), an MC x KC block of packed A in L2 (192 KiB for f32, 128 KiB for f64), and
// a KC x NC panel of packed B in L3 (4 MiB). They assume at least a 32 KiB L1 data cache and a
// 256 KiB L2 per core. Against MC = 128 for both types, these measured 2-4 % faster at n = 1024 on an
// AMD EPYC (1 MiB L2, Node 20), which is within the noise of that shared machine.

/** Rows of the micro-kernel's register tile. */
// @ts-ignore: decorator
@inline export const MR: i32 = 4;

/** Elements of T in one 128-bit vector: 4 for f32, 2 for f64. */
// @ts-ignore: decorator
@inline export function lanes<T>(): i32 {
  return 16 / <i32>sizeof<T>();
}

/** Columns of the micro-kernel's register tile: two vectors, 8 for f32, 4 for f64. */
// @ts-ignore: decorator
@inline export function nr<T>(): i32 {
  return 2 * lanes<T>();
}

/** Depth of a packed block (the k extent the micro-kernel runs over in one call). */
// @ts-ignore: decorator
@inline export function kc<T>(): i32 {
  return 256;
}

/** Rows of a packed block of A; a multiple of MR. */
// @ts-ignore: decorator
@inline export function mc<T>(): i32 {
  return sizeof<T>() == 4 ? 192 : 64;
}

/** Columns of a packed panel of B; a multiple of nr<T>(). */
// @ts-ignore: decorator
@inline export function nc<T>(): i32 {
  return sizeof<T>() == 4 ? 4096 : 2048;
}

/** Alignment of each packed buffer inside the workspace, in bytes (one cache line). */
// @ts-ignore: decorator
@inline export const PACK_ALIGNMENT: usize = 64;

// Micro-kernels: C[0:m, 0:n] = alpha * (Ap Bp) + beta * C[0:m, 0:n] for one MR x NR tile, where Ap is
// an MR x k panel of packed A and Bp a k x NR panel of packed B (layouts in pack.ts), m <= MR and
// n <= NR. The SIMD build keeps the whole tile in 8 vector accumulators, 4 rows of 2 vectors (f32 4x8,
// f64 4x4). The scalar build runs the same loop over 2x4 sub-tiles of scalars.
//
// Contract: `a` and `b` point at full, zero-padded panels. `c` points at element (0, 0) of the tile in
// C (leading dimension `ldc` in elements), and only the m x n valid part of the tile is read or written.
// beta == 0 means C is not read. `tile` is MR * NR elements of scratch for edge tiles (SIMD build
// only). NaN and infinity propagate: no term is skipped.
import { MR, nr } from "./params";
import { multiplyAdd } from "./vector";

/** Stores alpha * (x0, x1) + beta * C into one full row of the tile, reading C only when beta != 0. */
// @ts-ignore: decorator
@inline function updateRow<T>(c: usize, x0: v128, x1: v128, alphas: v128, betas: v128, readC: bool): void {
  let y0 = v128.mul<T>(alphas, x0);
  let y1 = v128.mul<T>(alphas, x1);
  if (readC) {
    y0 = v128.add<T>(y0, v128.mul<T>(betas, v128.load(c)));
    y1 = v128.add<T>(y1, v128.mul<T>(betas, v128.load(c, 16)));
  }
  v128.store(c, y0);
  v128.store(c, y1, 16);
}

/** The SIMD micro-kernel (see the file header for the contract). */
// @ts-ignore: decorator
@inline function microKernelSimd<T>(k: i32, a: usize, b: usize, alpha: T, beta: T, c: usize, ldc: i32, m: i32, n: i32, tile: usize): void {
  const size = sizeof<T>();
  const zero = v128.splat<T>(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
  let c20 = zero, c21 = zero, c30 = zero, c31 = zero;

  // The inner product over k: per step, two vectors of B and four broadcast elements of A. The loop
  // ends on a pointer rather than a counter, which saves an instruction per step. V8 11.3 unrolls it
  // itself (two or three copies of the body per iteration in the machine code dumped with `node
  // --perf-prof`) and keeps an exit test between the copies. Unrolled by hand it ran 15-50 % slower,
  // because V8 places every load of a basic block before the block's arithmetic. 12 loads and 8
  // accumulators do not fit in the 15 vector registers V8 allocates, so values spill. With an exit
  // test between the two halves nothing spills, but it ran no faster than this loop.
  // NOTE: in the simd build this loop is bound by its loads, not by arithmetic. A step is 6 loads, 8
  // multiplies and 8 adds, and V8 does not fold a load into the multiply's memory operand. Alone on
  // L1-resident panels it measured 44.5 GFLOP/s (f32) and 23.2 (f64) against 56-59 and 27-30 for the
  // peak loop (AMD EPYC, Node 20). A later f64 run measured 77 % of the peak loop, against 97 % for the
  // same arithmetic with 2 loads per step, while cutting loop instructions gained nothing. Fewer loads
  // per multiply need a tile of more than 15 registers. A rotated tile (A as pairs, B also stored with
  // its pairs swapped) and a 3x6 tile stayed within 3 %. The fused multiply-add of the relaxed-simd
  // build removes 8 instructions per step.
  const aEnd = a + <usize>k * <usize>MR * size;
  while (a < aEnd) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let ai = v128.load_splat<T>(a);
    c00 = multiplyAdd<T>(ai, b0, c00);
    c01 = multiplyAdd<T>(ai, b1, c01);
    ai = v128.load_splat<T>(a, size);
    c10 = multiplyAdd<T>(ai, b0, c10);
    c11 = multiplyAdd<T>(ai, b1, c11);
    ai = v128.load_splat<T>(a, 2 * size);
    c20 = multiplyAdd<T>(ai, b0, c20);
    c21 = multiplyAdd<T>(ai, b1, c21);
    ai = v128.load_splat<T>(a, 3 * size);
    c30 = multiplyAdd<T>(ai, b0, c30);
    c31 = multiplyAdd<T>(ai, b1, c31);
    a += <usize>MR * size;
    b += 32;
  }

  const alphas = v128.splat<T>(alpha);
  const betas = v128.splat<T>(beta);
  const readC = beta != 0;
  const rowBytes = <usize>ldc * size;

  // A full tile goes straight to C.
  if (m == MR && n == nr<T>()) {
    updateRow<T>(c, c00, c01, alphas, betas, readC);
    updateRow<T>(c + rowBytes, c10, c11, alphas, betas, readC);
    updateRow<T>(c + 2 * rowBytes, c20, c21, alphas, betas, readC);
    updateRow<T>(c + 3 * rowBytes, c30, c31, alphas, betas, readC);
    return;
  }

  // An edge tile goes through the scratch tile, and only its valid part reaches C.
  const tileRowBytes = <usize>nr<T>() * size;
  v128.store(tile, v128.mul<T>(alphas, c00));
  v128.store(tile, v128.mul<T>(alphas, c01), 16);
  v128.store(tile + tileRowBytes, v128.mul<T>(alphas, c10));
  v128.store(tile + tileRowBytes, v128.mul<T>(alphas, c11), 16);
  v128.store(tile + 2 * tileRowBytes, v128.mul<T>(alphas, c20));
  v128.store(tile + 2 * tileRowBytes, v128.mul<T>(alphas, c21), 16);
  v128.store(tile + 3 * tileRowBytes, v128.mul<T>(alphas, c30));
  v128.store(tile + 3 * tileRowBytes, v128.mul<T>(alphas, c31), 16);
  for (let i = 0; i < m; i++) {
    const source = tile + <usize>i * tileRowBytes;
    const target = c + <usize>i * rowBytes;
    for (let j = 0; j < n; j++) {
      const offset = <usize>j * size;
      let value = load<T>(source + offset);
      if (readC) value += beta * load<T>(target + offset);
      store<T>(target + offset, value);
    }
  }
}

/** Stores alpha * x + beta * C[0] when the element is inside the valid part of the tile. */
// @ts-ignore: decorator
@inline function updateElement<T>(c: usize, x: T, alpha: T, beta: T, readC: bool, inside: bool): void {
  if (inside) store<T>(c, readC ? alpha * x + beta * load<T>(c) : alpha * x);
}

/**
 * One 2x4 sub-tile of the scalar micro-kernel: rows i0, i0 + 1 and columns j0 .. j0 + 3 of the tile,
 * with `a` and `b` already offset to them inside their panels. 8 accumulators, 4 elements of B and 2
 * of A stay within the 15 registers V8 allocates.
 */
// @ts-ignore: decorator
@inline function subTileScalar<T>(k: i32, a: usize, b: usize, alpha: T, beta: T, c: usize, ldc: i32, rows: i32, cols: i32): void {
  const size = sizeof<T>();
  const aStep = <usize>MR * size;
  const bStep = <usize>nr<T>() * size;
  let c00: T = 0, c01: T = 0, c02: T = 0, c03: T = 0;
  let c10: T = 0, c11: T = 0, c12: T = 0, c13: T = 0;

  for (let p = 0; p < k; p++) {
    const b0 = load<T>(b);
    const b1 = load<T>(b, size);
    const b2 = load<T>(b, 2 * size);
    const b3 = load<T>(b, 3 * size);
    const a0 = load<T>(a);
    const a1 = load<T>(a, size);
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    a += aStep;
    b += bStep;
  }

  const readC = beta != 0;
  const row1 = c + <usize>ldc * size;
  updateElement<T>(c, c00, alpha, beta, readC, true);
  updateElement<T>(c + size, c01, alpha, beta, readC, cols > 1);
  updateElement<T>(c + 2 * size, c02, alpha, beta, readC, cols > 2);
  updateElement<T>(c + 3 * size, c03, alpha, beta, readC, cols > 3);
  updateElement<T>(row1, c10, alpha, beta, readC, rows > 1);
  updateElement<T>(row1 + size, c11, alpha, beta, readC, rows > 1 && cols > 1);
  updateElement<T>(row1 + 2 * size, c12, alpha, beta, readC, rows > 1 && cols > 2);
  updateElement<T>(row1 + 3 * size, c13, alpha, beta, readC, rows > 1 && cols > 3);
}

/** The scalar micro-kernel: the tile's valid part in 2x4 sub-tiles, each over the whole k. */
// @ts-ignore: decorator
@inline function microKernelScalar<T>(k: i32, a: usize, b: usize, alpha: T, beta: T, c: usize, ldc: i32, m: i32, n: i32): void {
  const size = sizeof<T>();
  for (let i0 = 0; i0 < m; i0 += 2) {
    for (let j0 = 0; j0 < n; j0 += 4) {
      const target = c + (<usize>i0 * <usize>ldc + <usize>j0) * size;
      subTileScalar<T>(k, a + <usize>i0 * size, b + <usize>j0 * size, alpha, beta, target, ldc, m - i0, n - j0);
    }
  }
}

/** Runs the micro-kernel of this build on one tile (see the file header for the contract). */
// @ts-ignore: decorator
@inline export function microKernel<T>(k: i32, a: usize, b: usize, alpha: T, beta: T, c: usize, ldc: i32, m: i32, n: i32, tile: usize): void {
  if (ASC_FEATURE_SIMD) microKernelSimd<T>(k, a, b, alpha, beta, c, ldc, m, n, tile);
  else microKernelScalar<T>(k, a, b, alpha, beta, c, ldc, m, n);
}

// Matrix products made from inside other kernels (the blocked SVD and QR updates, the bidiagonal
// panel's matrix-vector products), handed to the host's thread pool in the threaded build.
//
// A kernel such as svd_f64 runs on the calling thread, so its products cannot reach the workers by
// themselves. In the threaded build they call the host's gemm_pool_* or gemv_pool_* imports
// (src/runtime/parallel.ts). Such an import splits the product across the pool by blocks of the
// output and returns 1. It returns 0 when the product is below the pool's threshold or no pool runs,
// and the product is then computed here on the calling thread. The other builds compile the local call only and
// import nothing.
import { gemm } from "./driver";
import { gemv } from "./gemv";

// @ts-ignore: decorator
@external("env", "gemm_pool_f64")
declare function gemmPoolF64(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f64, a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32): i32;

// @ts-ignore: decorator
@external("env", "gemm_pool_f32")
declare function gemmPoolF32(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32): i32;

// @ts-ignore: decorator
@external("env", "gemv_pool_f64")
declare function gemvPoolF64(transA: bool, m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize): i32;

// @ts-ignore: decorator
@external("env", "gemv_pool_f32")
declare function gemvPoolF32(transA: bool, m: i32, n: i32, alpha: f32, a: usize, lda: i32, x: usize, beta: f32, y: usize): i32;

/**
 * C = alpha op(A) op(B) + beta C with the arguments and semantics of gemm<T> (driver.ts). In the
 * threaded build the host's pool computes it when it accepts the product, with workspaces of its
 * own. Otherwise gemm<T> computes it here in `work`. The result is the same bit for bit either way,
 * because the pool splits C into blocks that each go through gemm<T> with the same k blocking.
 */
export function gemmPooled<T>(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: T, a: usize, lda: i32, b: usize, ldb: i32, beta: T, c: usize, ldc: i32, work: usize): void {
  if (ASC_FEATURE_THREADS) {
    const handled = sizeof<T>() == 8
      ? gemmPoolF64(transA, transB, m, n, k, <f64>alpha, a, lda, b, ldb, <f64>beta, c, ldc)
      : gemmPoolF32(transA, transB, m, n, k, <f32>alpha, a, lda, b, ldb, <f32>beta, c, ldc);
    if (handled != 0) return;
  }
  gemm<T>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}

/**
 * y = alpha op(A) x + beta y with the arguments and semantics of gemv<T> (gemv.ts). In the threaded
 * build the host's pool computes it when it accepts the product, splitting y into ranges. Otherwise
 * gemv<T> computes it here in `work`. The result is the same bit for bit either way, because every
 * element of y is summed in the same order whichever range it falls in.
 */
export function gemvPooled<T>(transA: bool, m: i32, n: i32, alpha: T, a: usize, lda: i32, x: usize, beta: T, y: usize, work: usize): void {
  if (ASC_FEATURE_THREADS) {
    const handled = sizeof<T>() == 8
      ? gemvPoolF64(transA, m, n, <f64>alpha, a, lda, x, <f64>beta, y)
      : gemvPoolF32(transA, m, n, <f32>alpha, a, lda, x, <f32>beta, y);
    if (handled != 0) return;
  }
  gemv<T>(transA, m, n, alpha, a, lda, x, beta, y, work);
}

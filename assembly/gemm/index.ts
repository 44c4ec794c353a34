// Exported matrix-multiply kernels, one per element type. Shapes, semantics and workspace rules are
// documented on gemm<T> (driver.ts) and gemv<T> (gemv.ts).
import { gemm, gemmWorkspaceBytes } from "./driver";
import { gemv, gemvWorkspaceBytes } from "./gemv";
import { peak } from "./peak";

export function gemm_f64(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f64, a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, work: usize): void {
  gemm<f64>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}

export function gemm_f32(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize): void {
  gemm<f32>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}

export function gemm_workspace_bytes_f64(m: i32, n: i32, k: i32): usize {
  return gemmWorkspaceBytes<f64>(m, n, k);
}

export function gemm_workspace_bytes_f32(m: i32, n: i32, k: i32): usize {
  return gemmWorkspaceBytes<f32>(m, n, k);
}

export function gemv_f64(transA: bool, m: i32, n: i32, alpha: f64, a: usize, lda: i32, x: usize, beta: f64, y: usize, work: usize): void {
  gemv<f64>(transA, m, n, alpha, a, lda, x, beta, y, work);
}

export function gemv_f32(transA: bool, m: i32, n: i32, alpha: f32, a: usize, lda: i32, x: usize, beta: f32, y: usize, work: usize): void {
  gemv<f32>(transA, m, n, alpha, a, lda, x, beta, y, work);
}

export function gemv_workspace_bytes_f64(transA: bool, m: i32, n: i32): usize {
  return gemvWorkspaceBytes<f64>(transA, m, n);
}

export function gemv_workspace_bytes_f32(transA: bool, m: i32, n: i32): usize {
  return gemvWorkspaceBytes<f32>(transA, m, n);
}

/** Runs the f64 peak loop (peak.ts): 40 flops per iteration in the SIMD builds, 20 in the scalar one. */
export function peak_f64(iterations: i32, values: usize, v: f64): f64 {
  return peak<f64>(iterations, values, v);
}

/** Runs the f32 peak loop (peak.ts): 80 flops per iteration in the SIMD builds, 20 in the scalar one. */
export function peak_f32(iterations: i32, values: usize, v: f32): f32 {
  return peak<f32>(iterations, values, v);
}

/**
 * The functions a lowrank WebAssembly build exports, as the TypeScript side calls them. Addresses are
 * byte offsets into the module's memory; sizes and leading dimensions count elements.
 * Every build (relaxed-simd, simd, scalar) exports the same set.
 */
export interface KernelExports {
  heap_base(): number;
  simd_level(): number;

  add_f64(x: number, y: number, out: number, n: number): void;
  add_f32(x: number, y: number, out: number, n: number): void;
  sub_f64(x: number, y: number, out: number, n: number): void;
  sub_f32(x: number, y: number, out: number, n: number): void;
  scale_f64(x: number, alpha: number, out: number, n: number): void;
  scale_f32(x: number, alpha: number, out: number, n: number): void;
  transpose_f64(a: number, lda: number, m: number, n: number, out: number, ldo: number): void;
  transpose_f32(a: number, lda: number, m: number, n: number, out: number, ldo: number): void;

  /** SVD of the dense m x n matrix at a (overwritten); job 0 values, 1 thin, 2 full. Returns 0 or the unconverged count. */
  svd_f64(m: number, n: number, a: number, s: number, u: number, vt: number, job: number, work: number): number;
  svd_f32(m: number, n: number, a: number, s: number, u: number, vt: number, job: number, work: number): number;
  svd_workspace_f64(m: number, n: number, job: number): number;
  svd_workspace_f32(m: number, n: number, job: number): number;
  /** Householder QR of the dense m x n matrix at a (overwritten) into q (m x qCols) and r (rRows x n). */
  qr_f64(m: number, n: number, a: number, q: number, qCols: number, r: number, rRows: number, work: number): void;
  qr_f32(m: number, n: number, a: number, q: number, qCols: number, r: number, rRows: number, work: number): void;
  qr_workspace_f64(m: number, n: number, qCols: number): number;
  qr_workspace_f32(m: number, n: number, qCols: number): number;
  // Booleans (transA, transB) are passed as 0 or 1. See assembly/gemm/ for shapes and semantics.
  gemm_f64(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number): void;
  gemm_f32(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number): void;
  gemm_workspace_bytes_f64(m: number, n: number, k: number): number;
  gemm_workspace_bytes_f32(m: number, n: number, k: number): number;
  gemv_f64(transA: number, m: number, n: number, alpha: number, a: number, lda: number, x: number, beta: number, y: number, work: number): void;
  gemv_f32(transA: number, m: number, n: number, alpha: number, a: number, lda: number, x: number, beta: number, y: number, work: number): void;
  gemv_workspace_bytes_f64(transA: number, m: number, n: number): number;
  gemv_workspace_bytes_f32(transA: number, m: number, n: number): number;
  /** The benchmarks' peak loop: `iterations` rounds over 16 vectors at `values`; see assembly/gemm/peak.ts. */
  peak_f64(iterations: number, values: number, v: number): number;
  peak_f32(iterations: number, values: number, v: number): number;
}

/** Names of the exports every build must have; loading checks them. */
export const REQUIRED_EXPORTS: ReadonlyArray<keyof KernelExports> = [
  "heap_base",
  "simd_level",
  "add_f64",
  "add_f32",
  "sub_f64",
  "sub_f32",
  "scale_f64",
  "scale_f32",
  "transpose_f64",
  "transpose_f32",
  "svd_f64",
  "svd_f32",
  "svd_workspace_f64",
  "svd_workspace_f32",
  "qr_f64",
  "qr_f32",
  "qr_workspace_f64",
  "qr_workspace_f32",
  "gemm_f64",
  "gemm_f32",
  "gemm_workspace_bytes_f64",
  "gemm_workspace_bytes_f32",
  "gemv_f64",
  "gemv_f32",
  "gemv_workspace_bytes_f64",
  "gemv_workspace_bytes_f32",
  "peak_f64",
  "peak_f32",
];

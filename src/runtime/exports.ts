/**
 * The functions a lowrank WebAssembly build exports, as the TypeScript side calls them. Addresses are
 * byte offsets into the module's memory; sizes and leading dimensions count elements.
 * Every build (relaxed-simd, simd, scalar) exports the same set.
 */
export interface KernelExports {
  heap_base(): number;
  simd_level(): number;
  /** 1 in the threaded builds (shared memory), 0 in the others. */
  thread_support(): number;

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
  /** Block sizes, crossovers and leaf size of the SVD and QR kernels (a value <= 0 keeps the current one); for tests. */
  svd_set_params(bidiagBlock: number, bidiagCrossover: number, reflectorBlock: number, reflectorCrossover: number, divideCrossover: number, divideLeaf: number): void;
  svd_reset_params(): void;
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
  // Number formats: half-precision conversions on bit patterns, 8-bit codes in groups of `group`
  // values, blockwise 4-bit codes (format 0 NF4, 1 FP4). Quantizers return the index of the first
  // group or block whose scale is not finite, or -1.
  f32_to_f16(x: number, out: number, n: number): void;
  f64_to_f16(x: number, out: number, n: number): void;
  f16_to_f32(h: number, out: number, n: number): void;
  f16_to_f64(h: number, out: number, n: number): void;
  f32_to_bf16(x: number, out: number, n: number): void;
  f64_to_bf16(x: number, out: number, n: number): void;
  bf16_to_f32(b: number, out: number, n: number): void;
  bf16_to_f64(b: number, out: number, n: number): void;
  quantize_int8_f32(x: number, n: number, group: number, scales: number, codes: number): number;
  quantize_int8_f64(x: number, n: number, group: number, scales: number, codes: number): number;
  dequantize_int8_f32(codes: number, scales: number, n: number, group: number, out: number): void;
  dequantize_int8_f64(codes: number, scales: number, n: number, group: number, out: number): void;
  quantize_uint8_f32(x: number, n: number, group: number, scales: number, zeros: number, codes: number): number;
  quantize_uint8_f64(x: number, n: number, group: number, scales: number, zeros: number, codes: number): number;
  dequantize_uint8_f32(codes: number, scales: number, zeros: number, n: number, group: number, out: number): void;
  dequantize_uint8_f64(codes: number, scales: number, zeros: number, n: number, group: number, out: number): void;
  quantize_4bit(x: number, n: number, blockSize: number, format: number, absmax: number, packed: number): number;
  dequantize_4bit(packed: number, n: number, blockSize: number, format: number, absmax: number, out: number): void;
  // QLoRA: Y (batch x m) = X (batch x n) W^T with W m x n in blockwise 4-bit codes, decoded on the fly.
  fourbit_matvec_f32(x: number, batch: number, n: number, ldx: number, codes: number, absmax: number, blockSize: number, format: number, m: number, y: number, ldy: number, work: number): void;
  fourbit_matvec_workspace_bytes(batch: number): number;
}

/** Names of the exports every build must have; loading checks them. */
export const REQUIRED_EXPORTS: ReadonlyArray<keyof KernelExports> = [
  "heap_base",
  "simd_level",
  "thread_support",
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
  "svd_set_params",
  "svd_reset_params",
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
  "f32_to_f16",
  "f64_to_f16",
  "f16_to_f32",
  "f16_to_f64",
  "f32_to_bf16",
  "f64_to_bf16",
  "bf16_to_f32",
  "bf16_to_f64",
  "quantize_int8_f32",
  "quantize_int8_f64",
  "dequantize_int8_f32",
  "dequantize_int8_f64",
  "quantize_uint8_f32",
  "quantize_uint8_f64",
  "dequantize_uint8_f32",
  "dequantize_uint8_f64",
  "quantize_4bit",
  "dequantize_4bit",
  "fourbit_matvec_f32",
  "fourbit_matvec_workspace_bytes",
];

/**
 * Splitting kernel calls across the threads of the threaded build. Every helper here runs the whole
 * call on the calling thread when there is no pool or the problem is below its threshold, so callers
 * use them unconditionally.
 *
 * GEMM is split by blocks of C: the larger of m and n is cut into one contiguous range per thread, in
 * whole register tiles. Every element of C is then computed by the same code with the same k
 * blocking, so results are bit-identical whatever the thread count. Each share gets its own packing
 * workspace, allocated here by the calling thread.
 *
 * GEMV is split by ranges of y. Elementwise kernels (conversions, quantizers) are split into
 * contiguous ranges of values, cut on group or block boundaries where the kernel works per group.
 *
 * Kernels that multiply inside AssemblyScript (svd, qr) reach parallelGemm and parallelGemv through
 * the imports that poolImports builds.
 */
import type { DType } from "../matrix.js";
import { withScope, type CallScope } from "./operands.js";
import type { Job, KernelName } from "./pool.js";
import { activePool, type Runtime } from "./state.js";

/**
 * Sizes below which a call stays on one thread, and the alignment of elementwise ranges. Tests lower
 * the thresholds to 0 so that small inputs reach the split paths.
 */
export const PARALLEL_PARAMS = {
  /**
   * Floating-point operations (2 m n k) below which GEMM runs on one thread. Measured by `npx tsx
   * bench/thresholds.ts` on a 2-core AMD EPYC (Node 20, f64 operands already in wasm memory, warm
   * polling pool, fastest of 7 rounds). 2 threads against 1 gave 0.89x at 32^3 (0.07 Mflop) and 1.12x
   * at 64 x 64 x 16 (0.13 Mflop), then 1.24x at 48^3 (0.22 Mflop) and 1.57x at 128 x 128 x 16.
   */
  gemmFlops: 1 << 17,
  /**
   * Elements of A below which a matrix-vector product runs on one thread. The same script (f64) gave
   * 0.85x at 181 x 181, and at 256 x 256 (65,536 elements) 1.37x for A x and 1.02x for A^T x.
   * NOTE: A^T x gains little on two threads (0.98x to 1.29x from 362 x 362 to 1024 x 1024), because
   * each share streams a strip of every row; splitting it by rows with a reduction would fix that.
   */
  gemvElements: 1 << 16,
  /**
   * Values below which a conversion or quantizer runs on one thread. The same script, float32 ->
   * float16: 0.64x at 4,096 values, 1.25x at 8,192, 1.49x at 16,384. The quantizers were not measured.
   * They do more work per value, so the same count is estimated to pay for them too.
   */
  rangeValues: 1 << 13,
  /** Every range but the last is a multiple of this many values (a cache line of float32 and more). */
  rangeAlignment: 64,
};

/** Rows of the GEMM register tile (assembly/gemm/params.ts MR). */
const GEMM_MR = 4;

/** Columns of the GEMM register tile (assembly/gemm/params.ts nr): two 128-bit vectors. */
function gemmNr(dtype: DType): number {
  return dtype === "f64" ? 4 : 8;
}

/**
 * Cuts [0, n) into at most `parts` contiguous ranges whose starts are multiples of `unit`, as even as
 * that allows. Returns [start, end) pairs; fewer than `parts` when n is small.
 */
export function splitRange(n: number, unit: number, parts: number): Array<[number, number]> {
  const units = Math.ceil(n / unit);
  const count = Math.max(1, Math.min(parts, units));
  const ranges: Array<[number, number]> = [];
  for (let p = 0; p < count; p++) {
    const start = Math.floor((units * p) / count) * unit;
    const end = Math.min(n, Math.floor((units * (p + 1)) / count) * unit);
    if (end > start) ranges.push([start, end]);
  }
  return ranges;
}

/** Threads a call of `size` may use: the pool's, or 1 below `threshold` or without a pool. */
function threadsFor(runtime: Runtime, size: number, threshold: number): number {
  const pool = activePool(runtime);
  return pool === undefined || size < threshold ? 1 : pool.threads;
}

/** Runs the jobs: on the pool when there is more than one, otherwise on the calling thread. */
function runJobs(runtime: Runtime, jobs: Job[]): number[] {
  const pool = activePool(runtime);
  if (jobs.length > 1 && pool !== undefined) return pool.run(jobs);
  const kernel = runtime.exports[jobs[0]!.kernel] as (...args: number[]) => unknown;
  const result = kernel(...jobs[0]!.args);
  return [typeof result === "number" ? result : 0];
}

/** Operands of one GEMM call: addresses in bytes, leading dimensions in elements. */
export interface GemmCall {
  dtype: DType;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  beta: number;
  c: number;
  ldc: number;
}

/**
 * Computes C = alpha op(A) op(B) + beta C (see gemm<T> in assembly/gemm/driver.ts), split by blocks
 * of C across the pool's threads when the product is large enough. Workspaces come from `scope`.
 */
export function parallelGemm(runtime: Runtime, scope: CallScope, call: GemmCall): void {
  const { dtype, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc } = call;
  const kernels = runtime.exports;
  const kernel: KernelName = dtype === "f64" ? "gemm_f64" : "gemm_f32";
  const workspaceBytes = dtype === "f64" ? kernels.gemm_workspace_bytes_f64 : kernels.gemm_workspace_bytes_f32;
  const size = dtype === "f64" ? 8 : 4;
  const reads = alpha !== 0 && k > 0;
  const threads = reads ? threadsFor(runtime, 2 * m * n * k, PARALLEL_PARAMS.gemmFlops) : 1;

  const jobs: Job[] = [];
  if (threads === 1) {
    const work = scope.allocate(workspaceBytes(m, n, k));
    jobs.push({ kernel, args: [transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work] });
  } else if (m >= n) {
    // Rows of C: rows of op(A), which start at a + i lda (or at column i of a stored A^T).
    for (const [i0, i1] of splitRange(m, GEMM_MR, threads)) {
      const rows = i1 - i0;
      const aShare = transA ? a + i0 * size : a + i0 * lda * size;
      const work = scope.allocate(workspaceBytes(rows, n, k));
      jobs.push({ kernel, args: [transA ? 1 : 0, transB ? 1 : 0, rows, n, k, alpha, aShare, lda, b, ldb, beta, c + i0 * ldc * size, ldc, work] });
    }
  } else {
    // Columns of C: columns of op(B), which start at b + j (or at row j of a stored B^T).
    for (const [j0, j1] of splitRange(n, gemmNr(dtype), threads)) {
      const cols = j1 - j0;
      const bShare = transB ? b + j0 * ldb * size : b + j0 * size;
      const work = scope.allocate(workspaceBytes(m, cols, k));
      jobs.push({ kernel, args: [transA ? 1 : 0, transB ? 1 : 0, m, cols, k, alpha, a, lda, bShare, ldb, beta, c + j0 * size, ldc, work] });
    }
  }
  runJobs(runtime, jobs);
}

/** Operands of one GEMV call: addresses in bytes, the leading dimension in elements. */
export interface GemvCall {
  dtype: DType;
  transA: boolean;
  m: number;
  n: number;
  alpha: number;
  a: number;
  lda: number;
  x: number;
  beta: number;
  y: number;
}

/**
 * Computes y = alpha op(A) x + beta y (see gemv<T> in assembly/gemm/gemv.ts), split into ranges of y
 * across the pool's threads when A has at least PARALLEL_PARAMS.gemvElements elements: rows of A
 * without transA, columns with it. Each element of y is summed in the same order whichever range it
 * is in, so the bits do not depend on the thread count. Workspaces come from `scope`.
 */
export function parallelGemv(runtime: Runtime, scope: CallScope, call: GemvCall): void {
  const { dtype, transA, m, n, alpha, a, lda, x, beta, y } = call;
  const kernels = runtime.exports;
  const kernel: KernelName = dtype === "f64" ? "gemv_f64" : "gemv_f32";
  const workspaceBytes = dtype === "f64" ? kernels.gemv_workspace_bytes_f64 : kernels.gemv_workspace_bytes_f32;
  const size = dtype === "f64" ? 8 : 4;
  const outputs = transA ? n : m;
  const reads = alpha !== 0 && (transA ? m : n) > 0;
  const threads = reads ? threadsFor(runtime, m * n, PARALLEL_PARAMS.gemvElements) : 1;
  const ranges = threads === 1 ? [[0, outputs] as [number, number]] : splitRange(outputs, PARALLEL_PARAMS.rangeAlignment, threads);
  const jobs = ranges.map(([start, end]): Job => {
    const count = end - start;
    const work = scope.allocate(workspaceBytes(transA ? 1 : 0, transA ? m : count, transA ? count : n));
    // A share is rows [start, end) of A, or columns [start, end) with transA, and the same range of y.
    const aShare = transA ? a + start * size : a + start * lda * size;
    const args = transA
      ? [1, m, count, alpha, aShare, lda, x, beta, y + start * size, work]
      : [0, count, n, alpha, aShare, lda, x, beta, y + start * size, work];
    return { kernel, args };
  });
  runJobs(runtime, jobs);
}

/** Operands of the fused 4-bit product Y = X dequant(W)^T (assembly/lora/fourbit-matvec.ts). */
export interface FourbitMatvecCall {
  x: number;
  batch: number;
  /** Columns of W (in features): the length of each row of X. */
  n: number;
  ldx: number;
  codes: number;
  absmax: number;
  blockSize: number;
  format: number;
  /** Rows of W (out features): the columns of Y. */
  m: number;
  y: number;
  ldy: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Computes the fused 4-bit product, split by rows of W (columns of Y) when W has at least
 * PARALLEL_PARAMS.gemvElements values. A share starts at a row whose first flat index is a multiple of
 * both the block size and the kernel's 32-value chunk. The kernel then decodes the same blocks, nibbles
 * and chunks as in the whole product, so the bits do not depend on the thread count.
 */
export function parallelFourbitMatvec(runtime: Runtime, scope: CallScope, call: FourbitMatvecCall): void {
  const { x, batch, n, ldx, codes, absmax, blockSize, format, m, y, ldy } = call;
  const period = (blockSize * 32) / gcd(blockSize, 32);
  const unit = period / gcd(period, n);
  const threads = unit <= m ? threadsFor(runtime, m * n, PARALLEL_PARAMS.gemvElements) : 1;
  const ranges = threads === 1 ? [[0, m] as [number, number]] : splitRange(m, unit, threads);
  const jobs = ranges.map(([start, end]): Job => {
    const first = start * n;
    const work = scope.allocate(Math.max(runtime.exports.fourbit_matvec_workspace_bytes(batch), 16));
    return {
      kernel: "fourbit_matvec_f32",
      args: [x, batch, n, ldx, codes + first / 2, absmax + (first / blockSize) * 4, blockSize, format, end - start, y + start * 4, ldy, work],
    };
  });
  runJobs(runtime, jobs);
}

/** Signature of the host functions gemm_pool_f64 and gemm_pool_f32 (assembly/gemm/pooled.ts). */
type PooledGemm = (
  transA: number, transB: number, m: number, n: number, k: number, alpha: number,
  a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number,
) => number;

/** Signature of the host functions gemv_pool_f64 and gemv_pool_f32 (assembly/gemm/pooled.ts). */
type PooledGemv = (transA: number, m: number, n: number, alpha: number, a: number, lda: number, x: number, beta: number, y: number) => number;

/** The functions the threaded build imports to reach the pool from inside its kernels. */
export interface PoolImports {
  gemm_pool_f64: PooledGemm;
  gemm_pool_f32: PooledGemm;
  gemv_pool_f64: PooledGemv;
  gemv_pool_f32: PooledGemv;
}

/** The function name memory errors give for a product a kernel hands to the pool. */
const POOL_SCOPE_NAME = "svd or qr (a threaded update)";

/**
 * Builds the imports through which the threaded build's own kernels (the SVD's and QR's blocked
 * updates, the bidiagonal panel's matrix-vector products) hand a product to the pool. Each takes
 * gemm<T>'s or gemv<T>'s arguments without the workspace, computes the product with parallelGemm or
 * parallelGemv and returns 1. It returns 0 and leaves the output alone when `runtimeOf()` has no
 * runtime yet, no pool runs or the product is below its threshold, and the kernel then computes the
 * product on the calling thread. The shares' workspaces are allocated here and released before the
 * function returns.
 */
export function poolImports(runtimeOf: () => Runtime | undefined): PoolImports {
  const gemm = (dtype: DType): PooledGemm => (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    const runtime = runtimeOf();
    if (runtime === undefined || alpha === 0 || k <= 0) return 0;
    if (threadsFor(runtime, 2 * m * n * k, PARALLEL_PARAMS.gemmFlops) === 1) return 0;
    withScope(runtime, POOL_SCOPE_NAME, (scope) => {
      parallelGemm(runtime, scope, { dtype, transA: transA !== 0, transB: transB !== 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc });
    });
    return 1;
  };
  const gemv = (dtype: DType): PooledGemv => (transA, m, n, alpha, a, lda, x, beta, y) => {
    const runtime = runtimeOf();
    if (runtime === undefined || alpha === 0 || m <= 0 || n <= 0) return 0;
    if (threadsFor(runtime, m * n, PARALLEL_PARAMS.gemvElements) === 1) return 0;
    withScope(runtime, POOL_SCOPE_NAME, (scope) => parallelGemv(runtime, scope, { dtype, transA: transA !== 0, m, n, alpha, a, lda, x, beta, y }));
    return 1;
  };
  return { gemm_pool_f64: gemm("f64"), gemm_pool_f32: gemm("f32"), gemv_pool_f64: gemv("f64"), gemv_pool_f32: gemv("f32") };
}

/**
 * Runs an elementwise kernel over n values, split into ranges when n is large enough. `unit` is the
 * granularity a range start must respect (a group size, say); `argsFor(start, end)` returns the
 * kernel's arguments for values [start, end). Returns each range's start and the kernel's result.
 */
export function parallelRanges(
  runtime: Runtime,
  kernel: KernelName,
  n: number,
  unit: number,
  argsFor: (start: number, end: number) => number[],
): Array<{ start: number; result: number }> {
  const threads = threadsFor(runtime, n, PARALLEL_PARAMS.rangeValues);
  const alignment = unit * Math.max(1, Math.round(PARALLEL_PARAMS.rangeAlignment / unit));
  const ranges = threads === 1 ? [[0, n] as [number, number]] : splitRange(n, alignment, threads);
  const results = runJobs(runtime, ranges.map(([start, end]) => ({ kernel, args: argsFor(start, end) })));
  return ranges.map(([start], index) => ({ start, result: results[index]! }));
}

/**
 * Converts n values at `source` into `target` with a kernel of signature (source, target, n),
 * split into ranges. `sourceBytes` and `targetBytes` are the element sizes.
 */
export function parallelConvert(runtime: Runtime, kernel: KernelName, source: number, sourceBytes: number, target: number, targetBytes: number, n: number): void {
  parallelRanges(runtime, kernel, n, 1, (start, end) => [source + start * sourceBytes, target + start * targetBytes, end - start]);
}

/**
 * Runs a quantizer over n values in groups of `group`, split on multiples of `unit` (a multiple of
 * `group`, default `group`); `argsFor(start, end, firstGroup)` returns the kernel's arguments for
 * values [start, end). The kernels return the index of the first group whose scale is not finite
 * within their range, or -1; this returns that index over the whole input, or -1.
 */
export function parallelQuantize(
  runtime: Runtime,
  kernel: KernelName,
  n: number,
  group: number,
  argsFor: (start: number, end: number, firstGroup: number) => number[],
  unit = group,
): number {
  const ranges = parallelRanges(runtime, kernel, n, unit, (start, end) => argsFor(start, end, start / group));
  const bad = ranges.find(({ result }) => result >= 0);
  return bad === undefined ? -1 : bad.start / group + bad.result;
}

/**
 * The two implementations of the SVD and QR kernels behind one interface: the WebAssembly build
 * (copies in and out of wasm memory) and the pure-JavaScript baseline. The public functions in
 * svd.ts, qr.ts, lstsq.ts and pinv.ts are written once against this interface.
 *
 * Every array here is dense row-major storage of the input's element type; `a` is a scratch copy the
 * kernel may overwrite.
 */
import { qrKernel, svdKernel, type SvdJob } from "../baseline/svdKernel.js";
import type { DType, FloatArray } from "../matrix.js";
import { withScope } from "../runtime/operands.js";
import { requireRuntime } from "../runtime/state.js";
import { elementBytes, viewOf } from "../runtime/views.js";

export type { SvdJob } from "../baseline/svdKernel.js";
export { SvdJob as SVD_JOB } from "../baseline/svdKernel.js";

/** The SVD and QR of dense matrices, by one implementation. */
export interface FactorKernels {
  /**
   * Writes min(m, n) singular values into s and, unless job is Values, the factors into u (m x k or
   * m x m) and vt (k x n or n x n). Returns 0, or the number of superdiagonal entries of the
   * bidiagonal matrix that had not converged when the iteration limit was reached.
   */
  svd(functionName: string, m: number, n: number, a: FloatArray, s: FloatArray, u: FloatArray, vt: FloatArray, job: SvdJob): number;
  /** Writes R (rRows x n) into r and, when qCols > 0, Q (m x qCols) into q. */
  qr(functionName: string, m: number, n: number, a: FloatArray, q: FloatArray, qCols: number, r: FloatArray, rRows: number): void;
}

function dtypeOfArray(data: FloatArray): DType {
  return data instanceof Float64Array ? "f64" : "f32";
}

/** The WebAssembly kernels: every operand is copied into a scope of wasm memory and back. */
export const wasmKernels: FactorKernels = {
  svd(functionName, m, n, a, s, u, vt, job) {
    const runtime = requireRuntime(functionName);
    const dtype = dtypeOfArray(a);
    const bytes = elementBytes(dtype);
    const { exports } = runtime;
    return withScope(runtime, functionName, (scope) => {
      const workBytes = dtype === "f64" ? exports.svd_workspace_f64(m, n, job) : exports.svd_workspace_f32(m, n, job);
      const aAddress = scope.allocate(a.length * bytes);
      const sAddress = scope.allocate(s.length * bytes);
      const uAddress = scope.allocate(u.length * bytes);
      const vtAddress = scope.allocate(vt.length * bytes);
      const work = scope.allocate(workBytes);
      viewOf(runtime, dtype, aAddress, a.length).set(a);
      const status = dtype === "f64"
        ? exports.svd_f64(m, n, aAddress, sAddress, uAddress, vtAddress, job, work)
        : exports.svd_f32(m, n, aAddress, sAddress, uAddress, vtAddress, job, work);
      s.set(viewOf(runtime, dtype, sAddress, s.length));
      u.set(viewOf(runtime, dtype, uAddress, u.length));
      vt.set(viewOf(runtime, dtype, vtAddress, vt.length));
      return status;
    });
  },

  qr(functionName, m, n, a, q, qCols, r, rRows) {
    const runtime = requireRuntime(functionName);
    const dtype = dtypeOfArray(a);
    const bytes = elementBytes(dtype);
    const { exports } = runtime;
    withScope(runtime, functionName, (scope) => {
      const workBytes = dtype === "f64" ? exports.qr_workspace_f64(m, n, qCols) : exports.qr_workspace_f32(m, n, qCols);
      const aAddress = scope.allocate(a.length * bytes);
      const qAddress = scope.allocate(q.length * bytes);
      const rAddress = scope.allocate(r.length * bytes);
      const work = scope.allocate(workBytes);
      viewOf(runtime, dtype, aAddress, a.length).set(a);
      if (dtype === "f64") exports.qr_f64(m, n, aAddress, qAddress, qCols, rAddress, rRows, work);
      else exports.qr_f32(m, n, aAddress, qAddress, qCols, rAddress, rRows, work);
      q.set(viewOf(runtime, dtype, qAddress, q.length));
      r.set(viewOf(runtime, dtype, rAddress, r.length));
    });
  },
};

function toFloat64(data: FloatArray): Float64Array {
  return data instanceof Float64Array ? data : Float64Array.from(data);
}

/**
 * The pure-JavaScript kernels. They compute in f64 whatever the input type and round f32 results
 * once at the end, so the baseline's f32 results are more accurate than the wasm f32 kernels'.
 */
export const baselineKernels: FactorKernels = {
  svd(_functionName, m, n, a, s, u, vt, job) {
    const s64 = toFloat64(s);
    const u64 = toFloat64(u);
    const vt64 = toFloat64(vt);
    const status = svdKernel(m, n, Float64Array.from(a), s64, u64, vt64, job);
    if (s64 !== s) s.set(s64);
    if (u64 !== u) u.set(u64);
    if (vt64 !== vt) vt.set(vt64);
    return status;
  },

  qr(_functionName, m, n, a, q, qCols, r, rRows) {
    const q64 = toFloat64(q);
    const r64 = toFloat64(r);
    qrKernel(m, n, Float64Array.from(a), q64, qCols, r64, rRows);
    if (q64 !== q) q.set(q64);
    if (r64 !== r) r.set(r64);
  },
};

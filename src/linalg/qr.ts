/**
 * The QR factorization A = Q R by Householder reflections, blocked above a crossover (LAPACK's dgeqrf
 * and the compact WY application of the reflectors that dorgqr uses; the baseline is unblocked).
 */
import { typeError } from "../errors.js";
import type { FloatArray, Matrix } from "../matrix.js";
import type { MatrixInput } from "../runtime/operands.js";
import { checkOptions } from "./checks.js";
import { wasmKernels, type FactorKernels } from "./factorKernels.js";
import { allocate, denseInput } from "./factorInputs.js";

/** What `qr` returns, with numpy's names: "reduced" (default), "complete", or "r" for R alone. */
export type QrMode = "reduced" | "complete" | "r";

/** Options of `qr`. */
export interface QrOptions {
  /** "reduced": Q m x k, R k x n (k = min(m, n)); "complete": Q m x m, R m x n; "r": R (k x n) alone. */
  mode?: QrMode;
}

/** The factors of A = Q R: Q with orthonormal columns, R upper triangular (trapezoidal). */
export interface QrResult<T extends FloatArray = FloatArray> {
  Q: Matrix<T>;
  R: Matrix<T>;
}

/** The QR factorization written once for both implementations. */
export function qrWith(kernels: FactorKernels, functionName: string, a: unknown, options: unknown, allowResident: boolean): QrResult | { R: Matrix } {
  const opts = checkOptions<QrOptions>(functionName, options);
  const mode = opts.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw typeError(functionName, "options.mode", 'be "reduced", "complete" or "r"', mode);
  }
  const input = denseInput(functionName, "a", a, allowResident);
  const { rows: m, cols: n, dtype } = input;
  const k = Math.min(m, n);
  const qCols = mode === "complete" ? m : mode === "reduced" ? k : 0;
  const rRows = mode === "complete" ? m : k;
  const q = allocate(dtype, m * qCols);
  const r = allocate(dtype, rRows * n);
  kernels.qr(functionName, m, n, input.data, q, qCols, r, rRows);
  const R: Matrix = { rows: rRows, cols: n, data: r };
  if (mode === "r") return { R };
  return { Q: { rows: m, cols: qCols, data: q }, R };
}

/**
 * Computes the QR factorization A = Q R of an m x n matrix (f64 or f32) by Householder reflections.
 * With the default `mode: "reduced"`, Q is m x k with orthonormal columns and R is k x n upper
 * trapezoidal (k = min(m, n)); `"complete"` gives a square orthogonal Q (m x m) and R m x n;
 * `"r"` computes R alone. R's diagonal may be negative (as LAPACK's and numpy's). Results are new dense
 * row-major matrices of the input's element type; `a` is not modified.
 *
 * Throws TypeError or RangeError for a malformed matrix or options, RangeError naming the first NaN or
 * infinite entry, NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const { Q, R } = qr(randn(5, 3));              // Q 5x3, R 3x3
 * const { R: r } = qr(a, { mode: "r" });
 */
export function qr<T extends FloatArray>(a: Matrix<T> | MatrixInput, options: QrOptions & { mode: "r" }): { R: Matrix<T> };
export function qr<T extends FloatArray>(a: Matrix<T> | MatrixInput, options?: QrOptions): QrResult<T>;
export function qr(a: MatrixInput, options?: QrOptions): QrResult | { R: Matrix } {
  return qrWith(wasmKernels, "qr", a, options, true);
}

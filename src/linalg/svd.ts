/**
 * The singular value decomposition A = U diag(S) V^T, by Householder bidiagonalization and, on the
 * bidiagonal matrix, divide and conquer for the vectors of larger matrices and implicit-shift QR
 * iteration otherwise (the algorithms of LAPACK's dgesdd and dgesvd).
 */
import { typeError } from "../errors.js";
import type { FloatArray, Matrix } from "../matrix.js";
import type { MatrixInput } from "../runtime/operands.js";
import { checkOptions } from "./checks.js";
import { SVD_JOB, wasmKernels, type FactorKernels } from "./factorKernels.js";
import { allocate, convergenceFailure, denseInput } from "./factorInputs.js";

/** Options of `svd`. */
export interface SvdOptions {
  /** Square U (m x m) and V^T (n x n), as numpy's default `full_matrices=True`. Default false (thin). */
  full?: boolean;
  /** Compute U and V^T. With false only S is computed, which is faster. Default true. */
  vectors?: boolean;
}

/** The factors of A = U diag(S) V^T. */
export interface SvdResult<T extends FloatArray = FloatArray> {
  /** Left singular vectors in columns: m x k (thin, k = min(m, n)) or m x m (full). */
  U: Matrix<T>;
  /** Singular values, non-negative and decreasing, min(m, n) of them. */
  S: T;
  /** Right singular vectors in rows: k x n (thin) or n x n (full). */
  Vt: Matrix<T>;
}

/** Singular values alone, from `svd(a, { vectors: false })`. */
export interface SingularValues<T extends FloatArray = FloatArray> {
  S: T;
}

function checkFlag(functionName: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw typeError(functionName, `options.${name}`, "be a boolean", value);
  return value;
}

/** The SVD written once for both implementations. */
export function svdWith(kernels: FactorKernels, functionName: string, a: unknown, options: unknown, allowResident: boolean): SvdResult | SingularValues {
  const opts = checkOptions<SvdOptions>(functionName, options);
  const full = checkFlag(functionName, "full", opts.full, false);
  const vectors = checkFlag(functionName, "vectors", opts.vectors, true);
  const input = denseInput(functionName, "a", a, allowResident);
  const { rows: m, cols: n, dtype } = input;
  const k = Math.min(m, n);
  const job = !vectors ? SVD_JOB.Values : full ? SVD_JOB.Full : SVD_JOB.Thin;
  const uCols = full ? m : k;
  const vtRows = full ? n : k;

  const S = allocate(dtype, k);
  const U = allocate(dtype, vectors ? m * uCols : 0);
  const Vt = allocate(dtype, vectors ? vtRows * n : 0);
  const status = kernels.svd(functionName, m, n, input.data, S, U, Vt, job);
  if (status !== 0) throw convergenceFailure(functionName, k, status);

  if (!vectors) return { S };
  return { U: { rows: m, cols: uCols, data: U }, S, Vt: { rows: vtRows, cols: n, data: Vt } };
}

/**
 * Computes the singular value decomposition A = U diag(S) V^T of an m x n matrix (f64 or f32, any
 * shape, including empty ones). S holds the k = min(m, n) singular values, non-negative and in
 * decreasing order; U (m x k) and V^T (k x n) have orthonormal columns and rows (numpy's
 * `full_matrices=False`). With `full: true`, U is m x m and V^T is n x n, completed with orthonormal
 * complements; with `vectors: false` only S is computed. Results are new dense row-major matrices of
 * the input's element type; `a` is not modified.
 *
 * Method: scaling when the largest entry is near underflow or overflow, a Householder QR first when
 * m >= 1.6 n, the transpose when m < n, blocked Householder bidiagonalization, then the bidiagonal
 * SVD: by divide and conquer when vectors are wanted and min(m, n) > 25 (LAPACK's dbdsdc, as numpy's
 * gesdd), otherwise by implicit-shift QR with the Demmel-Kahan zero shift (dbdsqr). U and V^T are
 * formed by applying the reflectors in blocks. Singular vectors are determined up to sign (and up to
 * rotation within repeated singular values).
 *
 * Throws TypeError or RangeError for a malformed matrix or options, RangeError naming the first NaN or
 * infinite entry, ConvergenceError if the iteration limit is reached, NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const { U, S, Vt } = svd(randn(6, 4));     // U 6x4, S Float64Array(4), Vt 4x4
 * const { S: values } = svd(w, { vectors: false });
 */
export function svd<T extends FloatArray>(a: MatrixInput & { data?: T }, options: SvdOptions & { vectors: false }): SingularValues<T>;
export function svd<T extends FloatArray>(a: MatrixInput & { data?: T }, options?: SvdOptions): SvdResult<T>;
export function svd(a: MatrixInput, options?: SvdOptions): SvdResult | SingularValues {
  return svdWith(wasmKernels, "svd", a, options, true);
}

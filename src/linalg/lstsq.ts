/**
 * Least squares and the pseudo-inverse through the QR factorization and the SVD.
 */
import { rangeError, rangeErrorDescribed, typeError } from "../errors.js";
import { checkSameDType, dtypeOf, shapeText, type FloatArray, type Matrix } from "../matrix.js";
import type { MatrixInput } from "../runtime/operands.js";
import { checkOptions } from "./checks.js";
import { SVD_JOB, wasmKernels, type FactorKernels } from "./factorKernels.js";
import { allocate, convergenceFailure, denseInput, type DenseInput } from "./factorInputs.js";

/** Options of `lstsq`. */
export interface LstsqOptions {
  /**
   * Singular values at or below rcond * S[0] count as zero when deciding the rank. Default
   * eps * max(m, n) (eps of the element type), as numpy's `rcond=None`.
   */
  rcond?: number;
}

/** Options of `pinv`. */
export interface PinvOptions {
  /** Singular values at or below rcond * S[0] are treated as zero. Default 1e-15, as numpy's. */
  rcond?: number;
}

/** The four results of `lstsq`, as numpy returns them. */
export interface LstsqResult<T extends FloatArray = FloatArray> {
  /** The minimum-norm least-squares solution: n x nrhs, or a vector of n entries when b was a vector. */
  x: Matrix<T> | T;
  /**
   * Sums of squared residuals ||b_j - A x_j||^2, one per right-hand side; empty when the rank is
   * below n or m <= n, as numpy's.
   */
  residuals: T;
  /** Effective rank of A: the singular values above rcond * S[0]. */
  rank: number;
  /** Singular values of A, decreasing. */
  S: T;
}

function checkRcond(functionName: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw typeError(functionName, "options.rcond", "be a number", value);
  if (!(value >= 0) || !Number.isFinite(value)) throw rangeError(functionName, "options.rcond", "be a finite number >= 0", value);
  return value;
}

function epsilonOf(dtype: "f64" | "f32"): number {
  return dtype === "f64" ? 2 ** -52 : 2 ** -23;
}

/** Reads b as an m x nrhs dense f64 matrix, remembering whether it was a vector. */
function rightHandSide(functionName: string, b: unknown, a: DenseInput, allowResident: boolean): { data: Float64Array; nrhs: number; vector: boolean } {
  if (dtypeOf(b) !== undefined) {
    const vector = b as FloatArray;
    checkSameDType(functionName, ["a", a], ["b", { dtype: dtypeOf(vector)! }]);
    if (vector.length !== a.rows) {
      throw rangeErrorDescribed(functionName, "b", `have ${a.rows} entries, one per row of a (${shapeText(a)})`, `${vector.length} entries`);
    }
    for (let i = 0; i < vector.length; i++) {
      if (!Number.isFinite(vector[i]!)) throw rangeErrorDescribed(functionName, "b", "contain only finite numbers", `${vector[i]} at index ${i}`);
    }
    return { data: Float64Array.from(vector), nrhs: 1, vector: true };
  }
  const matrix = denseInput(functionName, "b", b, allowResident);
  checkSameDType(functionName, ["a", a], ["b", matrix]);
  if (matrix.rows !== a.rows) {
    throw rangeErrorDescribed(functionName, "b", `have ${a.rows} rows, one per row of a (${shapeText(a)})`, shapeText(matrix));
  }
  return { data: Float64Array.from(matrix.data), nrhs: matrix.cols, vector: false };
}

/** The least-squares solver written once for both implementations. */
export function lstsqWith(kernels: FactorKernels, functionName: string, a: unknown, b: unknown, options: unknown, allowResident: boolean): LstsqResult {
  const opts = checkOptions<LstsqOptions>(functionName, options);
  const input = denseInput(functionName, "a", a, allowResident);
  const rhs = rightHandSide(functionName, b, input, allowResident);
  const { rows: m, cols: n, dtype } = input;
  const rcond = checkRcond(functionName, opts.rcond, epsilonOf(dtype) * Math.max(m, n));
  const { nrhs } = rhs;
  const k = Math.min(m, n);
  const x = new Float64Array(n * nrhs);

  // Full column rank with m >= n: x = R^-1 Q^T b, and S from R (A and R share their singular values).
  // Otherwise the minimum-norm solution x = V S^+ U^T b from the thin SVD.
  let S = allocate(dtype, k);
  let rank = 0;
  let solved = false;
  if (m >= n && n > 0) {
    const q = allocate(dtype, m * n);
    const r = allocate(dtype, n * n);
    kernels.qr(functionName, m, n, input.data.slice(), q, n, r, n);
    const status = kernels.svd(functionName, n, n, r.slice(), S, allocate(dtype, 0), allocate(dtype, 0), SVD_JOB.Values);
    if (status !== 0) throw convergenceFailure(functionName, n, status);
    rank = countAbove(S, rcond);
    if (rank === n) {
      solveWithQr(m, n, nrhs, q, r, rhs.data, x);
      solved = true;
    }
  }
  if (!solved && k > 0) {
    const U = allocate(dtype, m * k);
    const Vt = allocate(dtype, k * n);
    const status = kernels.svd(functionName, m, n, input.data.slice(), S, U, Vt, SVD_JOB.Thin);
    if (status !== 0) throw convergenceFailure(functionName, k, status);
    rank = countAbove(S, rcond);
    solveWithSvd(m, n, k, nrhs, rank, U, S, Vt, rhs.data, x);
  }

  // Residuals, as numpy reports them: only for full column rank and m > n.
  let residuals = allocate(dtype, 0);
  if (rank === n && m > n) {
    residuals = allocate(dtype, nrhs);
    for (let j = 0; j < nrhs; j++) {
      let sum = 0;
      for (let i = 0; i < m; i++) {
        let fitted = 0;
        for (let l = 0; l < n; l++) fitted += input.data[i * n + l]! * x[l * nrhs + j]!;
        const residual = rhs.data[i * nrhs + j]! - fitted;
        sum += residual * residual;
      }
      residuals[j] = sum;
    }
  }

  const xOut = allocate(dtype, n * nrhs);
  xOut.set(x);
  return { x: rhs.vector ? xOut : { rows: n, cols: nrhs, data: xOut }, residuals, rank, S };
}

function countAbove(S: FloatArray, rcond: number): number {
  if (S.length === 0) return 0;
  const cutoff = rcond * S[0]!;
  let rank = 0;
  for (let i = 0; i < S.length; i++) if (S[i]! > cutoff) rank++;
  return rank;
}

function solveWithQr(m: number, n: number, nrhs: number, q: FloatArray, r: FloatArray, b: Float64Array, x: Float64Array): void {
  // x = Q^T b (n x nrhs), accumulated row by row of Q.
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < n; l++) {
      const qil = q[i * n + l]!;
      if (qil === 0) continue;
      for (let j = 0; j < nrhs; j++) x[l * nrhs + j]! += qil * b[i * nrhs + j]!;
    }
  }

  // Back substitution with the upper triangular R.
  for (let i = n - 1; i >= 0; i--) {
    for (let l = i + 1; l < n; l++) {
      const ril = r[i * n + l]!;
      for (let j = 0; j < nrhs; j++) x[i * nrhs + j]! -= ril * x[l * nrhs + j]!;
    }
    const rii = r[i * n + i]!;
    for (let j = 0; j < nrhs; j++) x[i * nrhs + j]! /= rii;
  }
}

function solveWithSvd(m: number, n: number, k: number, nrhs: number, rank: number, U: FloatArray, S: FloatArray, Vt: FloatArray, b: Float64Array, x: Float64Array): void {
  // c = S^+ U^T b over the first `rank` singular triplets, then x = V c.
  const c = new Float64Array(rank * nrhs);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < rank; l++) {
      const uil = U[i * k + l]!;
      for (let j = 0; j < nrhs; j++) c[l * nrhs + j]! += uil * b[i * nrhs + j]!;
    }
  }
  for (let l = 0; l < rank; l++) {
    const inverse = 1 / S[l]!;
    for (let j = 0; j < nrhs; j++) c[l * nrhs + j]! *= inverse;
  }
  for (let l = 0; l < rank; l++) {
    for (let i = 0; i < n; i++) {
      const vli = Vt[l * n + i]!;
      for (let j = 0; j < nrhs; j++) x[i * nrhs + j]! += vli * c[l * nrhs + j]!;
    }
  }
}

/** The pseudo-inverse written once for both implementations. */
export function pinvWith(kernels: FactorKernels, functionName: string, a: unknown, options: unknown, allowResident: boolean): Matrix {
  const opts = checkOptions<PinvOptions>(functionName, options);
  const rcond = checkRcond(functionName, opts.rcond, 1e-15);
  const input = denseInput(functionName, "a", a, allowResident);
  const { rows: m, cols: n, dtype } = input;
  const k = Math.min(m, n);
  const S = allocate(dtype, k);
  const U = allocate(dtype, m * k);
  const Vt = allocate(dtype, k * n);
  const status = kernels.svd(functionName, m, n, input.data, S, U, Vt, SVD_JOB.Thin);
  if (status !== 0) throw convergenceFailure(functionName, k, status);
  const rank = countAbove(S, rcond);

  // pinv(A)^T = U S^+ V^T (m x n, accumulated along contiguous rows), then transposed.
  const transposed = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < rank; l++) {
      const factor = U[i * k + l]! / S[l]!;
      for (let j = 0; j < n; j++) transposed[i * n + j]! += factor * Vt[l * n + j]!;
    }
  }
  const out = allocate(dtype, n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = transposed[i * n + j]!;
  return { rows: n, cols: m, data: out };
}

/**
 * Solves the least-squares problem min ||A x - b|| (2-norm) for an m x n matrix A and a right-hand
 * side b that is a vector of m entries or an m x nrhs matrix of the same element type, returning
 * numpy's four results: the minimum-norm solution x (a vector or an n x nrhs matrix, as b), the sums
 * of squared residuals (empty unless rank = n < m), the effective rank and A's singular values.
 *
 * Method: with m >= n, a Householder QR and the singular values of R; when R has full rank
 * x = R^-1 Q^T b, otherwise (and for m < n) x = V S^+ U^T b from the thin SVD, keeping the singular
 * values above `rcond` * S[0]. The residuals are computed in f64 as ||b - A x||^2. Neither a nor b
 * is modified.
 *
 * Throws TypeError or RangeError for malformed or mismatched arguments, RangeError naming the first
 * NaN or infinite entry, ConvergenceError if the SVD does not converge, NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const { x, residuals, rank, S } = lstsq(a, b);   // b: Float64Array(a.rows)
 */
export function lstsq<T extends FloatArray>(a: Matrix<T> | MatrixInput, b: T | Matrix<T> | MatrixInput, options?: LstsqOptions): LstsqResult<T>;
export function lstsq(a: MatrixInput, b: FloatArray | MatrixInput, options?: LstsqOptions): LstsqResult {
  return lstsqWith(wasmKernels, "lstsq", a, b, options, true);
}

/**
 * Computes the Moore-Penrose pseudo-inverse of an m x n matrix through its thin SVD:
 * pinv(A) = V S^+ U^T (n x m), where S^+ inverts the singular values above `rcond` * S[0] and zeroes
 * the others (numpy's default rcond 1e-15). Returns a new dense matrix of the input's element type;
 * `a` is not modified.
 *
 * Throws TypeError or RangeError for a malformed matrix or options, RangeError naming the first NaN or
 * infinite entry, ConvergenceError if the SVD does not converge, NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const p = pinv(fromArrays([[1, 2], [2, 4], [0, 1]]));   // 2x3
 */
export function pinv<T extends FloatArray>(a: Matrix<T> | MatrixInput, options?: PinvOptions): Matrix<T>;
export function pinv(a: MatrixInput, options?: PinvOptions): Matrix {
  return pinvWith(wasmKernels, "pinv", a, options, true);
}

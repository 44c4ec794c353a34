/**
 * Matrix norms and the numerical rank.
 */
import { rangeError, typeError } from "../errors.js";
import type { CheckedMatrix } from "../matrix.js";
import { checkInput, type MatrixInput } from "../runtime/operands.js";
import { svd } from "./svd.js";

/** Kinds of `norm`: the Frobenius norm or the spectral norm (the largest singular value). */
export type NormKind = "fro" | 2;

/** Machine epsilon of each element type: 2^-52 for f64, 2^-23 for f32. */
const EPSILON = { f64: 2 ** -52, f32: 2 ** -23 } as const;

/**
 * Returns sqrt(sum of squares) of a matrix's elements without overflow or underflow: the elements are
 * scaled by the largest magnitude before squaring, so 1e200 and 1e-200 entries give finite, accurate
 * norms. A NaN entry gives NaN, an infinite one Infinity.
 */
export function frobeniusNorm(m: Pick<CheckedMatrix, "rows" | "cols" | "stride" | "data">): number {
  const { rows, cols, stride, data } = m;
  let largest = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = i * stride, end = i * stride + cols; j < end; j++) {
      const magnitude = Math.abs(data[j]!);
      if (magnitude > largest || Number.isNaN(magnitude)) largest = magnitude;
      if (Number.isNaN(magnitude)) return NaN;
    }
  }
  if (largest === 0 || largest === Infinity) return largest;
  const inverse = 1 / largest;
  // 1 / largest overflows for subnormal largest values; dividing is exact enough there.
  const scaleBy = Number.isFinite(inverse) ? (x: number) => x * inverse : (x: number) => x / largest;
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = i * stride, end = i * stride + cols; j < end; j++) {
      const scaled = scaleBy(data[j]!);
      sum += scaled * scaled;
    }
  }
  return largest * Math.sqrt(sum);
}

/**
 * Returns a matrix norm: `"fro"` (default), the Frobenius norm sqrt(sum_ij a_ij^2), computed in f64
 * with scaling so that it neither overflows nor underflows; or `2`, the spectral norm, the largest
 * singular value (computed by `svd(a, { vectors: false })`). The norm of an empty matrix is 0.
 * Accepts plain and resident matrices. Throws TypeError for a non-matrix or another kind, and, for
 * the spectral norm, what `svd` throws (a RangeError naming the first NaN or infinite entry).
 *
 * @example
 * norm(fromArrays([[3, 4]]));      // 5
 * norm(fromArrays([[3, 4]]), 2);   // 5
 * norm(sub(w, matmul(b, a)));      // the article's error of B A
 */
export function norm(a: MatrixInput, kind: NormKind = "fro"): number {
  if (kind !== "fro" && kind !== 2) throw typeError("norm", "kind", 'be "fro" or 2', kind);
  const input = checkInput("norm", "a", a);
  if (input.rows === 0 || input.cols === 0) return 0;
  if (kind === 2) return svd(a, { vectors: false }).S[0]!;
  if (input.plain !== undefined) return frobeniusNorm(input.plain);
  const copy = input.resident!.toMatrix();
  return frobeniusNorm({ ...copy, stride: copy.cols });
}

/** Options of `matrixRank`. */
export interface MatrixRankOptions {
  /**
   * Singular values above this count. Default S[0] * max(m, n) * eps, with eps the machine epsilon of
   * the element type, as numpy's `matrix_rank`.
   */
  tol?: number;
}

/**
 * Returns the numerical rank of a matrix: how many singular values exceed `tol` (default
 * S[0] * max(m, n) * eps, numpy's choice). Throws TypeError for a non-matrix or a non-number tol,
 * RangeError for a negative tol, and what `svd` throws.
 *
 * @example
 * matrixRank(fromArrays([[1, 2], [2, 4]]));   // 1
 */
export function matrixRank(a: MatrixInput, options: MatrixRankOptions = {}): number {
  const input = checkInput("matrixRank", "a", a);
  if (typeof options !== "object" || options === null) throw typeError("matrixRank", "options", "be an object", options);
  if (options.tol !== undefined) {
    if (typeof options.tol !== "number") throw typeError("matrixRank", "options.tol", "be a number", options.tol);
    if (!(options.tol >= 0)) throw rangeError("matrixRank", "options.tol", "be a non-negative number", options.tol);
  }
  if (input.rows === 0 || input.cols === 0) return 0;
  const { S } = svd(a, { vectors: false });
  const tol = options.tol ?? S[0]! * Math.max(input.rows, input.cols) * EPSILON[input.dtype];
  let rank = 0;
  while (rank < S.length && S[rank]! > tol) rank++;
  return rank;
}

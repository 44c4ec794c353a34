// Test matrices and accuracy ratios in the style of LAPACK's SVD test driver (dchkbd/ddrvbd): each
// ratio divides an error by what backward-stable arithmetic allows, so a correct routine gives ratios
// of order 1 and the tests reject anything at or above 30.
import * as baseline from "../../src/baseline/index.js";
import { RandomState, type Matrix } from "../../src/index.js";

export type DType = "f64" | "f32";

/** Unit roundoff times the base, LAPACK's dlamch("P"). */
export function ulpOf(dtype: DType): number {
  return dtype === "f64" ? 2 ** -52 : 2 ** -23;
}

/** Smallest normal number, LAPACK's dlamch("S"). */
export function safeMinOf(dtype: DType): number {
  return dtype === "f64" ? 2.2250738585072014e-308 : 1.1754943508222875e-38;
}

/** Largest finite number, LAPACK's dlamch("O"). */
export function overflowOf(dtype: DType): number {
  return dtype === "f64" ? Number.MAX_VALUE : 3.4028234663852886e38;
}

export const MATRIX_TYPES = [
  "zero",
  "identity",
  "graded",
  "graded near underflow",
  "graded near overflow",
  "rank-deficient",
  "repeated values",
  "gaussian",
] as const;
/**
 * Types beyond LAPACK's list for the paths reached by lowered block sizes and thresholds: singular
 * values in tight clusters (groups of five a few ulp apart) and a few values repeated many times.
 */
export const EXTRA_MATRIX_TYPES = ["clustered values", "few distinct values"] as const;
export type MatrixType = (typeof MATRIX_TYPES)[number] | (typeof EXTRA_MATRIX_TYPES)[number];

/** An m x k matrix with orthonormal columns: Q of the QR of a Gaussian matrix (computed in f64). */
function orthonormalColumns(rng: RandomState, m: number, k: number): Float64Array {
  if (m === 0 || k === 0) return new Float64Array(m * k);
  return baseline.qr(rng.randn(m, k)).Q.data as Float64Array;
}

/** Builds U diag(d) V^T (m x n) with random U, V having orthonormal columns. */
function withSingularValues(rng: RandomState, m: number, n: number, d: number[]): Float64Array {
  const k = d.length;
  const u = orthonormalColumns(rng, m, k);
  const v = orthonormalColumns(rng, n, k);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) {
      const factor = u[i * k + l]! * d[l]!;
      if (factor === 0) continue;
      for (let j = 0; j < n; j++) a[i * n + j]! += factor * v[j * k + l]!;
    }
  }
  return a;
}

/** Creates a test matrix of the given type, as LAPACK's driver does, stored with the given dtype. */
export function testMatrix(type: MatrixType, m: number, n: number, dtype: DType, seed: number): Matrix {
  const rng = new RandomState(seed);
  const k = Math.min(m, n);
  const eps = ulpOf(dtype);
  const evenly = Array.from({ length: k }, (_, i) => (k === 1 ? 1 : 1 - ((1 - eps) * i) / (k - 1)));
  let a: Float64Array;
  switch (type) {
    case "zero":
      a = new Float64Array(m * n);
      break;
    case "identity":
      a = new Float64Array(m * n);
      for (let i = 0; i < k; i++) a[i * n + i] = 1;
      break;
    case "graded":
      a = withSingularValues(rng, m, n, evenly);
      break;
    case "graded near underflow":
      a = withSingularValues(rng, m, n, evenly.map((x) => (x * safeMinOf(dtype)) / eps));
      break;
    case "graded near overflow":
      a = withSingularValues(rng, m, n, evenly.map((x) => x * overflowOf(dtype) * eps));
      break;
    case "rank-deficient":
      a = withSingularValues(rng, m, n, evenly.map((x, i) => (i < k / 2 ? x : 0)));
      break;
    case "repeated values":
      a = withSingularValues(rng, m, n, evenly.map((_, i) => (i < k / 2 ? 1 : 0.5)));
      break;
    case "clustered values":
      a = withSingularValues(rng, m, n, evenly.map((_, i) => 2 ** -Math.floor(i / 5) * (1 + 4 * (i % 5) * eps)));
      break;
    case "few distinct values":
      a = withSingularValues(rng, m, n, evenly.map((_, i) => [3, 1, 1e-3][i % 3]!));
      break;
    case "gaussian":
      a = m * n === 0 ? new Float64Array(0) : rng.randn(m * n);
      break;
  }
  return { rows: m, cols: n, data: dtype === "f64" ? a : Float32Array.from(a) };
}

/** 1-norm (largest column sum of absolute values), in f64. */
export function norm1(a: Matrix): number {
  const sums = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) sums[j]! += Math.abs(a.data[i * a.cols + j]!);
  return sums.reduce((x, y) => Math.max(x, y), 0);
}

/** ||A - U diag(S) V^T||_1 / (max(||A||_1, safe min) max(m, n) ulp), over the first min(m, n) triplets. */
export function reconstructionRatio(a: Matrix, U: Matrix, S: ArrayLike<number>, Vt: Matrix, dtype: DType): number {
  const { rows: m, cols: n } = a;
  const k = Math.min(m, n);
  const residual = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) residual[i * n + j] = a.data[i * n + j]!;
    for (let l = 0; l < k; l++) {
      const factor = U.data[i * U.cols + l]! * S[l]!;
      if (factor === 0) continue;
      for (let j = 0; j < n; j++) residual[i * n + j]! -= factor * Vt.data[l * n + j]!;
    }
  }
  const anorm = Math.max(norm1(a), safeMinOf(dtype));
  return norm1({ rows: m, cols: n, data: residual }) / anorm / Math.max(1, m, n) / ulpOf(dtype);
}

/** ||I - Q^T Q||_1 / (max(1, rows) ulp) for the columns of Q (or of Q^T with `rowsOrthonormal`). */
export function orthogonalityRatio(q: Matrix, dtype: DType, rowsOrthonormal = false): number {
  const count = rowsOrthonormal ? q.rows : q.cols;
  const length = rowsOrthonormal ? q.cols : q.rows;
  const at = (vector: number, index: number): number =>
    rowsOrthonormal ? q.data[vector * q.cols + index]! : q.data[index * q.cols + vector]!;
  const gram = new Float64Array(count * count);
  for (let p = 0; p < count; p++) {
    for (let r = p; r < count; r++) {
      let sum = 0;
      for (let i = 0; i < length; i++) sum += at(p, i) * at(r, i);
      gram[p * count + r] = (p === r ? 1 : 0) - sum;
      gram[r * count + p] = gram[p * count + r]!;
    }
  }
  return norm1({ rows: count, cols: count, data: gram }) / Math.max(1, length) / ulpOf(dtype);
}

/** True when S is non-negative and non-increasing. */
export function isSortedNonNegative(S: ArrayLike<number>): boolean {
  for (let i = 0; i < S.length; i++) {
    if (!(S[i]! >= 0)) return false;
    if (i > 0 && S[i]! > S[i - 1]!) return false;
  }
  return true;
}

/** max |S1 - S2| / (max(||A||_1, safe min) max(1, min(m, n)) ulp). */
export function valuesAgreementRatio(a: Matrix, s1: ArrayLike<number>, s2: ArrayLike<number>, dtype: DType): number {
  let largest = 0;
  for (let i = 0; i < s1.length; i++) largest = Math.max(largest, Math.abs(s1[i]! - s2[i]!));
  return largest / Math.max(norm1(a), safeMinOf(dtype)) / Math.max(1, Math.min(a.rows, a.cols)) / ulpOf(dtype);
}

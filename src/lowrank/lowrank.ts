/**
 * The truncated-SVD factorization W ~ B A of a weight matrix, with the article's split of the singular
 * values (B = U_k, A = S_k V_k^T) or the balanced one, and the accounting that goes with it.
 */
import { typeError } from "../errors.js";
import { type FloatArray, type Matrix } from "../matrix.js";
import { checkOptions } from "../linalg/checks.js";
import { matmul } from "../linalg/matmul.js";
import { frobeniusNorm } from "../linalg/norm.js";
import { svd } from "../linalg/svd.js";
import { checkInput, type MatrixInput } from "../runtime/operands.js";
import { checkRank, denseAs, leadingColumns, leadingRows, scaledNorm } from "./checks.js";
import { discardedEnergy } from "./energy.js";
import { randomizedSvd, type RandomizedSvdOptions } from "./randomized.js";

/** How `lowRank` computes the truncated SVD. */
export type LowRankMethod = "exact" | "randomized";

/** Where `lowRank` puts the singular values: all in A (the article's), or their square roots in both. */
export type LowRankSplit = "article" | "balanced";

/** Options of `lowRank`; the randomized method also takes `randomizedSvd`'s options. */
export interface LowRankOptions extends RandomizedSvdOptions {
  /** "exact" (default): the full SVD, then truncation. "randomized": `randomizedSvd`. */
  method?: LowRankMethod;
  /** "article" (default): B = U_k, A = S_k V_k^T. "balanced": B = U_k sqrt(S_k), A = sqrt(S_k) V_k^T. */
  split?: LowRankSplit;
}

/** The factors of W ~ B A and what the truncation costs. */
export interface LowRankResult<T extends FloatArray = FloatArray> {
  /** m x k. */
  B: Matrix<T>;
  /** k x n. */
  A: Matrix<T>;
  /** The rank kept. */
  k: number;
  /** Singular values: all min(m, n) of them with the exact method, the k estimated ones with the randomized one. */
  S: T;
  /** m * n. */
  parametersBefore: number;
  /** k * (m + n). */
  parametersAfter: number;
  /**
   * ||W - B A||_F from the singular values: sqrt(sum_{i >= k} s_i^2) with the exact method,
   * sqrt(||W||_F^2 - sum_{i < k} s_i^2) with the randomized one (B A is then the projection of W onto
   * span(U_k), so the identity is exact in exact arithmetic; rounding limits it to about
   * sqrt(eps) ||W||_F when the error is far below the norm).
   */
  errorFro: number;
  /** ||W - B A||_F computed from the product: an independent check of `errorFro`. */
  residualFro: number;
  /** errorFro / ||W||_F (0 for W = 0). */
  relativeError: number;
  /** Fraction of ||W||_F^2 that B A keeps: 1 - relativeError^2. */
  energyKept: number;
}

/** Multiplies column j of U (m x k) by factor[j], in place. */
function scaleColumns(u: Matrix, factor: ArrayLike<number>): void {
  for (let i = 0; i < u.rows; i++) for (let j = 0; j < u.cols; j++) u.data[i * u.cols + j]! *= factor[j]!;
}

/** Multiplies row i of Vt (k x n) by factor[i], in place. */
function scaleRows(vt: Matrix, factor: ArrayLike<number>): void {
  for (let i = 0; i < vt.rows; i++) for (let j = 0; j < vt.cols; j++) vt.data[i * vt.cols + j]! *= factor[i]!;
}

/**
 * Factorizes an m x n matrix W (f64 or f32, plain or resident) as W ~ B A of rank k by truncating its
 * SVD W = U S V^T, the best rank-k approximation in the Frobenius and spectral norms
 * (Eckart-Young). The default split is the article's, B = U_k (m x k) and A = S_k V_k^T (k x n);
 * `split: "balanced"` gives B = U_k sqrt(S_k) and A = sqrt(S_k) V_k^T, the same product with factors
 * of equal scale (the form LoRA factors take). The exact SVD is used unless `method: "randomized"`
 * asks for `randomizedSvd` (whose `oversampling`, `powerIterations` and `seed` options apply).
 *
 * The result counts parameters (m n before, k (m + n) after) and gives the Frobenius error twice:
 * `errorFro` from the singular values left out, and `residualFro` from W - B A itself; they agree to
 * rounding (within 1e-12 relative on the article's 10 x 10 walk-through in float64). Results are new
 * dense matrices of W's element type; `w` is not modified.
 *
 * Throws TypeError for a non-matrix or an option of the wrong type; RangeError for a k outside 1 to
 * min(m, n) or a NaN or infinity in W; ConvergenceError if the SVD does not converge; NotReadyError
 * before `ready()`.
 *
 * @example
 * await ready();
 * seed(69);
 * const { B, A, parametersAfter, errorFro } = lowRank(randn(10, 10), 4);  // B 10x4, A 4x10, 80, 4.7699
 * lowRank(w, 32, { method: "randomized", split: "balanced" });
 */
export function lowRank<T extends FloatArray>(w: Matrix<T> | MatrixInput, k: number, options?: LowRankOptions): LowRankResult<T>;
export function lowRank(w: MatrixInput, k: number, options?: LowRankOptions): LowRankResult {
  const input = checkInput("lowRank", "w", w);
  const { rows: m, cols: n, dtype } = input;
  const opts = checkOptions<LowRankOptions>("lowRank", options);
  const method = opts.method ?? "exact";
  if (method !== "exact" && method !== "randomized") throw typeError("lowRank", "options.method", 'be "exact" or "randomized"', method);
  const split = opts.split ?? "article";
  if (split !== "article" && split !== "balanced") throw typeError("lowRank", "options.split", 'be "article" or "balanced"', split);
  checkRank("lowRank", "k", k, Math.min(m, n), `at most min(rows, cols) of a ${m}x${n} matrix`);

  // The truncated factors U_k (m x k), S, V_k^T (k x n).
  let U: Matrix;
  let S: FloatArray;
  let Vt: Matrix;
  if (method === "exact") {
    const full = svd(w);
    U = leadingColumns(full.U, k);
    S = full.S;
    Vt = leadingRows(full.Vt, k);
  } else {
    const { oversampling, powerIterations, seed } = opts;
    ({ U, S, Vt } = randomizedSvd(w, k, { oversampling, powerIterations, seed }));
  }

  // Split the singular values between the factors.
  const kept = S.subarray(0, k);
  if (split === "article") {
    scaleRows(Vt, kept);
  } else {
    const roots = kept.map(Math.sqrt);
    scaleColumns(U, roots);
    scaleRows(Vt, roots);
  }

  // The error from the singular values, and again from the residual W - B A.
  const dense = input.plain !== undefined ? denseAs(input.plain, dtype) : input.resident!.toMatrix();
  const normW = frobeniusNorm({ ...dense, stride: dense.cols });
  let errorFro: number;
  if (method === "exact") {
    errorFro = scaledNorm(S, k, S.length);
  } else {
    const keptNorm = scaledNorm(kept, 0, k);
    errorFro = Math.sqrt(Math.max(0, (normW - keptNorm) * (normW + keptNorm)));
  }
  const residual = matmul(U, Vt, { alpha: -1, beta: 1, out: dense });
  const residualFro = frobeniusNorm({ ...residual, stride: residual.cols });
  const relativeError = normW === 0 ? 0 : errorFro / normW;
  const energyKept = method === "exact" ? 1 - discardedEnergy(S)[k]! : 1 - relativeError * relativeError;

  return {
    B: U,
    A: Vt,
    k,
    S,
    parametersBefore: m * n,
    parametersAfter: k * (m + n),
    errorFro,
    residualFro,
    relativeError,
    energyKept,
  };
}

/**
 * The randomized truncated SVD of Halko, Martinsson and Tropp ("Finding structure with randomness",
 * SIAM Review 53(2), 2011): a Gaussian sketch finds an orthonormal basis Q of A's dominant column space
 * (their algorithm 4.4, the randomized subspace iteration), then the SVD of the small matrix Q^T A
 * gives the factors. Every product runs on the GEMM kernels and every orthonormalisation on the
 * Householder QR.
 */
import { rangeError, typeError } from "../errors.js";
import { type DType, type FloatArray, type Matrix } from "../matrix.js";
import { checkOptions } from "../linalg/checks.js";
import { matmul } from "../linalg/matmul.js";
import { qr } from "../linalg/qr.js";
import { svd } from "../linalg/svd.js";
import { RandomState } from "../random.js";
import { checkInput, type MatrixInput } from "../runtime/operands.js";
import { checkCount, checkFinite, checkRank, leadingColumns, leadingRows } from "./checks.js";

/** Options of `randomizedSvd`. */
export interface RandomizedSvdOptions {
  /** Extra sketch columns beyond k (p in the paper). Default 10. */
  oversampling?: number;
  /** Power (subspace) iterations, each one product with A^T and one with A. Default 4. */
  powerIterations?: number;
  /** Seed of the generator of the Gaussian sketch (an integer from 0 to 2^32 - 1). Default 0. */
  seed?: number;
}

/** The rank-k factors of `randomizedSvd`: A ~ U diag(S) V^T. */
export interface RandomizedSvdResult<T extends FloatArray = FloatArray> {
  /** m x k, orthonormal columns. */
  U: Matrix<T>;
  /** The k largest singular values as estimated, decreasing. */
  S: T;
  /** k x n, orthonormal rows. */
  Vt: Matrix<T>;
}

/** Default sketch oversampling. */
export const DEFAULT_OVERSAMPLING = 10;

/**
 * Default power iterations. Four keep the Frobenius error within 1 % of the exact truncation's on
 * matrices whose singular values decay as slowly as 1 / sqrt(i) (the tests check 1 / sqrt(i) and
 * exp(-i / 5) at k = 10 and 25).
 */
export const DEFAULT_POWER_ITERATIONS = 4;

/** Returns a rows x cols matrix of standard normal deviates from `rng`, in the given element type. */
function gaussian(rng: RandomState, rows: number, cols: number, dtype: DType): Matrix {
  const values = rng.randn(rows, cols);
  return dtype === "f64" ? values : { rows, cols, data: Float32Array.from(values.data) };
}

/**
 * Computes an approximate rank-k truncated SVD A ~ U diag(S) V^T of an m x n matrix (f64 or f32,
 * plain or resident) by the randomized range finder with subspace iteration:
 *
 *   l = min(k + oversampling, m, n), Omega an n x l Gaussian matrix
 *   Q = orth(A Omega); then powerIterations times: Q = orth(A orth(A^T Q))
 *   U_l S V^T = svd(Q^T A), U = Q U_l, truncated to k
 *
 * orth() is the Householder QR's Q; re-orthonormalising between the products keeps the small
 * singular directions from being lost to rounding. The sketch comes from its own `RandomState(seed)`,
 * so results depend only on the inputs and the seed, and the module-level generator (`seed`, `randn`)
 * is left untouched. Cost: about (2 powerIterations + 2) products of A with an n x l or m x l matrix,
 * plus QR and SVD of m x l and l x n matrices; much cheaper than `svd` when k is far below min(m, n).
 * Results are new dense matrices of A's element type; `a` is not modified.
 *
 * Throws TypeError for a non-matrix or options of the wrong type; RangeError for a k outside 1 to
 * min(m, n), a negative oversampling or power iteration count, a bad seed, or a NaN or infinity in A
 * (naming the first); NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const { U, S, Vt } = randomizedSvd(w, 32);                                  // w 2000x500: U 2000x32
 * randomizedSvd(w, 8, { oversampling: 20, powerIterations: 2, seed: 7 });
 */
export function randomizedSvd<T extends FloatArray>(a: Matrix<T> | MatrixInput, k: number, options?: RandomizedSvdOptions): RandomizedSvdResult<T>;
export function randomizedSvd(a: MatrixInput, k: number, options?: RandomizedSvdOptions): RandomizedSvdResult {
  const input = checkInput("randomizedSvd", "a", a);
  const { rows: m, cols: n, dtype } = input;
  const opts = checkOptions<RandomizedSvdOptions>("randomizedSvd", options);
  checkRank("randomizedSvd", "k", k, Math.min(m, n), `at most min(rows, cols) of a ${m}x${n} matrix`);
  const oversampling = checkCount("randomizedSvd", "options.oversampling", opts.oversampling, DEFAULT_OVERSAMPLING);
  const powerIterations = checkCount("randomizedSvd", "options.powerIterations", opts.powerIterations, DEFAULT_POWER_ITERATIONS);
  // RandomState checks the seed and throws with its own name; check it here for this function's.
  const rng = opts.seed === undefined ? new RandomState(0) : seededGenerator(opts.seed);
  if (input.plain !== undefined) checkFinite("randomizedSvd", "a", input.plain);

  // Range finder: an orthonormal basis Q (m x l) of the dominant column space.
  const l = Math.min(k + oversampling, m, n);
  let q = qr(matmul(a, gaussian(rng, n, l, dtype))).Q;
  for (let iteration = 0; iteration < powerIterations; iteration++) {
    const z = qr(matmul(a, q, { transA: true })).Q;
    q = qr(matmul(a, z)).Q;
  }

  // The SVD of the small l x n matrix Q^T A, lifted back by Q.
  const small = svd(matmul(q, a, { transA: true }));
  const U = matmul(q, leadingColumns(small.U, k));
  return { U, S: small.S.slice(0, k), Vt: leadingRows(small.Vt, k) };
}

function seededGenerator(seed: unknown): RandomState {
  if (typeof seed !== "number") throw typeError("randomizedSvd", "options.seed", "be an integer from 0 to 2^32 - 1", seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw rangeError("randomizedSvd", "options.seed", "be an integer from 0 to 2^32 - 1", seed);
  }
  return new RandomState(seed);
}

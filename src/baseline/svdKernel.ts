/**
 * The SVD and QR drivers of the pure-JavaScript baseline, on dense row-major Float64Array storage.
 * They take the same arguments as the WebAssembly kernels (assembly/svd/driver.ts), so that the
 * public wrappers in src/linalg/ can run either. Every step is unblocked.
 */
import { bidiagonalSvd, type RotatedRows } from "./bdsqr.js";
import { applyLeftReflectors, applyRightReflectors, bidiagonalize, factorQr } from "./householder.js";

/** What the SVD computes: singular values only, the thin factors, or the full square factors. */
export const SvdJob = { Values: 0, Thin: 1, Full: 2 } as const;
/** One of the SvdJob values. */
export type SvdJob = (typeof SvdJob)[keyof typeof SvdJob];

/** A tall matrix (m >= TALL_RATIO n) is reduced by QR first, LAPACK's crossover for dgesvd. */
const TALL_RATIO = 1.6;

const EPS = 2 ** -53;
const SAFE_MIN = 2.2250738585072014e-308;
/** Below this largest entry the matrix is scaled up first, above its reciprocal scaled down. */
const SMALL_NUMBER = Math.sqrt(SAFE_MIN) / (2 * EPS);
const BIG_NUMBER = 1 / SMALL_NUMBER;

const EMPTY: RotatedRows = { data: new Float64Array(0), offset: 0, ld: 0, cols: 0 };

function identity(n: number, data: Float64Array, offset: number, ld: number, cols: number): void {
  for (let i = 0; i < n; i++) {
    data.fill(0, offset + i * ld, offset + i * ld + cols);
    if (i < cols) data[offset + i * ld + i] = 1;
  }
}

function transposeInto(rows: number, cols: number, source: Float64Array, so: number, lds: number, target: Float64Array, to: number, ldt: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) target[to + j * ldt + i] = source[so + i * lds + j]!;
  }
}

/**
 * SVD of the m x n matrix `a` (dense, overwritten): s receives min(m, n) values, decreasing. With
 * job Thin, u is m x k and vt k x n (k = min(m, n)); with Full, u is m x m and vt n x n; both dense.
 * Returns 0, or the number of superdiagonal entries that failed to converge.
 */
export function svdKernel(m: number, n: number, a: Float64Array, s: Float64Array, u: Float64Array, vt: Float64Array, job: SvdJob): number {
  if (m >= n) return svdTall(m, n, a, s, u, vt, job);

  // A wide matrix: A^T = U' S V'^T, so U = V' and V^T = U'^T.
  const at = new Float64Array(m * n);
  transposeInto(m, n, a, 0, n, at, 0, m);
  const uCols = job === SvdJob.Full ? n : m;
  const vRows = m;
  const uTall = new Float64Array(job === SvdJob.Values ? 0 : n * uCols);
  const vtTall = new Float64Array(job === SvdJob.Values ? 0 : vRows * m);
  const status = svdTall(n, m, at, s, uTall, vtTall, job);
  if (job !== SvdJob.Values) {
    transposeInto(vRows, m, vtTall, 0, m, u, 0, vRows);
    transposeInto(n, uCols, uTall, 0, uCols, vt, 0, n);
  }
  return status;
}

function svdTall(m: number, n: number, a: Float64Array, s: Float64Array, u: Float64Array, vt: Float64Array, job: SvdJob): number {
  if (n === 0) {
    if (job === SvdJob.Full) identity(m, u, 0, m, m);
    return 0;
  }
  const vectors = job !== SvdJob.Values;
  const uCols = job === SvdJob.Full ? m : n;

  // Scale a matrix whose largest entry is near underflow or overflow into the safe range.
  let largest = 0;
  for (let i = 0; i < m * n; i++) largest = Math.max(largest, Math.abs(a[i]!));
  let scale = 1;
  if (largest > 0 && largest < SMALL_NUMBER) scale = SMALL_NUMBER / largest;
  else if (largest > BIG_NUMBER) scale = BIG_NUMBER / largest;
  if (scale !== 1) for (let i = 0; i < m * n; i++) a[i]! *= scale;

  const w = new Float64Array(Math.max(m, n));
  const d = s;
  const e = new Float64Array(n);
  const tauq = new Float64Array(n);
  const taup = new Float64Array(n);

  // Tall matrices: A = Q1 R first, then bidiagonalize the n x n R.
  const viaQr = m >= TALL_RATIO * n;
  const tauQr = new Float64Array(viaQr ? n : 0);
  let b = a;
  let bRows = m;
  if (viaQr) {
    factorQr(m, n, a, 0, n, tauQr, w);
    b = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) b[i * n + j] = a[i * n + j]!;
    bRows = n;
  }
  bidiagonalize(bRows, n, b, 0, n, d, e, tauq, taup, w);

  // The bidiagonal SVD rotates Ub^T and Vb^T, both n x n, starting from the identity.
  const ubt = new Float64Array(vectors ? n * n : 0);
  if (vectors) {
    identity(n, ubt, 0, n, n);
    identity(n, vt, 0, n, n);
  }
  const vtRows: RotatedRows = vectors ? { data: vt, offset: 0, ld: n, cols: n } : EMPTY;
  const utRows: RotatedRows = vectors ? { data: ubt, offset: 0, ld: n, cols: n } : EMPTY;
  const status = bidiagonalSvd(n, d, e, vtRows, utRows, new Float64Array(4 * n));

  if (vectors) {
    // V^T = Vb^T P^T.
    applyRightReflectors(n - 1, b, 0, n, taup, n, n, vt, 0, n);

    // U = Q [Ub 0; 0 I], the identity block only for the full U.
    identity(m, u, 0, uCols, uCols);
    transposeInto(n, n, ubt, 0, n, u, 0, uCols);
    if (viaQr) {
      applyLeftReflectors(n, b, 0, n, tauq, n, uCols, u, 0, uCols, w.length >= uCols ? w : new Float64Array(uCols));
      applyLeftReflectors(n, a, 0, n, tauQr, m, uCols, u, 0, uCols, new Float64Array(uCols));
    } else {
      applyLeftReflectors(n, a, 0, n, tauq, m, uCols, u, 0, uCols, new Float64Array(uCols));
    }
  }

  if (scale !== 1) for (let i = 0; i < n; i++) s[i]! /= scale;
  return status;
}

/**
 * Householder QR of the m x n matrix `a` (dense, overwritten): r receives the k x n upper
 * trapezoidal R (k = min(m, n), or m rows when `qCols` is m and m > n, zero below k), and q the
 * m x qCols matrix with orthonormal columns (qCols = k for the reduced Q, m for the complete one;
 * 0 to skip Q).
 */
export function qrKernel(m: number, n: number, a: Float64Array, q: Float64Array, qCols: number, r: Float64Array, rRows: number): void {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  factorQr(m, n, a, 0, n, tau, new Float64Array(Math.max(n, 1)));
  r.fill(0, 0, rRows * n);
  for (let i = 0; i < Math.min(rRows, k); i++) for (let j = i; j < n; j++) r[i * n + j] = a[i * n + j]!;
  if (qCols > 0) {
    identity(m, q, 0, qCols, qCols);
    applyLeftReflectors(k, a, 0, n, tau, m, qCols, q, 0, qCols, new Float64Array(qCols));
  }
}

// Householder reflectors: generation (LAPACK's dlarfg), application to a block from the left or the
// right, Householder QR (dgeqr2), reduction to upper bidiagonal form (dgebd2) and the backward
// application of a sequence of reflectors (dorm2r). Unblocked; the twin of src/baseline/householder.ts.
//
// Storage: row-major, element (i, j) of a matrix at `a + (i * lda + j) * sizeof<T>()`. A reflector is
// H = I - tau v v^T with v[0] = 1 implied. Left reflector k (rows k..m-1) keeps v[1..] below the
// diagonal in column k; right reflector k (columns k+1..n-1) keeps v[1..] in row k from column k + 2.
import { axpy, dot, safeMinOf } from "./vector";

/** beta and tau of the last generateReflector call (globals: a function returns one value). */
export let reflectorBeta: f64 = 0;
export let reflectorTau: f64 = 0;

// @ts-ignore: decorator
@inline function at<T>(base: usize, index: i32): usize {
  return base + <usize>index * sizeof<T>();
}

/** Euclidean norm of `count` entries of x (stride `inc` elements), safe from overflow and underflow. */
export function norm2<T>(x: usize, inc: i32, count: i32): T {
  let scale: T = <T>0;
  let ssq: T = <T>1;
  for (let i = 0; i < count; i++) {
    const value = load<T>(at<T>(x, i * inc));
    if (value == <T>0) continue;
    const magnitude = abs<T>(value);
    if (scale < magnitude) {
      const ratio = scale / magnitude;
      ssq = <T>1 + ssq * ratio * ratio;
      scale = magnitude;
    } else {
      const ratio = magnitude / scale;
      ssq += ratio * ratio;
    }
  }
  return scale * sqrt<T>(ssq);
}

/** sqrt(a^2 + b^2) without overflow or harmful underflow. */
export function hypot2<T>(a: T, b: T): T {
  const x = abs<T>(a);
  const y = abs<T>(b);
  const larger = max<T>(x, y);
  if (larger == <T>0) return <T>0;
  const ratio = min<T>(x, y) / larger;
  return larger * sqrt<T>(<T>1 + ratio * ratio);
}

/**
 * Generates H with H [alpha; x] = [beta; 0]: x (count entries, stride inc) becomes v[1..], and
 * reflectorBeta / reflectorTau receive beta and tau (tau = 0 means H = I).
 */
export function generateReflector<T>(alpha: T, x: usize, inc: i32, count: i32): void {
  let xnorm: T = count > 0 ? norm2<T>(x, inc, count) : <T>0;
  if (xnorm == <T>0) {
    reflectorBeta = <f64>alpha;
    reflectorTau = 0;
    return;
  }
  const safeMin = safeMinOf<T>();
  let beta: T = -copysign<T>(hypot2<T>(alpha, xnorm), alpha);
  let rescalings = 0;

  // A beta below the safe minimum would make 1 / (alpha - beta) overflow: scale up and recompute.
  while (abs<T>(beta) < safeMin && rescalings < 20) {
    rescalings++;
    for (let i = 0; i < count; i++) {
      const p = at<T>(x, i * inc);
      store<T>(p, load<T>(p) / safeMin);
    }
    beta /= safeMin;
    alpha /= safeMin;
  }
  if (rescalings > 0) {
    xnorm = norm2<T>(x, inc, count);
    beta = -copysign<T>(hypot2<T>(alpha, xnorm), alpha);
  }

  reflectorTau = <f64>((beta - alpha) / beta);
  const factor: T = <T>1 / (alpha - beta);
  for (let i = 0; i < count; i++) {
    const p = at<T>(x, i * inc);
    store<T>(p, load<T>(p) * factor);
  }
  for (let j = 0; j < rescalings; j++) beta *= safeMin;
  reflectorBeta = <f64>beta;
}

/**
 * Applies H = I - tau v v^T from the left to the rows x cols block C (leading dimension ldc), with
 * v = [1; v[ldv], v[2 ldv], ...] (a column of a row-major matrix). `w` holds cols entries of T.
 */
export function applyLeft<T>(tau: T, v: usize, ldv: i32, rows: i32, cols: i32, c: usize, ldc: i32, w: usize): void {
  if (tau == <T>0 || rows == 0 || cols == 0) return;

  // w = C^T v, accumulated row by row so that every pass runs along contiguous memory.
  memory.copy(w, c, <usize>cols * sizeof<T>());
  for (let i = 1; i < rows; i++) {
    const vi = load<T>(at<T>(v, i * ldv));
    if (vi != <T>0) axpy<T>(cols, vi, at<T>(c, i * ldc), w);
  }

  // C -= tau v w^T.
  for (let i = 0; i < rows; i++) {
    const factor: T = tau * (i == 0 ? <T>1 : load<T>(at<T>(v, i * ldv)));
    if (factor != <T>0) axpy<T>(cols, -factor, w, at<T>(c, i * ldc));
  }
}

/**
 * Applies H = I - tau u u^T from the right to the rows x cols block C, with u = [1; u[1], u[2], ...]
 * (a row of a row-major matrix).
 */
export function applyRight<T>(tau: T, u: usize, rows: i32, cols: i32, c: usize, ldc: i32): void {
  if (tau == <T>0 || rows == 0 || cols == 0) return;
  for (let i = 0; i < rows; i++) {
    const row = at<T>(c, i * ldc);
    const factor: T = tau * (load<T>(row) + dot<T>(cols - 1, row + sizeof<T>(), u + sizeof<T>()));
    store<T>(row, load<T>(row) - factor);
    axpy<T>(cols - 1, -factor, u + sizeof<T>(), row + sizeof<T>());
  }
}

/**
 * Householder QR of the m x n matrix at `a`: R on and above the diagonal, the reflectors below it,
 * tau[k] for k < min(m, n). `w` holds n entries of T.
 */
export function factorQr<T>(m: i32, n: i32, a: usize, lda: i32, tau: usize, w: usize): void {
  const size = min(m, n);
  for (let k = 0; k < size; k++) {
    const diagonal = at<T>(a, k * lda + k);
    generateReflector<T>(load<T>(diagonal), diagonal + <usize>lda * sizeof<T>(), lda, m - k - 1);
    const t = <T>reflectorTau;
    const beta = <T>reflectorBeta;
    store<T>(diagonal, <T>1);
    applyLeft<T>(t, diagonal, lda, m - k, n - k - 1, diagonal + sizeof<T>(), lda, w);
    store<T>(diagonal, beta);
    store<T>(at<T>(tau, k), t);
  }
}

/**
 * Reduces the m x n matrix at `a` (m >= n) to upper bidiagonal form A = Q B P^T: d (n) and e (n - 1)
 * receive B, tauq and taup the reflectors' scales, and `a` the reflectors. `w` holds n entries.
 */
export function bidiagonalize<T>(m: i32, n: i32, a: usize, lda: i32, d: usize, e: usize, tauq: usize, taup: usize, w: usize): void {
  for (let k = 0; k < n; k++) {
    const diagonal = at<T>(a, k * lda + k);

    // Left reflector: zero column k below the diagonal.
    generateReflector<T>(load<T>(diagonal), diagonal + <usize>lda * sizeof<T>(), lda, m - k - 1);
    let t = <T>reflectorTau;
    let beta = <T>reflectorBeta;
    store<T>(at<T>(d, k), beta);
    store<T>(at<T>(tauq, k), t);
    store<T>(diagonal, <T>1);
    applyLeft<T>(t, diagonal, lda, m - k, n - k - 1, diagonal + sizeof<T>(), lda, w);
    store<T>(diagonal, beta);

    // Right reflector: zero row k right of the superdiagonal.
    if (k < n - 1) {
      const superdiagonal = diagonal + sizeof<T>();
      generateReflector<T>(load<T>(superdiagonal), superdiagonal + sizeof<T>(), 1, n - k - 2);
      t = <T>reflectorTau;
      beta = <T>reflectorBeta;
      store<T>(at<T>(e, k), beta);
      store<T>(at<T>(taup, k), t);
      store<T>(superdiagonal, <T>1);
      applyRight<T>(t, superdiagonal, m - k - 1, n - k - 1, superdiagonal + <usize>lda * sizeof<T>(), lda);
      store<T>(superdiagonal, beta);
    } else {
      store<T>(at<T>(taup, k), <T>0);
    }
  }
}

/**
 * C = H_0 H_1 ... H_{count-1} C for left reflectors stored in the columns of `a`: C is rows x cols
 * (leading dimension ldc) and reflector k touches its rows k..rows-1. `w` holds cols entries.
 */
export function applyLeftReflectors<T>(count: i32, a: usize, lda: i32, tau: usize, rows: i32, cols: i32, c: usize, ldc: i32, w: usize): void {
  for (let k = count - 1; k >= 0; k--) {
    const diagonal = at<T>(a, k * lda + k);
    const saved = load<T>(diagonal);
    store<T>(diagonal, <T>1);
    applyLeft<T>(load<T>(at<T>(tau, k)), diagonal, lda, rows - k, cols, at<T>(c, k * ldc), ldc, w);
    store<T>(diagonal, saved);
  }
}

/**
 * C = C G_{count-1} ... G_0 for right reflectors stored in the rows of `a`: C is rows x cols and
 * reflector k touches its columns k+1..cols-1.
 */
export function applyRightReflectors<T>(count: i32, a: usize, lda: i32, tau: usize, rows: i32, cols: i32, c: usize, ldc: i32): void {
  for (let k = count - 1; k >= 0; k--) {
    const superdiagonal = at<T>(a, k * lda + k + 1);
    const saved = load<T>(superdiagonal);
    store<T>(superdiagonal, <T>1);
    applyRight<T>(load<T>(at<T>(tau, k)), superdiagonal, rows, cols - k - 1, at<T>(c, k + 1), ldc);
    store<T>(superdiagonal, saved);
  }
}


/**
 * Householder reflectors in plain JavaScript, the unblocked building blocks of the baseline QR and
 * bidiagonalization (LAPACK's dlarfg, dgeqr2, dgebd2 and the backward application of dorm2r).
 *
 * Storage: row-major matrices in Float64Array, element (i, j) of a matrix at `offset + i * ld + j`.
 * A reflector is H = I - tau v v^T with v[0] = 1 implied. A left reflector k (acting on rows k..m-1)
 * keeps v[1..] below the diagonal in column k; a right reflector k (acting on columns k+1..n-1) keeps
 * v[1..] in row k from column k + 2 on. The assembly/svd kernels follow the same layout.
 */

/** Smallest normal f64 and its reciprocal, for dlarfg's rescaling of a tiny beta. */
const SAFE_MIN = 2.2250738585072014e-308;
const SAFE_MIN_INVERSE = 1 / SAFE_MIN;

/** Result of `generateReflector`: beta = H [alpha; x] first entry, tau the reflector's scale. */
export interface ReflectorResult {
  beta: number;
  tau: number;
}

/** Euclidean norm of `count` entries of x (stride `inc`) without overflow or harmful underflow. */
export function norm2(x: Float64Array, offset: number, inc: number, count: number): number {
  let scale = 0;
  let ssq = 1;
  for (let i = 0; i < count; i++) {
    const value = x[offset + i * inc]!;
    if (value === 0) continue;
    const magnitude = Math.abs(value);
    if (scale < magnitude) {
      const ratio = scale / magnitude;
      ssq = 1 + ssq * ratio * ratio;
      scale = magnitude;
    } else {
      const ratio = magnitude / scale;
      ssq += ratio * ratio;
    }
  }
  return scale * Math.sqrt(ssq);
}

/**
 * Generates a reflector H with H [alpha; x] = [beta; 0] (LAPACK's dlarfg): x (count entries, stride
 * inc) is overwritten with v[1..], and `out` receives beta and tau. tau = 0 means H = I.
 */
export function generateReflector(alpha: number, x: Float64Array, offset: number, inc: number, count: number, out: ReflectorResult): void {
  let xnorm = count > 0 ? norm2(x, offset, inc, count) : 0;
  if (xnorm === 0) {
    out.beta = alpha;
    out.tau = 0;
    return;
  }
  let beta = -Math.sign(alpha || 1) * Math.hypot(alpha, xnorm);
  let rescalings = 0;

  // A beta below the safe minimum would make 1 / (alpha - beta) overflow: scale up and recompute.
  while (Math.abs(beta) < SAFE_MIN && rescalings < 20) {
    rescalings++;
    for (let i = 0; i < count; i++) x[offset + i * inc]! *= SAFE_MIN_INVERSE;
    beta *= SAFE_MIN_INVERSE;
    alpha *= SAFE_MIN_INVERSE;
  }
  if (rescalings > 0) {
    xnorm = norm2(x, offset, inc, count);
    beta = -Math.sign(alpha || 1) * Math.hypot(alpha, xnorm);
  }

  out.tau = (beta - alpha) / beta;
  const factor = 1 / (alpha - beta);
  for (let i = 0; i < count; i++) x[offset + i * inc]! *= factor;
  for (let j = 0; j < rescalings; j++) beta *= SAFE_MIN;
  out.beta = beta;
}

/**
 * Applies H = I - tau v v^T from the left to the rows x cols block C at `c` (ld `ldc`), with
 * v = [1; a[v + ldv], a[v + 2 ldv], ...] (a column of a row-major matrix). `w` holds cols entries.
 */
export function applyLeft(tau: number, a: Float64Array, v: number, ldv: number, rows: number, cols: number, cdata: Float64Array, c: number, ldc: number, w: Float64Array): void {
  if (tau === 0 || rows === 0 || cols === 0) return;

  // w = C^T v, accumulated row by row so that every pass runs along contiguous memory.
  for (let j = 0; j < cols; j++) w[j] = cdata[c + j]!;
  for (let i = 1; i < rows; i++) {
    const vi = a[v + i * ldv]!;
    if (vi === 0) continue;
    const row = c + i * ldc;
    for (let j = 0; j < cols; j++) w[j]! += vi * cdata[row + j]!;
  }

  // C -= tau v w^T.
  for (let i = 0; i < rows; i++) {
    const factor = tau * (i === 0 ? 1 : a[v + i * ldv]!);
    if (factor === 0) continue;
    const row = c + i * ldc;
    for (let j = 0; j < cols; j++) cdata[row + j]! -= factor * w[j]!;
  }
}

/**
 * Applies H = I - tau u u^T from the right to the rows x cols block C at `c`, with
 * u = [1; a[u + 1], a[u + 2], ...] (a row of a row-major matrix).
 */
export function applyRight(tau: number, a: Float64Array, u: number, rows: number, cols: number, cdata: Float64Array, c: number, ldc: number): void {
  if (tau === 0 || rows === 0 || cols === 0) return;
  for (let i = 0; i < rows; i++) {
    const row = c + i * ldc;
    let dot = cdata[row]!;
    for (let j = 1; j < cols; j++) dot += cdata[row + j]! * a[u + j]!;
    const factor = tau * dot;
    cdata[row]! -= factor;
    for (let j = 1; j < cols; j++) cdata[row + j]! -= factor * a[u + j]!;
  }
}

/**
 * Householder QR of the m x n matrix at `a` (LAPACK's dgeqr2): R is left on and above the diagonal,
 * the reflectors below it, and tau[k] for k < min(m, n). `w` holds n entries.
 */
export function factorQr(m: number, n: number, a: Float64Array, offset: number, lda: number, tau: Float64Array, w: Float64Array): void {
  const result: ReflectorResult = { beta: 0, tau: 0 };
  const size = Math.min(m, n);
  for (let k = 0; k < size; k++) {
    const diagonal = offset + k * lda + k;
    generateReflector(a[diagonal]!, a, diagonal + lda, lda, m - k - 1, result);
    a[diagonal] = 1;
    applyLeft(result.tau, a, diagonal, lda, m - k, n - k - 1, a, diagonal + 1, lda, w);
    a[diagonal] = result.beta;
    tau[k] = result.tau;
  }
}

/**
 * Householder reduction of the m x n matrix at `a` (m >= n) to upper bidiagonal form A = Q B P^T
 * (LAPACK's dgebd2): d (n) and e (n - 1) receive B's diagonal and superdiagonal, tauq and taup the
 * reflectors' scales, and `a` the reflectors in the layout described at the top of this file.
 */
export function bidiagonalize(m: number, n: number, a: Float64Array, offset: number, lda: number, d: Float64Array, e: Float64Array, tauq: Float64Array, taup: Float64Array, w: Float64Array): void {
  const result: ReflectorResult = { beta: 0, tau: 0 };
  for (let k = 0; k < n; k++) {
    const diagonal = offset + k * lda + k;

    // Left reflector: zero column k below the diagonal.
    generateReflector(a[diagonal]!, a, diagonal + lda, lda, m - k - 1, result);
    d[k] = result.beta;
    tauq[k] = result.tau;
    a[diagonal] = 1;
    applyLeft(result.tau, a, diagonal, lda, m - k, n - k - 1, a, diagonal + 1, lda, w);
    a[diagonal] = result.beta;

    // Right reflector: zero row k right of the superdiagonal.
    if (k < n - 1) {
      const superdiagonal = diagonal + 1;
      generateReflector(a[superdiagonal]!, a, superdiagonal + 1, 1, n - k - 2, result);
      e[k] = result.beta;
      taup[k] = result.tau;
      a[superdiagonal] = 1;
      applyRight(result.tau, a, superdiagonal, m - k - 1, n - k - 1, a, superdiagonal + lda, lda);
      a[superdiagonal] = result.beta;
    } else {
      taup[k] = 0;
    }
  }
}

/**
 * C = H_0 H_1 ... H_{count-1} C for left reflectors stored in the columns of `a` (QR or
 * bidiagonalization layout): C is rows x cols at `c`, and reflector k touches its rows k..rows-1.
 */
export function applyLeftReflectors(count: number, a: Float64Array, offset: number, lda: number, tau: Float64Array, rows: number, cols: number, cdata: Float64Array, c: number, ldc: number, w: Float64Array): void {
  for (let k = count - 1; k >= 0; k--) {
    const diagonal = offset + k * lda + k;
    const saved = a[diagonal]!;
    a[diagonal] = 1;
    applyLeft(tau[k]!, a, diagonal, lda, rows - k, cols, cdata, c + k * ldc, ldc, w);
    a[diagonal] = saved;
  }
}

/**
 * C = C G_{count-1} ... G_0 for right reflectors stored in the rows of `a` (bidiagonalization
 * layout): C is rows x cols at `c`, and reflector k touches its columns k+1..cols-1.
 */
export function applyRightReflectors(count: number, a: Float64Array, offset: number, lda: number, tau: Float64Array, rows: number, cols: number, cdata: Float64Array, c: number, ldc: number): void {
  for (let k = count - 1; k >= 0; k--) {
    const superdiagonal = offset + k * lda + k + 1;
    const saved = a[superdiagonal]!;
    a[superdiagonal] = 1;
    applyRight(tau[k]!, a, superdiagonal, rows, cols - k - 1, cdata, c + k + 1, ldc);
    a[superdiagonal] = saved;
  }
}

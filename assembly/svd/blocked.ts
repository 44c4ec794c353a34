// Blocked Householder algorithms, where most of the work runs through the GEMM kernel. They are the
// bidiagonal reduction in LAPACK's dgebrd/dlabrd form, the triangular factor of a block of
// reflectors (dlarft), its application as matrix products (dlarfb) and the blocked QR (dgeqrf).
// Block sizes and crossovers come from params.ts. The unblocked twins are in householder.ts.
//
// Storage is row-major, as in householder.ts: a left reflector keeps v[1..] below the diagonal in its
// column, a right reflector u[1..] right of the superdiagonal in its row.
import { gemmWorkspaceBytes } from "../gemm/driver";
import { gemmPooled, gemvPooled } from "../gemm/pooled";
import { gemv } from "../gemm/gemv";
import { applyLeftReflectors, applyRightReflectors, bidiagonalize, factorQr, generateReflector, reflectorBeta, reflectorTau } from "./householder";
import { axpy, dot, scaleInPlace } from "./vector";
import { bidiagBlock, bidiagCrossover, reflectorBlock, reflectorCrossover } from "./params";

// @ts-ignore: decorator
@inline function at<T>(base: usize, index: i32): usize {
  return base + <usize>index * sizeof<T>();
}

// @ts-ignore: decorator
@inline function element<T>(a: usize, lda: i32, i: i32, j: i32): usize {
  return a + (<usize>i * <usize>lda + <usize>j) * sizeof<T>();
}

// @ts-ignore: decorator
@inline function blockBytes<T>(elements: i64): usize {
  return <usize>((elements * sizeof<T>() + 63) & ~63);
}

/** Bytes of workspace bidiagonalizeBlocked needs for an m x n matrix (m >= n). */
export function bidiagonalizeWorkspaceBytes<T>(m: i32, n: i32): usize {
  const nb = bidiagBlock;
  let bytes = blockBytes<T>(<i64>nb * m) + blockBytes<T>(<i64>nb * n); // X^T and Y^T
  bytes += blockBytes<T>(max(m, n)) + 2 * blockBytes<T>(n) + 4 * blockBytes<T>(nb); // vectors
  bytes += gemmWorkspaceBytes<T>(m, n, nb);
  return bytes;
}

// NOTE: on a constant matrix (all ones) the panel updates round coherently: at n = 300 the second
// singular value came out near 64 eps ||A|| against about 1 eps unblocked and 23 eps from numpy's
// blocked LAPACK. It stays within the backward error bound that the tests check (max(m, n) eps ||A||).

/**
 * Reduces the m x n matrix at `a` (m >= n, leading dimension lda) to upper bidiagonal form
 * A = Q B P^T, with the same outputs as `bidiagonalize`: d, e, tauq, taup and the reflectors in `a`.
 * Panels of nb columns are reduced by `reducePanel`, each followed by the trailing update
 * A := A - V Y^T - X U^T as two matrix products; the last bidiagCrossover columns or fewer are reduced
 * unblocked. `work` is bidiagonalizeWorkspaceBytes<T>(m, n) bytes, 64-byte aligned.
 */
export function bidiagonalizeBlocked<T>(m: i32, n: i32, a: usize, lda: i32, d: usize, e: usize, tauq: usize, taup: usize, work: usize): void {
  const nb = bidiagBlock;
  const xt = work;
  const yt = xt + blockBytes<T>(<i64>nb * m);
  const column = yt + blockBytes<T>(<i64>nb * n);
  const small = column + blockBytes<T>(max(m, n)) + 2 * blockBytes<T>(n);
  const gemmWork = small + 4 * blockBytes<T>(nb);

  let k = 0;
  for (; n - k > bidiagCrossover; k += nb) {
    const rows = m - k;
    const cols = n - k;
    const panel = element<T>(a, lda, k, k);
    reducePanel<T>(rows, cols, nb, panel, lda, at<T>(d, k), at<T>(e, k), at<T>(tauq, k), at<T>(taup, k), xt, rows, yt, cols, column, small, nb);

    // A22 := A22 - V Y2^T - X2 U2^T: V = A(nb:, 0:nb), Y2^T = Y^T(:, nb:), X2 = X(nb:, :), U2^T = A(0:nb, nb:).
    const a22 = element<T>(panel, lda, nb, nb);
    gemmPooled<T>(false, false, rows - nb, cols - nb, nb, <T>-1, element<T>(panel, lda, nb, 0), lda, at<T>(yt, nb), cols, <T>1, a22, lda, gemmWork);
    gemmPooled<T>(true, false, rows - nb, cols - nb, nb, <T>-1, at<T>(xt, nb), rows, element<T>(panel, lda, 0, nb), lda, <T>1, a22, lda, gemmWork);

    // The panel kept explicit ones on its diagonal and superdiagonal: put B back.
    for (let i = 0; i < nb; i++) {
      store<T>(element<T>(panel, lda, i, i), load<T>(at<T>(d, k + i)));
      store<T>(element<T>(panel, lda, i, i + 1), load<T>(at<T>(e, k + i)));
    }
  }
  bidiagonalize<T>(m - k, n - k, element<T>(a, lda, k, k), lda, at<T>(d, k), at<T>(e, k), at<T>(tauq, k), at<T>(taup, k), column);
}

/**
 * LAPACK's dlabrd for m >= n: reduces the first nb rows and columns of the m x n matrix at `a` and
 * returns in xt (nb x m, leading dimension ldx) and yt (nb x n, leading dimension ldy) the transposes
 * of the X and Y of the trailing update A - V Y^T - X U^T, which the caller applies. The trailing
 * matrix itself is not updated here: every column and row is brought up to date just before it is
 * reduced. The reflectors keep explicit ones at (i, i) and (i, i + 1). Requires nb < n.
 * `column` holds max(m, n) entries followed by two blocks of n (each rounded up to 64 bytes); `small`
 * four blocks of nb entries.
 */
function reducePanel<T>(m: i32, n: i32, nb: i32, a: usize, lda: i32, d: usize, e: usize, tauq: usize, taup: usize, xt: usize, ldx: i32, yt: usize, ldy: i32, column: usize, small: usize, smallStride: i32): void {
  const t0 = small;
  const t1 = small + blockBytes<T>(smallStride);
  const t2 = t1 + blockBytes<T>(smallStride);
  const sums = column + blockBytes<T>(max(m, n));
  const w = sums + blockBytes<T>(n);
  for (let i = 0; i < nb; i++) {
    const rows = m - i;
    const xi = at<T>(xt, i * ldx);
    const yi = at<T>(yt, i * ldy);

    // Bring column i up to date, in a contiguous copy: A(i:, i) -= A(i:, 0:i) Y(i, 0:i)^T + X(i:, 0:i) A(0:i, i).
    for (let p = 0; p < i; p++) store<T>(at<T>(t0, p), load<T>(at<T>(yt, p * ldy + i)));
    for (let r = 0; r < rows; r++) store<T>(at<T>(column, r), load<T>(element<T>(a, lda, i + r, i)));
    gemv<T>(false, rows, i, <T>-1, element<T>(a, lda, i, 0), lda, t0, <T>1, column, sums);
    for (let p = 0; p < i; p++) axpy<T>(rows, -load<T>(element<T>(a, lda, p, i)), at<T>(xt, p * ldx + i), column);

    // The left reflector Q(i), written back into column i with its explicit one.
    generateReflector<T>(load<T>(column), at<T>(column, 1), 1, rows - 1);
    const tq = <T>reflectorTau;
    store<T>(at<T>(d, i), <T>reflectorBeta);
    store<T>(at<T>(tauq, i), tq);
    store<T>(column, <T>1);
    for (let r = 0; r < rows; r++) store<T>(element<T>(a, lda, i + r, i), load<T>(at<T>(column, r)));

    // Y(i+1:, i) = tauq (A(i:, i+1:)^T v - Y(i+1:, 0:i) A(i:, 0:i)^T v - A(0:i, i+1:)^T X(i:, 0:i)^T v).
    // One pass over the rows gives both A(i:, i+1:)^T v (into yi) and A(i:, 0:i)^T v (into t0).
    gemvPooled<T>(true, rows, n, <T>1, element<T>(a, lda, i, 0), lda, column, <T>0, yi, sums);
    memory.copy(t0, yi, <usize>i * sizeof<T>());
    for (let p = 0; p < i; p++) axpy<T>(n - i - 1, -load<T>(at<T>(t0, p)), at<T>(yt, p * ldy + i + 1), at<T>(yi, i + 1));
    for (let p = 0; p < i; p++) {
      const xv = dot<T>(rows, at<T>(xt, p * ldx + i), column);
      axpy<T>(n - i - 1, -xv, element<T>(a, lda, p, i + 1), at<T>(yi, i + 1));
    }
    scaleInPlace<T>(n - i - 1, tq, at<T>(yi, i + 1));
    memory.fill(yi, 0, <usize>(i + 1) * sizeof<T>());

    // Bring row i up to date: A(i, i+1:) -= Y(i+1:, 0:i+1) A(i, 0:i+1)^T + A(0:i, i+1:)^T X(i, 0:i)^T.
    const rowI = element<T>(a, lda, i, i + 1);
    const tail = n - i - 1;
    for (let p = 0; p <= i; p++) axpy<T>(tail, -load<T>(element<T>(a, lda, i, p)), at<T>(yt, p * ldy + i + 1), rowI);
    for (let p = 0; p < i; p++) axpy<T>(tail, -load<T>(at<T>(xt, p * ldx + i)), element<T>(a, lda, p, i + 1), rowI);

    // The right reflector P(i), in place in row i with its explicit one.
    generateReflector<T>(load<T>(rowI), at<T>(rowI, 1), 1, tail - 1);
    const tp = <T>reflectorTau;
    store<T>(at<T>(e, i), <T>reflectorBeta);
    store<T>(at<T>(taup, i), tp);
    store<T>(rowI, <T>1);

    // X(i+1:, i) = taup (A(i+1:, i+1:) u - A(i+1:, 0:i+1) Y(i+1:, 0:i+1)^T u - X(i+1:, 0:i) A(0:i, i+1:) u).
    for (let p = 0; p <= i; p++) store<T>(at<T>(t1, p), dot<T>(tail, at<T>(yt, p * ldy + i + 1), rowI));
    for (let p = 0; p < i; p++) store<T>(at<T>(t2, p), dot<T>(tail, element<T>(a, lda, p, i + 1), rowI));
    // One pass over the rows with w = [-Y(i+1:, 0:i+1)^T u; u] gives the first two terms.
    for (let p = 0; p <= i; p++) store<T>(at<T>(w, p), -load<T>(at<T>(t1, p)));
    memory.copy(at<T>(w, i + 1), rowI, <usize>tail * sizeof<T>());
    gemvPooled<T>(false, m - i - 1, n, <T>1, element<T>(a, lda, i + 1, 0), lda, w, <T>0, at<T>(xi, i + 1), sums);
    for (let p = 0; p < i; p++) axpy<T>(m - i - 1, -load<T>(at<T>(t2, p)), at<T>(xt, p * ldx + i + 1), at<T>(xi, i + 1));
    scaleInPlace<T>(m - i - 1, tp, at<T>(xi, i + 1));
    memory.fill(xi, 0, <usize>(i + 1) * sizeof<T>());
  }
}

/**
 * Builds the upper triangular T of a block of k reflectors with H_0 H_1 ... H_{k-1} = I - V T V^T (LAPACK's
 * dlarft, forward), from the Gram matrix G = V^T V (k x k, leading dimension k): T(i, i) = tau_i and
 * T(0:i, i) = -tau_i T(0:i, 0:i) G(0:i, i). T (k x k) gets zeros below its diagonal.
 */
function triangularFactor<T>(k: i32, gram: usize, tau: usize, t: usize): void {
  memory.fill(t, 0, <usize>k * <usize>k * sizeof<T>());
  for (let i = 0; i < k; i++) {
    const taui = load<T>(at<T>(tau, i));
    store<T>(element<T>(t, k, i, i), taui);
    for (let p = 0; p < i; p++) {
      let sum: T = <T>0;
      for (let q = p; q < i; q++) sum += load<T>(element<T>(t, k, p, q)) * load<T>(element<T>(gram, k, q, i));
      store<T>(element<T>(t, k, p, i), -taui * sum);
    }
  }
}

/** Bytes of workspace the blocked reflector applications need for a C of up to `size` rows and columns. */
export function reflectorsWorkspaceBytes<T>(size: i32): usize {
  const kb = reflectorBlock;
  let bytes = blockBytes<T>(<i64>kb * size); // V or U^T
  bytes += 2 * blockBytes<T>(<i64>kb * kb); // G and T
  bytes += 2 * blockBytes<T>(<i64>kb * size); // the two k x cols products
  bytes += gemmWorkspaceBytes<T>(size, size, size);
  return bytes;
}

/**
 * Copies left reflectors j0..j0+k-1 (columns of `a`, unit lower trapezoidal from (j0, j0)) into the
 * dense rows x k matrix v with its ones and zeros, and builds their T from V^T V.
 */
function extractLeftBlock<T>(k: i32, rows: i32, a: usize, lda: i32, tau: usize, v: usize, gram: usize, t: usize, gemmWork: usize): void {
  for (let r = 0; r < rows; r++) {
    const target = at<T>(v, r * k);
    const source = element<T>(a, lda, r, 0);
    for (let p = 0; p < k; p++) store<T>(at<T>(target, p), p < r ? load<T>(at<T>(source, p)) : p == r ? <T>1 : <T>0);
  }
  gemmPooled<T>(true, false, k, k, rows, <T>1, v, k, v, k, <T>0, gram, k, gemmWork);
  triangularFactor<T>(k, gram, tau, t);
}

/**
 * C = (I - V T V^T) C, or with `transpose` C = (I - V T^T V^T) C, for the rows x cols C (leading
 * dimension ldc), V rows x k and T k x k (LAPACK's dlarfb from the left, three matrix products).
 */
function applyBlockLeft<T>(transpose: bool, k: i32, rows: i32, cols: i32, v: usize, t: usize, c: usize, ldc: i32, w1: usize, w2: usize, gemmWork: usize): void {
  gemmPooled<T>(true, false, k, cols, rows, <T>1, v, k, c, ldc, <T>0, w1, cols, gemmWork);
  gemmPooled<T>(transpose, false, k, cols, k, <T>1, t, k, w1, cols, <T>0, w2, cols, gemmWork);
  gemmPooled<T>(false, false, rows, cols, k, <T>-1, v, k, w2, cols, <T>1, c, ldc, gemmWork);
}

/**
 * C = H_0 H_1 ... H_{count-1} C (as applyLeftReflectors) in blocks of reflectorBlock reflectors,
 * the last block first; with `transpose`, C = H_{count-1} ... H_0 C, the first block first. Below
 * reflectorCrossover reflectors it is applyLeftReflectors (transpose false only). `work` holds
 * reflectorsWorkspaceBytes<T>(max(rows, cols)) bytes.
 */
export function applyLeftReflectorsBlocked<T>(transpose: bool, count: i32, a: usize, lda: i32, tau: usize, rows: i32, cols: i32, c: usize, ldc: i32, work: usize): void {
  const kb = reflectorBlock;
  const size = max(rows, cols);
  if (!transpose && count < reflectorCrossover) {
    applyLeftReflectors<T>(count, a, lda, tau, rows, cols, c, ldc, work);
    return;
  }
  const v = work;
  const gram = v + blockBytes<T>(<i64>kb * size);
  const t = gram + blockBytes<T>(<i64>kb * kb);
  const w1 = t + blockBytes<T>(<i64>kb * kb);
  const w2 = w1 + blockBytes<T>(<i64>kb * size);
  const gemmWork = w2 + blockBytes<T>(<i64>kb * size);
  const blocks = (count + kb - 1) / kb;
  for (let b = 0; b < blocks; b++) {
    const j0 = (transpose ? b : blocks - 1 - b) * kb;
    const k = min(kb, count - j0);
    extractLeftBlock<T>(k, rows - j0, element<T>(a, lda, j0, j0), lda, at<T>(tau, j0), v, gram, t, gemmWork);
    applyBlockLeft<T>(transpose, k, rows - j0, cols, v, t, at<T>(c, j0 * ldc), ldc, w1, w2, gemmWork);
  }
}

/**
 * C = C G_{count-1} ... G_0 (as applyRightReflectors: reflector k in row k of `a` from column k + 1,
 * acting on columns k+1.. of the rows x cols C) in blocks of reflectorBlock, the last block first:
 * C := C - (C U) T^T U^T per block. Below reflectorCrossover it is applyRightReflectors. `work` holds
 * reflectorsWorkspaceBytes<T>(max(rows, cols)) bytes.
 */
export function applyRightReflectorsBlocked<T>(count: i32, a: usize, lda: i32, tau: usize, rows: i32, cols: i32, c: usize, ldc: i32, work: usize): void {
  const kb = reflectorBlock;
  if (count < reflectorCrossover) {
    applyRightReflectors<T>(count, a, lda, tau, rows, cols, c, ldc);
    return;
  }
  const size = max(rows, cols);
  const ut = work;
  const gram = ut + blockBytes<T>(<i64>kb * size);
  const t = gram + blockBytes<T>(<i64>kb * kb);
  const w1 = t + blockBytes<T>(<i64>kb * kb);
  const w2 = w1 + blockBytes<T>(<i64>kb * size);
  const gemmWork = w2 + blockBytes<T>(<i64>kb * size);
  const blocks = (count + kb - 1) / kb;
  for (let b = blocks - 1; b >= 0; b--) {
    const j0 = b * kb;
    const k = min(kb, count - j0);
    const length = cols - j0 - 1;

    // U^T (k x length): row p is reflector j0 + p over columns j0+1.., with its one at p.
    for (let p = 0; p < k; p++) {
      const target = at<T>(ut, p * length);
      memory.fill(target, 0, <usize>p * sizeof<T>());
      store<T>(at<T>(target, p), <T>1);
      memory.copy(at<T>(target, p + 1), element<T>(a, lda, j0 + p, j0 + p + 2), <usize>(length - p - 1) * sizeof<T>());
    }
    gemmPooled<T>(false, true, k, k, length, <T>1, ut, length, ut, length, <T>0, gram, k, gemmWork);
    triangularFactor<T>(k, gram, at<T>(tau, j0), t);

    const block = at<T>(c, j0 + 1);
    gemmPooled<T>(false, true, rows, k, length, <T>1, block, ldc, ut, length, <T>0, w1, k, gemmWork);
    gemmPooled<T>(false, true, rows, k, k, <T>1, w1, k, t, k, <T>0, w2, k, gemmWork);
    gemmPooled<T>(false, false, rows, length, k, <T>-1, w2, k, ut, length, <T>1, block, ldc, gemmWork);
  }
}

/** Bytes of workspace factorQrBlocked needs for an m x n matrix. */
export function factorQrWorkspaceBytes<T>(m: i32, n: i32): usize {
  return reflectorsWorkspaceBytes<T>(max(m, n)) + blockBytes<T>(n);
}

/**
 * Computes the Householder QR of the m x n matrix at `a`, with the outputs of factorQr (LAPACK's
 * dgeqrf). Panels of reflectorBlock columns are factored unblocked, then applied to the columns right
 * of them as one block. The last reflectorCrossover columns or fewer are factored unblocked.
 */
export function factorQrBlocked<T>(m: i32, n: i32, a: usize, lda: i32, tau: usize, work: usize): void {
  const kb = reflectorBlock;
  const size = min(m, n);
  const w = work;
  const blockWork = w + blockBytes<T>(n);
  const v = blockWork;
  const gram = v + blockBytes<T>(<i64>kb * max(m, n));
  const t = gram + blockBytes<T>(<i64>kb * kb);
  const w1 = t + blockBytes<T>(<i64>kb * kb);
  const w2 = w1 + blockBytes<T>(<i64>kb * max(m, n));
  const gemmWork = w2 + blockBytes<T>(<i64>kb * max(m, n));
  let j = 0;
  for (; size - j > reflectorCrossover && n - j > kb; j += kb) {
    const panel = element<T>(a, lda, j, j);
    factorQr<T>(m - j, kb, panel, lda, at<T>(tau, j), w);
    extractLeftBlock<T>(kb, m - j, panel, lda, at<T>(tau, j), v, gram, t, gemmWork);
    applyBlockLeft<T>(true, kb, m - j, n - j - kb, v, t, at<T>(panel, kb), lda, w1, w2, gemmWork);
  }
  factorQr<T>(m - j, n - j, element<T>(a, lda, j, j), lda, at<T>(tau, j), w);
}

// Blocked Householder algorithms, where most of the work runs through the GEMM kernel: the
// bidiagonal reduction in LAPACK's dgebrd/dlabrd form, the triangular factor of a block of
// reflectors (dlarft) and its application as matrix products (dlarfb), and the blocked QR (dgeqrf).
// Block sizes and crossovers come from params.ts. The unblocked twins are in householder.ts.
//
// Storage is row-major, as in householder.ts: a left reflector keeps v[1..] below the diagonal in its
// column, a right reflector u[1..] right of the superdiagonal in its row.
import { gemm, gemmWorkspaceBytes } from "../gemm/driver";
import { gemv } from "../gemm/gemv";
import { bidiagonalize, factorQr, generateReflector, reflectorBeta, reflectorTau } from "./householder";
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

/**
 * Reduces the m x n matrix at `a` (m >= n, leading dimension lda) to upper bidiagonal form
 * A = Q B P^T, with the same outputs as `bidiagonalize`: d, e, tauq, taup and the reflectors in `a`.
 * Panels of nb columns are reduced by `reducePanel`, each followed by the trailing update
 * A := A - V Y^T - X U^T as two matrix products; the last bidiagCrossover columns or fewer are reduced
 * unblocked. `work` holds bidiagonalizeWorkspaceBytes<T>(m, n) bytes, 64-byte aligned.
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
    gemm<T>(false, false, rows - nb, cols - nb, nb, <T>-1, element<T>(panel, lda, nb, 0), lda, at<T>(yt, nb), cols, <T>1, a22, lda, gemmWork);
    gemm<T>(true, false, rows - nb, cols - nb, nb, <T>-1, at<T>(xt, nb), rows, element<T>(panel, lda, 0, nb), lda, <T>1, a22, lda, gemmWork);

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
    gemv<T>(true, rows, n, <T>1, element<T>(a, lda, i, 0), lda, column, <T>0, yi, sums);
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
    gemv<T>(false, m - i - 1, n, <T>1, element<T>(a, lda, i + 1, 0), lda, w, <T>0, at<T>(xi, i + 1), sums);
    for (let p = 0; p < i; p++) axpy<T>(m - i - 1, -load<T>(at<T>(t2, p)), at<T>(xt, p * ldx + i + 1), at<T>(xi, i + 1));
    scaleInPlace<T>(m - i - 1, tp, at<T>(xi, i + 1));
    memory.fill(xi, 0, <usize>(i + 1) * sizeof<T>());
  }
}

// The SVD and QR drivers: scaling, the QR pre-reduction of tall matrices, the transpose of wide ones,
// the bidiagonal reduction, the bidiagonal SVD and the assembly of U and V^T by applying the
// reflectors. The twin of src/baseline/svdKernel.ts, which stays unblocked and uses QR iteration.
//
// The reductions and the reflector applications are blocked (blocked.ts: dlabrd panels, compact WY
// products through the GEMM kernel) above the crossovers in params.ts.
//
// Vectors of bidiagonal matrices above divideCrossover come from divide and conquer (bdsdc.ts), the
// rest from QR iteration (bdsqr.ts), which also gives every values-only result.
//
// Every matrix is dense row-major (leading dimension = columns). All scratch comes from `work`, whose
// size in bytes the matching *WorkspaceBytes function returns; blocks are carved from it in the same
// order by both, each rounded up to 64 bytes.
import { bidiagonalSvd } from "./bdsqr";
import { divideAndConquerSvd, divideWorkspaceBytes } from "./bdsdc";
import { divideCrossover } from "./params";
import {
  applyLeftReflectorsBlocked,
  applyRightReflectorsBlocked,
  bidiagonalizeBlocked,
  bidiagonalizeWorkspaceBytes,
  factorQrBlocked,
  factorQrWorkspaceBytes,
  reflectorsWorkspaceBytes,
} from "./blocked";
import { epsilonOf, safeMinOf, scaleInPlace } from "./vector";
import { transposeBlocked } from "../elementwise/transpose";

/** What the SVD computes: values only, the thin factors, or the full square factors. */
// @ts-ignore: decorator
@inline export const JOB_VALUES: i32 = 0;
// @ts-ignore: decorator
@inline export const JOB_THIN: i32 = 1;
// @ts-ignore: decorator
@inline export const JOB_FULL: i32 = 2;

/** A tall matrix (5 m >= 8 n, m >= 1.6 n) is reduced by QR first, LAPACK's crossover for dgesvd. */
// @ts-ignore: decorator
@inline function viaQr(m: i32, n: i32): bool {
  return 5 * <i64>m >= 8 * <i64>n;
}

// @ts-ignore: decorator
@inline function blockBytes<T>(elements: i64): usize {
  return <usize>((elements * sizeof<T>() + 63) & ~63);
}

/** A bump allocator over the caller's workspace. */
let cursor: usize = 0;

// @ts-ignore: decorator
@inline function carve<T>(elements: i64): usize {
  const address = cursor;
  cursor += blockBytes<T>(elements);
  return address;
}

/** Bytes of workspace the SVD of an m x n matrix (m >= n) needs. */
function tallWorkspaceBytes<T>(m: i32, n: i32, job: i32): usize {
  const vectors = job != JOB_VALUES;
  let bytes: usize = 0;
  bytes += 4 * blockBytes<T>(n); // e, tauq, taup, tau of the QR
  if (viaQr(m, n)) bytes += blockBytes<T>(<i64>n * n); // R
  if (vectors) bytes += blockBytes<T>(<i64>n * n); // Ub^T
  if (vectors && n > divideCrossover) bytes += divideWorkspaceBytes<T>(n);
  bytes += blockBytes<T>(4 * <i64>n); // rotations
  bytes += blockedWorkspaceBytes<T>(m, n);
  return bytes;
}

/** Bytes of the scratch the blocked reductions and reflector applications share, one at a time. */
function blockedWorkspaceBytes<T>(m: i32, n: i32): usize {
  const reduction = bidiagonalizeWorkspaceBytes<T>(viaQr(m, n) ? n : m, n);
  const qrBytes = factorQrWorkspaceBytes<T>(m, n);
  return max(reduction, max(qrBytes, reflectorsWorkspaceBytes<T>(max(m, n))));
}

/** Bytes of workspace `svd` needs for an m x n matrix and the given job. */
export function svdWorkspaceBytes<T>(m: i32, n: i32, job: i32): usize {
  if (m >= n) return tallWorkspaceBytes<T>(m, n, job) + 64;
  let bytes = blockBytes<T>(<i64>m * n) + tallWorkspaceBytes<T>(n, m, job) + 64;
  if (job != JOB_VALUES) {
    const uCols = job == JOB_FULL ? n : m;
    bytes += blockBytes<T>(<i64>n * uCols) + blockBytes<T>(<i64>m * m);
  }
  return bytes;
}

function identity<T>(rows: i32, cols: i32, c: usize): void {
  memory.fill(c, 0, <usize>rows * <usize>cols * sizeof<T>());
  for (let i = 0; i < min(rows, cols); i++) store<T>(c + (<usize>i * cols + i) * sizeof<T>(), <T>1);
}

/**
 * SVD of the m x n matrix `a` (dense, overwritten): s receives min(m, n) values, decreasing. For
 * JOB_THIN u is m x k and vt k x n (k = min(m, n)); for JOB_FULL u is m x m and vt n x n; JOB_VALUES
 * leaves both untouched. Returns 0, or the number of superdiagonal entries that did not converge.
 */
export function svd<T>(m: i32, n: i32, a: usize, s: usize, u: usize, vt: usize, job: i32, work: usize): i32 {
  cursor = (work + 63) & ~63;
  if (m >= n) return svdTall<T>(m, n, a, s, u, vt, job);

  // A wide matrix: A^T = U' S V'^T, so U = V' and V^T = U'^T.
  const at = carve<T>(<i64>m * n);
  transposeBlocked<T>(a, n, m, n, at, m);
  const uCols = job == JOB_FULL ? n : m;
  let uTall: usize = 0;
  let vtTall: usize = 0;
  if (job != JOB_VALUES) {
    uTall = carve<T>(<i64>n * uCols);
    vtTall = carve<T>(<i64>m * m);
  }
  const status = svdTall<T>(n, m, at, s, uTall, vtTall, job);
  if (job != JOB_VALUES) {
    transposeBlocked<T>(vtTall, m, m, m, u, m);
    transposeBlocked<T>(uTall, uCols, n, uCols, vt, n);
  }
  return status;
}

function svdTall<T>(m: i32, n: i32, a: usize, s: usize, u: usize, vt: usize, job: i32): i32 {
  if (n == 0) {
    if (job == JOB_FULL) identity<T>(m, m, u);
    return 0;
  }
  const vectors = job != JOB_VALUES;
  const uCols = job == JOB_FULL ? m : n;
  const size = <i32>(<i64>m * n);

  // Scale a matrix whose largest entry is near underflow or overflow into the safe range.
  const smallNumber: T = sqrt<T>(safeMinOf<T>()) / (<T>2 * epsilonOf<T>());
  const bigNumber: T = <T>1 / smallNumber;
  let largest: T = <T>0;
  for (let i = 0; i < size; i++) largest = max<T>(largest, abs<T>(load<T>(a + <usize>i * sizeof<T>())));
  let scale: T = <T>1;
  if (largest > <T>0 && largest < smallNumber) scale = smallNumber / largest;
  else if (largest > bigNumber) scale = bigNumber / largest;
  if (scale != <T>1) scaleInPlace<T>(size, scale, a);

  const e = carve<T>(n);
  const tauq = carve<T>(n);
  const taup = carve<T>(n);
  const tauQr = carve<T>(n);
  const blocked = carve<u8>(blockedWorkspaceBytes<T>(m, n));

  // Tall matrices: A = Q1 R first, then bidiagonalize the n x n R.
  const qrFirst = viaQr(m, n);
  let b = a;
  let bRows = m;
  if (qrFirst) {
    factorQrBlocked<T>(m, n, a, n, tauQr, blocked);
    b = carve<T>(<i64>n * n);
    memory.fill(b, 0, <usize>n * n * sizeof<T>());
    for (let i = 0; i < n; i++) {
      const offset = (<usize>i * n + i) * sizeof<T>();
      memory.copy(b + offset, a + offset, <usize>(n - i) * sizeof<T>());
    }
    bRows = n;
  }
  bidiagonalizeBlocked<T>(bRows, n, b, n, s, e, tauq, taup, blocked);

  // The bidiagonal SVD rotates Ub^T and Vb^T, both n x n, starting from the identity.
  let ubt: usize = 0;
  if (vectors) {
    ubt = carve<T>(<i64>n * n);
    identity<T>(n, n, ubt);
    identity<T>(n, n, vt);
  }
  const rotations = carve<T>(4 * <i64>n);
  const vectorCols = vectors ? n : 0;
  let status = 0;
  if (vectors && n > divideCrossover) {
    status = divideAndConquerSvd<T>(n, s, e, vt, n, ubt, n, carve<u8>(divideWorkspaceBytes<T>(n)));
  } else {
    status = bidiagonalSvd<T>(n, s, e, vt, n, vectorCols, ubt, n, vectorCols, rotations);
  }

  if (vectors) {
    // V^T = Vb^T P^T.
    applyRightReflectorsBlocked<T>(n - 1, b, n, taup, n, n, vt, n, blocked);

    // U = Q [Ub 0; 0 I], the identity block only for the full U.
    identity<T>(m, uCols, u);
    transposeBlocked<T>(ubt, n, n, n, u, uCols);
    if (qrFirst) {
      applyLeftReflectorsBlocked<T>(false, n, b, n, tauq, n, uCols, u, uCols, blocked);
      applyLeftReflectorsBlocked<T>(false, n, a, n, tauQr, m, uCols, u, uCols, blocked);
    } else {
      applyLeftReflectorsBlocked<T>(false, n, a, n, tauq, m, uCols, u, uCols, blocked);
    }
  }

  if (scale != <T>1) scaleInPlace<T>(n, <T>1 / scale, s);
  return status;
}

/** Bytes of workspace `qr` needs for an m x n matrix with a Q of qCols columns. */
export function qrWorkspaceBytes<T>(m: i32, n: i32, qCols: i32): usize {
  return blockBytes<T>(min(m, n)) + max(factorQrWorkspaceBytes<T>(m, n), reflectorsWorkspaceBytes<T>(max(m, max(n, qCols)))) + 64;
}

/**
 * Householder QR of the m x n matrix `a` (dense, overwritten): r receives rRows x n (rows of R beyond
 * min(m, n) are zero), q the m x qCols matrix with orthonormal columns (qCols 0 skips it).
 */
export function qr<T>(m: i32, n: i32, a: usize, q: usize, qCols: i32, r: usize, rRows: i32, work: usize): void {
  cursor = (work + 63) & ~63;
  const k = min(m, n);
  const tau = carve<T>(k);
  const blocked = carve<u8>(max(factorQrWorkspaceBytes<T>(m, n), reflectorsWorkspaceBytes<T>(max(m, max(n, qCols)))));
  factorQrBlocked<T>(m, n, a, n, tau, blocked);
  memory.fill(r, 0, <usize>rRows * n * sizeof<T>());
  for (let i = 0; i < min(rRows, k); i++) {
    const offset = (<usize>i * n + i) * sizeof<T>();
    memory.copy(r + offset, a + offset, <usize>(n - i) * sizeof<T>());
  }
  if (qCols > 0) {
    identity<T>(m, qCols, q);
    applyLeftReflectorsBlocked<T>(false, k, a, n, tau, m, qCols, q, qCols, blocked);
  }
}

// The SVD of an upper bidiagonal matrix with vectors by divide and conquer, in the scheme of LAPACK's
// dbdsdc and dlasd0-dlasd4 (Gu and Eisenstat, "A divide-and-conquer algorithm for the bidiagonal
// SVD", SIAM J. Matrix Anal. Appl. 16(1), 1995). The matrix is split at a middle row; the two halves
// are solved recursively (QR iteration at the leaves, bdsqr.ts) and merged: the merged problem is a
// diagonal matrix plus one row z, whose singular values are the roots of the secular equation
//   f(sigma) = 1 + sum_j z_j^2 / (d_j^2 - sigma^2) = 0,
// after deflating the entries with negligible z_j or nearly equal d_j. z is then recomputed from the
// roots (Gu and Eisenstat) so that the singular vectors come out orthogonal, and the vectors of the
// merge are applied to those of the halves with the GEMM kernel.
//
// Layout, as bidiagonalSvd: ut (n x n) receives Ub^T and vt (n x n) Vb^T, rows being singular vectors;
// the caller sets both to the identity. A node covers rows r0..r0+n-1 and columns r0..r0+n-1+sqre of
// B (sqre = 1: one column more than rows, the upper half of every split); its results live in the
// diagonal blocks ut[r0.., r0..] (n x n) and vt[r0.., r0..] ((n + sqre) x (n + sqre)), whose last
// row, when sqre = 1, is the null vector of the node's right singular vectors.
import { gemmWorkspaceBytes } from "../gemm/driver";
import { gemmPooled } from "../gemm/pooled";
import { bidiagonalSvd } from "./bdsqr";
import { divideLeaf } from "./params";
import { epsilonOf, rotate, safeMinOf, scaleInPlace } from "./vector";

// NOTE: the secular solver is a shorter form of dlasd4 (the two-pole model with a bisection
// safeguard, without its fixed-weight variants and special cases for the last two roots). It passed
// the driver-style ratio tests and stress matrices (graded, clustered, repeated, rank-deficient,
// all-ones down to f32 subnormals), not LAPACK's own test set. A root it cannot settle within the
// limit below makes svd throw ConvergenceError. The merge scratch is about 3 n^2 elements.

/** Iterations of the secular equation solver before it gives up on a root. */
// @ts-ignore: decorator
@inline const MAX_SECULAR_ITERATIONS: i32 = 80;

// @ts-ignore: decorator
@inline function at<T>(base: usize, index: i32): usize {
  return base + <usize>index * sizeof<T>();
}

// @ts-ignore: decorator
@inline function get<T>(base: usize, index: i32): T {
  return load<T>(base + <usize>index * sizeof<T>());
}

// @ts-ignore: decorator
@inline function set<T>(base: usize, index: i32, value: T): void {
  store<T>(base + <usize>index * sizeof<T>(), value);
}

// @ts-ignore: decorator
@inline function blockBytes<T>(elements: i64): usize {
  return <usize>((elements * sizeof<T>() + 63) & ~63);
}

/** Bytes of workspace divideAndConquerSvd needs for an n x n bidiagonal matrix. */
export function divideWorkspaceBytes<T>(n: i32): usize {
  const vector = blockBytes<T>(n + 1);
  const indices = blockBytes<i32>(n + 1);
  let bytes = blockBytes<T>(4 * <i64>n); // the leaves' rotations
  bytes += 7 * vector + 3 * indices;
  bytes += blockBytes<T>(<i64>n * n) + 2 * blockBytes<T>(<i64>n * (n + 1));
  bytes += gemmWorkspaceBytes<T>(n, n + 1, n);
  return bytes;
}

/** The matrices and scratch of one call, as globals so that the recursion passes only its node. */
let D: usize = 0;
let E: usize = 0;
let UT: usize = 0;
let VT: usize = 0;
let LDU: i32 = 0;
let LDV: i32 = 0;
let leafWork: usize = 0;
let zs: usize = 0; // z of the merge, by local index (n + 1)
let dl: usize = 0; // d of the merge, scaled, by local index
let ds: usize = 0; // d of the kept entries, in increasing order
let zk: usize = 0; // z of the kept entries
let mu: usize = 0; // each root as sigma^2 - ds[origin]^2
let deltas: usize = 0; // ds[j] - ds[origin] for the root being solved, later a row of scratch
let zhat: usize = 0; // z recomputed from the roots (Gu and Eisenstat)
let order: usize = 0; // i32: local indices sorted by d, later the rows' positions in sel
let kept: usize = 0; // i32: local indices of the kept entries, in increasing d
let origins: usize = 0; // i32: the pole each root is measured from
let mat: usize = 0; // the merge's singular vectors, one per row (count x count)
let sel: usize = 0; // the old rows the vectors combine, gathered
let out: usize = 0; // the new rows, before they are scattered back
let gemmWork: usize = 0;

/**
 * Computes the SVD of the n x n upper bidiagonal B with diagonal d and superdiagonal e, both
 * destroyed. d receives the singular values in decreasing order, ut becomes Ub^T and vt becomes Vb^T
 * (both n x n, set to the identity by the caller). Returns 0, or a positive count when QR iteration at
 * a leaf or the secular equation did not converge. `work` is divideWorkspaceBytes<T>(n) bytes,
 * 64-byte aligned.
 */
export function divideAndConquerSvd<T>(n: i32, d: usize, e: usize, vt: usize, ldvt: i32, ut: usize, ldut: i32, work: usize): i32 {
  D = d;
  E = e;
  UT = ut;
  VT = vt;
  LDU = ldut;
  LDV = ldvt;
  const vector = blockBytes<T>(n + 1);
  const indices = blockBytes<i32>(n + 1);
  leafWork = work;
  zs = leafWork + blockBytes<T>(4 * <i64>n);
  dl = zs + vector;
  ds = dl + vector;
  zk = ds + vector;
  mu = zk + vector;
  deltas = mu + vector;
  zhat = deltas + vector;
  order = zhat + vector;
  kept = order + indices;
  origins = kept + indices;
  mat = origins + indices;
  sel = mat + blockBytes<T>(<i64>n * n);
  out = sel + blockBytes<T>(<i64>n * (n + 1));
  gemmWork = out + blockBytes<T>(<i64>n * (n + 1));

  const status = solveNode<T>(0, n, 0);
  if (status != 0) return status;

  // Decreasing order, moving the rows of ut and vt along.
  for (let i = 0; i < n - 1; i++) {
    let largest = i;
    for (let j = i + 1; j < n; j++) if (get<T>(d, j) > get<T>(d, largest)) largest = j;
    if (largest != i) {
      const t = get<T>(d, i);
      set<T>(d, i, get<T>(d, largest));
      set<T>(d, largest, t);
      swapRows<T>(at<T>(ut, i * ldut), at<T>(ut, largest * ldut), n);
      swapRows<T>(at<T>(vt, i * ldvt), at<T>(vt, largest * ldvt), n);
    }
  }
  return 0;
}

function swapRows<T>(x: usize, y: usize, cols: i32): void {
  for (let j = 0; j < cols; j++) {
    const t = get<T>(x, j);
    set<T>(x, j, get<T>(y, j));
    set<T>(y, j, t);
  }
}

// @ts-ignore: decorator
@inline function utRow<T>(row: i32, column: i32): usize {
  return UT + (<usize>row * <usize>LDU + <usize>column) * sizeof<T>();
}

// @ts-ignore: decorator
@inline function vtRow<T>(row: i32, column: i32): usize {
  return VT + (<usize>row * <usize>LDV + <usize>column) * sizeof<T>();
}

/** Cosine and sine of the last planeRotation call. */
let rotationC: f64 = 0;
let rotationS: f64 = 0;

/**
 * Returns r = hypot(f, g) and sets rotationC = f / r, rotationS = g / r, from f and g scaled by the
 * larger first, so that c^2 + s^2 = 1 to rounding even when f and g are subnormal.
 */
function planeRotation<T>(f: T, g: T): T {
  if (g == <T>0) {
    rotationC = 1;
    rotationS = 0;
    return f;
  }
  if (f == <T>0) {
    rotationC = 0;
    rotationS = 1;
    return g;
  }
  const scale = max<T>(abs<T>(f), abs<T>(g));
  const fs = f / scale;
  const gs = g / scale;
  const d = sqrt<T>(fs * fs + gs * gs);
  rotationC = <f64>(fs / d);
  rotationS = <f64>(gs / d);
  return d * scale;
}

function solveNode<T>(r0: i32, n: i32, sqre: i32): i32 {
  if (n <= max(divideLeaf, 2)) return solveLeaf<T>(r0, n, sqre);
  const nl = n >> 1;
  const nr = n - nl - 1;
  const alpha = get<T>(D, r0 + nl);
  const beta = get<T>(E, r0 + nl);
  let status = solveNode<T>(r0, nl, 1);
  if (status != 0) return status;
  status = solveNode<T>(r0 + nl + 1, nr, sqre);
  if (status != 0) return status;
  return merge<T>(r0, nl, nr, sqre, alpha, beta);
}

/**
 * Solves a leaf. With sqre = 1 the extra column is first rotated away from the right (each rotation
 * zeroes the entry in the last column and moves it one row up). QR iteration solves the square part.
 */
function solveLeaf<T>(r0: i32, n: i32, sqre: i32): i32 {
  if (sqre == 1) {
    let f = get<T>(E, r0 + n - 1);
    const extra = vtRow<T>(r0 + n, r0);
    for (let j = n - 1; j >= 0 && f != <T>0; j--) {
      set<T>(D, r0 + j, planeRotation<T>(get<T>(D, r0 + j), f));
      const c = <T>rotationC;
      const s = <T>rotationS;
      rotate<T>(n + 1, c, s, vtRow<T>(r0 + j, r0), extra);
      if (j > 0) {
        const ej = get<T>(E, r0 + j - 1);
        f = -s * ej;
        set<T>(E, r0 + j - 1, c * ej);
      }
    }
    set<T>(E, r0 + n - 1, <T>0);
  }
  return bidiagonalSvd<T>(n, at<T>(D, r0), at<T>(E, r0), vtRow<T>(r0, r0), LDV, n + sqre, utRow<T>(r0, r0), LDU, n, leafWork);
}

/** 1 + sum_j z_j^2 / (delta_j (d_j + d_o) - x) over j < count, with its parts below and from `split`. */
let psiValue: f64 = 0;
let psiSlope: f64 = 0;
let phiValue: f64 = 0;
let phiSlope: f64 = 0;

function secularParts<T>(count: i32, origin: i32, split: i32, x: T): void {
  const dOrigin = get<T>(ds, origin);
  let psi: T = <T>0;
  let dpsi: T = <T>0;
  let phi: T = <T>0;
  let dphi: T = <T>0;
  for (let j = 0; j < count; j++) {
    const dj = get<T>(ds, j);
    const pole = get<T>(deltas, j) * (dj + dOrigin);
    const inverse = <T>1 / (pole - x);
    const zj = get<T>(zk, j);
    const term = zj * inverse;
    if (j < split) {
      psi += zj * term;
      dpsi += term * term;
    } else {
      phi += zj * term;
      dphi += term * term;
    }
  }
  psiValue = <f64>psi;
  psiSlope = <f64>dpsi;
  phiValue = <f64>phi;
  phiSlope = <f64>dphi;
}

/**
 * Finds root i of the secular equation over the count kept entries (ds increasing from 0, zk), as
 * sigma^2 = ds[o]^2 + mu with o the nearer pole: mu goes to mu[i] and o to origins[i]. Iterates on
 * the rational model of the two neighbouring poles (the "middle way" of LAPACK's dlasd4), kept inside
 * a bracket that shrinks with the sign of f, bisecting when a step would leave it. Returns false when
 * it does not converge.
 */
function solveRoot<T>(count: i32, i: i32): bool {
  const eps = epsilonOf<T>();
  const last = i == count - 1;
  let origin = i;
  let lo: T = <T>0;
  let hi: T = <T>0;
  if (last) {
    let zz: T = <T>0;
    for (let j = 0; j < count; j++) zz += get<T>(zk, j) * get<T>(zk, j);
    hi = zz;
  } else {
    // The sign of f at the midpoint of (d_i, d_i+1) tells which half contains the root.
    const di = get<T>(ds, i);
    const half = (get<T>(ds, i + 1) - di) / <T>2;
    for (let j = 0; j < count; j++) set<T>(deltas, j, get<T>(ds, j) - di);
    const xMid = half * (<T>2 * di + half);
    secularParts<T>(count, i, i + 1, xMid);
    if (<T>1 + <T>psiValue + <T>phiValue >= <T>0) {
      hi = xMid;
    } else {
      origin = i + 1;
      const dNext = get<T>(ds, i + 1);
      lo = -half * (<T>2 * dNext - half);
    }
  }
  const dOrigin = get<T>(ds, origin);
  for (let j = 0; j < count; j++) set<T>(deltas, j, get<T>(ds, j) - dOrigin);

  // The poles either side of the root, measured from the origin (one of them is 0).
  const left: T = get<T>(deltas, i) * (get<T>(ds, i) + dOrigin);
  const right: T = last ? <T>0 : get<T>(deltas, i + 1) * (get<T>(ds, i + 1) + dOrigin);
  let x: T = (lo + hi) / <T>2;
  let converged = false;
  for (let iteration = 0; iteration < MAX_SECULAR_ITERATIONS; iteration++) {
    secularParts<T>(count, origin, i + 1, x);
    const psi = <T>psiValue;
    const phi = <T>phiValue;
    const f: T = <T>1 + psi + phi;

    // The rounding error of f: its terms', and that of x itself times the slope (which dominates
    // when the root is close to a pole), as LAPACK's dlasd4 bounds it.
    const slope: T = <T>psiSlope + <T>phiSlope;
    if (abs<T>(f) <= eps * (<T>8 * (<T>1 + abs<T>(psi) + abs<T>(phi)) + abs<T>(x) * slope)) {
      converged = true;
      break;
    }
    if (f < <T>0) lo = x;
    else hi = x;

    // Model psi by a + b / (left - y) and phi by c + e / (right - y), matching value and slope at x.
    const toLeft = left - x;
    let step: T = <T>NaN;
    if (last) {
      const b = <T>psiSlope * toLeft * toLeft;
      const constant = <T>1 + psi - <T>psiSlope * toLeft + phi;
      if (constant > <T>0) step = toLeft + b / constant;
    } else {
      const toRight = right - x;
      const b = <T>psiSlope * toLeft * toLeft;
      const e = <T>phiSlope * toRight * toRight;
      const constant = <T>1 + psi - <T>psiSlope * toLeft + phi - <T>phiSlope * toRight;
      // constant step^2 - (constant (toLeft + toRight) + b + e) step + toLeft toRight f = 0.
      const qa = constant;
      const qb = -(constant * (toLeft + toRight) + b + e);
      const qc = toLeft * toRight * f;
      if (qa == <T>0) {
        if (qb != <T>0) step = -qc / qb;
      } else {
        const discriminant = qb * qb - <T>4 * qa * qc;
        if (discriminant >= <T>0) {
          const q = -(qb + copysign<T>(sqrt<T>(discriminant), qb)) / <T>2;
          const first: T = q / qa;
          const second: T = q != <T>0 ? qc / q : <T>NaN;
          const firstInside = x + first > lo && x + first < hi;
          const secondInside = x + second > lo && x + second < hi;
          if (firstInside && secondInside) step = abs<T>(first) < abs<T>(second) ? first : second;
          else if (firstInside) step = first;
          else if (secondInside) step = second;
        }
      }
    }
    let next = x + step;
    if (!(next > lo && next < hi)) next = (lo + hi) / <T>2;
    if (next == x || abs<T>(next - x) <= <T>2 * eps * abs<T>(next)) {
      x = next;
      converged = true;
      break;
    }
    x = next;
  }
  set<T>(mu, i, x);
  store<i32>(origins + <usize>i * 4, origin);
  return converged;
}

/** d_j^2 - sigma_i^2 for kept entry j and root i, from the root's origin without cancellation. */
// @ts-ignore: decorator
@inline function gap<T>(j: i32, i: i32): T {
  const origin = load<i32>(origins + <usize>i * 4);
  const dOrigin = get<T>(ds, origin);
  const dj = get<T>(ds, j);
  return (dj - dOrigin) * (dj + dOrigin) - get<T>(mu, i);
}

/**
 * Merges the solved halves of the node at r0: rows r0..r0+nl-1 (upper half, one extra column), the
 * middle row r0+nl with alpha on the diagonal and beta right of it, and rows r0+nl+1.. (lower half).
 */
function merge<T>(r0: i32, nl: i32, nr: i32, sqre: i32, alpha: T, beta: T): i32 {
  const n = nl + nr + 1;
  const m = n + sqre;
  const eps = epsilonOf<T>();

  // Scale by the largest of |alpha|, |beta| and the halves' values (LAPACK's orgnrm), so that the
  // tolerances below stay relative to 1 even for entries near underflow.
  let norm: T = max<T>(abs<T>(alpha), abs<T>(beta));
  for (let i = 0; i < n; i++) if (i != nl) norm = max<T>(norm, get<T>(D, r0 + i));
  if (norm == <T>0) {
    // B is zero: every value is 0 and the halves' vectors will do.
    set<T>(D, r0 + nl, <T>0);
    return 0;
  }
  const alphaScaled = alpha / norm;
  const betaScaled = beta / norm;

  // B = diag(U1, 1, U2) (e_nl z^T + diag(d)) diag(V1, V2)^T, with d_nl = 0 for the null vector of V1.
  for (let i = 0; i <= nl; i++) set<T>(zs, i, alphaScaled * load<T>(vtRow<T>(r0 + i, r0 + nl)));
  for (let i = nl + 1; i < m; i++) set<T>(zs, i, betaScaled * load<T>(vtRow<T>(r0 + i, r0 + nl + 1)));
  for (let i = 0; i < n; i++) set<T>(dl, i, i == nl ? <T>0 : get<T>(D, r0 + i) / norm);
  memory.fill(utRow<T>(r0 + nl, r0), 0, <usize>n * sizeof<T>());
  store<T>(utRow<T>(r0 + nl, r0 + nl), <T>1);

  // With an extra column, fold the two null vectors' z into one; the other stays the null vector.
  if (sqre == 1) {
    const z1 = get<T>(zs, nl);
    const z2 = get<T>(zs, n);
    if (z2 != <T>0) {
      const r = planeRotation<T>(z1, z2);
      rotate<T>(m, <T>rotationC, <T>rotationS, vtRow<T>(r0 + nl, r0), vtRow<T>(r0 + n, r0));
      set<T>(zs, nl, r);
      set<T>(zs, n, <T>0);
    }
  }

  // Sort by d, the z row's own entry (d = 0) first.
  let dmax: T = <T>0;
  for (let i = 0; i < n; i++) dmax = max<T>(dmax, get<T>(dl, i));
  store<i32>(order, nl);
  let sorted = 1;
  for (let i = 0; i < n; i++) {
    if (i == nl) continue;
    const value = get<T>(dl, i);
    let p = sorted;
    while (p > 1 && get<T>(dl, load<i32>(order + <usize>(p - 1) * 4)) > value) {
      store<i32>(order + <usize>p * 4, load<i32>(order + <usize>(p - 1) * 4));
      p--;
    }
    store<i32>(order + <usize>p * 4, i);
    sorted++;
  }

  // Deflation: a negligible z_j leaves d_j a singular value as it is; two d within tol are rotated so
  // that one of them has z = 0. tol is LAPACK's 8 eps max(|d|, |alpha|, |beta|).
  const tol: T = <T>8 * eps * max<T>(dmax, max<T>(abs<T>(alphaScaled), abs<T>(betaScaled)));
  if (abs<T>(get<T>(zs, nl)) <= tol) set<T>(zs, nl, tol);
  store<i32>(kept, nl);
  let count = 1;
  for (let p = 1; p < n; p++) {
    const j = load<i32>(order + <usize>p * 4);
    const zj = get<T>(zs, j);
    if (abs<T>(zj) <= tol) continue;
    if (count > 1) {
      const previous = load<i32>(kept + <usize>(count - 1) * 4);
      if (get<T>(dl, j) - get<T>(dl, previous) <= tol) {
        const r = planeRotation<T>(zj, get<T>(zs, previous));
        const c = <T>rotationC;
        const s = <T>rotationS;
        rotate<T>(n, c, s, utRow<T>(r0 + j, r0), utRow<T>(r0 + previous, r0));
        rotate<T>(m, c, s, vtRow<T>(r0 + j, r0), vtRow<T>(r0 + previous, r0));
        set<T>(zs, j, r);
        set<T>(zs, previous, <T>0);
        store<i32>(kept + <usize>(count - 1) * 4, j);
        continue;
      }
    }
    store<i32>(kept + <usize>count * 4, j);
    count++;
  }

  // Deflated entries keep d_j (already in D) and their rows. The kept ones go to the secular
  // equation, with the smallest nonzero d raised to at least tol / 2.
  for (let k = 0; k < count; k++) {
    const j = load<i32>(kept + <usize>k * 4);
    const value = get<T>(dl, j);
    set<T>(ds, k, k == 1 ? max<T>(value, tol / <T>2) : value);
    set<T>(zk, k, get<T>(zs, j));
  }

  for (let i = 0; i < count; i++) if (!solveRoot<T>(count, i)) return count - i;

  // Gu and Eisenstat: the z for which the computed roots are exact, so the vectors are orthogonal.
  for (let j = 0; j < count; j++) {
    const dj = get<T>(ds, j);
    let product: T = -gap<T>(j, count - 1);
    for (let i = 0; i < j; i++) {
      const di = get<T>(ds, i);
      product *= -gap<T>(j, i) / ((di - dj) * (di + dj));
    }
    for (let i = j; i < count - 1; i++) {
      const dNext = get<T>(ds, i + 1);
      product *= -gap<T>(j, i) / ((dNext - dj) * (dNext + dj));
    }
    set<T>(zhat, j, copysign<T>(sqrt<T>(abs<T>(product)), get<T>(zk, j)));
  }

  // Right vectors v_i = (D^2 - sigma_i^2)^-1 z into the rows of mat, normalized. Each is multiplied
  // first by |mu_i|, the smallest |d_j^2 - sigma_i^2| (at the root's origin), so no entry overflows.
  for (let i = 0; i < count; i++) {
    const row = at<T>(mat, i * count);
    const nearest = abs<T>(get<T>(mu, i));
    for (let j = 0; j < count; j++) set<T>(row, j, get<T>(zhat, j) * (nearest / gap<T>(j, i)));
    normalize<T>(row, count);
  }
  applyVectors<T>(count, r0, m, nl + 1, false);

  // Left vectors u_i = (-1, d_j z_j / (d_j^2 - sigma_i^2)), normalized, scaled the same way.
  for (let i = 0; i < count; i++) {
    const row = at<T>(mat, i * count);
    const nearest = abs<T>(get<T>(mu, i));
    set<T>(row, 0, -nearest);
    for (let j = 1; j < count; j++) set<T>(row, j, get<T>(ds, j) * get<T>(zhat, j) * (nearest / gap<T>(j, i)));
    normalize<T>(row, count);
  }
  applyVectors<T>(count, r0, n, nl + 1, true);

  // The kept entries' new singular values, sigma_i = sqrt(ds[o]^2 + mu_i), scaled back.
  for (let i = 0; i < count; i++) {
    const dOrigin = get<T>(ds, load<i32>(origins + <usize>i * 4));
    const sigma = sqrt<T>(dOrigin * dOrigin + get<T>(mu, i)) * norm;
    set<T>(D, r0 + load<i32>(kept + <usize>i * 4), sigma);
  }
  return 0;
}

/** Scales the count entries at x to unit length, dividing by the largest first so no square overflows. */
function normalize<T>(x: usize, count: i32): void {
  let largest: T = <T>0;
  for (let j = 0; j < count; j++) largest = max<T>(largest, abs<T>(get<T>(x, j)));

  // Multiplying by 1 / largest is faster than dividing, unless 1 / largest would overflow.
  const reciprocal: T = largest >= safeMinOf<T>() ? <T>1 / largest : <T>0;
  let sum: T = <T>0;
  for (let j = 0; j < count; j++) {
    const value = reciprocal != <T>0 ? get<T>(x, j) * reciprocal : get<T>(x, j) / largest;
    set<T>(x, j, value);
    sum += value * value;
  }
  scaleInPlace<T>(count, <T>1 / sqrt<T>(sum), x);
}

/**
 * Replaces rows kept[i] of the node's block of ut (`left`) or vt, cols wide, by sum_j mat[i][j] times
 * the old rows kept[j]. The rows of the upper half are zero right of column `split` and those of the
 * lower half left of it, unless deflation rotated them together, so the rows are grouped as upper,
 * mixed and lower and each side of `split` is one product over the groups that reach it: about half
 * the work of one dense product (the column types of LAPACK's dlasd3). Rows go through sel and out.
 */
function applyVectors<T>(count: i32, r0: i32, cols: i32, split: i32, left: bool): void {
  const rowBytes = <usize>cols * sizeof<T>();

  // The group of each old row: 0 upper, 1 mixed, 2 lower.
  let upper = 0;
  let mixed = 0;
  for (let k = 0; k < count; k++) {
    const row = r0 + load<i32>(kept + <usize>k * 4);
    const source = left ? utRow<T>(row, r0) : vtRow<T>(row, r0);
    let before = false;
    let after = false;
    for (let j = 0; j < split && !before; j++) before = get<T>(source, j) != <T>0;
    for (let j = split; j < cols && !after; j++) after = get<T>(source, j) != <T>0;
    const group = after ? (before ? 1 : 2) : 0;
    if (group == 0) upper++;
    else if (group == 1) mixed++;
    store<i32>(order + <usize>k * 4, group);
  }

  // Each row's position in sel: upper rows first, then mixed, then lower, each in kept order.
  let nextUpper = 0;
  let nextMixed = upper;
  let nextLower = upper + mixed;
  for (let k = 0; k < count; k++) {
    const group = load<i32>(order + <usize>k * 4);
    const position = group == 0 ? nextUpper++ : group == 1 ? nextMixed++ : nextLower++;
    store<i32>(order + <usize>k * 4, position);
  }

  // Gather the old rows and permute the columns of mat to match.
  for (let k = 0; k < count; k++) {
    const row = r0 + load<i32>(kept + <usize>k * 4);
    memory.copy(sel + <usize>load<i32>(order + <usize>k * 4) * rowBytes, left ? utRow<T>(row, r0) : vtRow<T>(row, r0), rowBytes);
  }
  for (let i = 0; i < count; i++) {
    const target = at<T>(mat, i * count);
    memory.copy(deltas, target, <usize>count * sizeof<T>());
    for (let k = 0; k < count; k++) set<T>(target, load<i32>(order + <usize>k * 4), get<T>(deltas, k));
  }

  // Columns left of split from the upper and mixed rows, the rest from the mixed and lower rows.
  const reachLeft = upper + mixed;
  const reachRight = count - upper;
  gemmPooled<T>(false, false, count, split, reachLeft, <T>1, mat, count, sel, cols, <T>0, out, cols, gemmWork);
  gemmPooled<T>(false, false, count, cols - split, reachRight, <T>1, at<T>(mat, upper), count, sel + <usize>upper * rowBytes + <usize>split * sizeof<T>(), cols, <T>0, out + <usize>split * sizeof<T>(), cols, gemmWork);

  for (let k = 0; k < count; k++) {
    const row = r0 + load<i32>(kept + <usize>k * 4);
    memory.copy(left ? utRow<T>(row, r0) : vtRow<T>(row, r0), out + <usize>k * rowBytes, rowBytes);
  }
}

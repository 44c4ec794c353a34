/**
 * The SVD of an upper bidiagonal matrix by implicit-shift QR iteration, in plain JavaScript: the
 * algorithm of LAPACK's dbdsqr (Demmel and Kahan, "Accurate singular values of bidiagonal matrices",
 * SIAM J. Sci. Stat. Comput. 11(5), 1990), with the zero-shift sweep that keeps small singular values
 * to high relative accuracy, chasing in whichever direction the matrix is graded, and an iteration
 * limit so that it always terminates.
 *
 * B = Ub S Vb^T. The rotations from the right update the rows of `vt` (Vb^T times what it held) and
 * those from the left the rows of `ut` (Ub^T times what it held): both are row rotations, contiguous
 * in row-major storage. The assembly/svd/bdsqr.ts kernel is a line-by-line twin of this file.
 */

const EPS = 2 ** -53;
const SAFE_MIN = 2.2250738585072014e-308;
/** Sweeps allowed per singular value, on average, before giving up (LAPACK's MAXITR). */
const MAX_SWEEPS_PER_VALUE = 6;

/** Plane rotation [c s; -s c] with c f + s g = r and -s f + c g = 0 (LAPACK's dlartg). */
export interface Rotation {
  c: number;
  s: number;
  r: number;
}

function sign(magnitude: number, of: number): number {
  return of >= 0 && !Object.is(of, -0) ? Math.abs(magnitude) : -Math.abs(magnitude);
}

/** Computes a plane rotation with c f + s g = r, c >= 0 for f != 0 (LAPACK 3.10's dlartg). */
export function rotation(f: number, g: number, out: Rotation): void {
  if (g === 0) {
    out.c = 1;
    out.s = 0;
    out.r = f;
  } else if (f === 0) {
    out.c = 0;
    out.s = sign(1, g);
    out.r = Math.abs(g);
  } else {
    const scale = Math.max(Math.abs(f), Math.abs(g));
    const fs = f / scale;
    const gs = g / scale;
    const d = Math.sqrt(fs * fs + gs * gs);
    out.c = Math.abs(fs) / d;
    const r = sign(d, f);
    out.s = gs / r;
    out.r = r * scale;
  }
}

/** Rotates rows x and y of length `count`: x' = c x + s y, y' = c y - s x. */
function rotateRows(data: Float64Array, x: number, y: number, count: number, c: number, s: number): void {
  for (let j = 0; j < count; j++) {
    const xj = data[x + j]!;
    const yj = data[y + j]!;
    data[x + j] = c * xj + s * yj;
    data[y + j] = c * yj - s * xj;
  }
}

/** Singular values of [f g; 0 h]: returns the smaller, and stores the larger in out[0] (LAPACK's dlas2). */
function singularValues2x2(f: number, g: number, h: number, out: Float64Array): number {
  const fa = Math.abs(f);
  const ga = Math.abs(g);
  const ha = Math.abs(h);
  const fhmin = Math.min(fa, ha);
  const fhmax = Math.max(fa, ha);
  if (fhmin === 0) {
    out[0] = fhmax === 0 ? ga : Math.max(fhmax, ga) * Math.sqrt(1 + (Math.min(fhmax, ga) / Math.max(fhmax, ga)) ** 2);
    return 0;
  }
  if (ga < fhmax) {
    const as = 1 + fhmin / fhmax;
    const at = (fhmax - fhmin) / fhmax;
    const au = (ga / fhmax) ** 2;
    const c = 2 / (Math.sqrt(as * as + au) + Math.sqrt(at * at + au));
    out[0] = fhmax / c;
    return fhmin * c;
  }
  const au = fhmax / ga;
  if (au === 0) {
    out[0] = ga;
    return (fhmin * fhmax) / ga;
  }
  const as = 1 + fhmin / fhmax;
  const at = (fhmax - fhmin) / fhmax;
  const c = 1 / (Math.sqrt(1 + (as * au) ** 2) + Math.sqrt(1 + (at * au) ** 2));
  out[0] = ga / (c + c);
  return 2 * (fhmin * c) * au;
}

/** The SVD of [f g; 0 h] (LAPACK's dlasv2): out = [ssmin, ssmax, snr, csr, snl, csl]. */
function svd2x2(f: number, g: number, h: number, out: Float64Array): void {
  let ft = f;
  let fa = Math.abs(ft);
  let ht = h;
  let ha = Math.abs(h);
  let pmax = 1;
  const swap = ha > fa;
  if (swap) {
    pmax = 3;
    [ft, ht] = [ht, ft];
    [fa, ha] = [ha, fa];
  }
  const gt = g;
  const ga = Math.abs(gt);
  let clt = 1;
  let crt = 1;
  let slt = 0;
  let srt = 0;
  let ssmin = ha;
  let ssmax = fa;
  if (ga !== 0) {
    let gaSmall = true;
    if (ga > fa) {
      pmax = 2;
      if (fa / ga < EPS) {
        // A very large off-diagonal entry.
        gaSmall = false;
        ssmax = ga;
        ssmin = ha > 1 ? fa / (ga / ha) : (fa / ga) * ha;
        clt = 1;
        slt = ht / gt;
        srt = 1;
        crt = ft / gt;
      }
    }
    if (gaSmall) {
      const dd = fa - ha;
      let l = dd === fa ? 1 : dd / fa;
      const m = gt / ft;
      let t = 2 - l;
      const mm = m * m;
      const tt = t * t;
      const s = Math.sqrt(tt + mm);
      const r = l === 0 ? Math.abs(m) : Math.sqrt(l * l + mm);
      const a = 0.5 * (s + r);
      ssmin = ha / a;
      ssmax = fa * a;
      if (mm === 0) {
        t = l === 0 ? sign(2, ft) * sign(1, gt) : gt / sign(dd, ft) + m / t;
      } else {
        t = (m / (s + t) + m / (r + l)) * (1 + a);
      }
      l = Math.sqrt(t * t + 4);
      crt = 2 / l;
      srt = t / l;
      clt = (crt + srt * m) / a;
      slt = ((ht / ft) * srt) / a;
    }
  }
  let csl: number, snl: number, csr: number, snr: number;
  if (swap) {
    csl = srt;
    snl = crt;
    csr = slt;
    snr = clt;
  } else {
    csl = clt;
    snl = slt;
    csr = crt;
    snr = srt;
  }

  // Give the singular values the signs that make the rotations exact.
  let tsign: number;
  if (pmax === 1) tsign = sign(1, csr) * sign(1, csl) * sign(1, f);
  else if (pmax === 2) tsign = sign(1, snr) * sign(1, csl) * sign(1, g);
  else tsign = sign(1, snr) * sign(1, snl) * sign(1, h);
  out[0] = sign(ssmin, tsign * sign(1, f) * sign(1, h));
  out[1] = sign(ssmax, tsign);
  out[2] = snr;
  out[3] = csr;
  out[4] = snl;
  out[5] = csl;
}

/**
 * Applies the rotations (c[i], s[i]) to row pairs (first + i, first + i + 1) of a matrix with
 * `count` columns, for i = 0..pairs-1, in order (forward) or from the last pair back (backward).
 */
function applyRotations(forward: boolean, pairs: number, c: Float64Array, s: Float64Array, data: Float64Array, offset: number, ld: number, first: number, count: number): void {
  if (count === 0) return;
  if (forward) {
    for (let i = 0; i < pairs; i++) {
      if (c[i] !== 1 || s[i] !== 0) rotateRows(data, offset + (first + i) * ld, offset + (first + i + 1) * ld, count, c[i]!, s[i]!);
    }
  } else {
    for (let i = pairs - 1; i >= 0; i--) {
      if (c[i] !== 1 || s[i] !== 0) rotateRows(data, offset + (first + i) * ld, offset + (first + i + 1) * ld, count, c[i]!, s[i]!);
    }
  }
}

/** Row-major matrices whose rows the bidiagonal SVD rotates (`cols` 0 when not wanted). */
export interface RotatedRows {
  data: Float64Array;
  offset: number;
  ld: number;
  cols: number;
}

/**
 * Computes the singular values of the n x n upper bidiagonal B (diagonal d, superdiagonal e), in
 * place in d, sorted in decreasing order and non-negative; e is destroyed. The rows of `vt` are
 * replaced by Vb^T vt and those of `ut` by Ub^T ut. Returns 0, or the number of superdiagonal entries
 * that had not converged when the iteration limit (6 n^2 inner steps) was reached.
 * `work` holds 4 (n - 1) entries.
 */
export function bidiagonalSvd(n: number, d: Float64Array, e: Float64Array, vt: RotatedRows, ut: RotatedRows, work: Float64Array): number {
  if (n === 0) return 0;
  const tolerance = Math.max(10, Math.min(100, EPS ** -0.125)) * EPS;
  const rot: Rotation = { c: 0, s: 0, r: 0 };
  const pair = new Float64Array(6);
  const cr = work.subarray(0, n);
  const sr = work.subarray(n, 2 * n);
  const cl = work.subarray(2 * n, 3 * n);
  const sl = work.subarray(3 * n, 4 * n);

  if (n > 1) {
    // Threshold for negligible superdiagonal entries, relative to a lower bound on the smallest value.
    let smax = 0;
    for (let i = 0; i < n; i++) smax = Math.max(smax, Math.abs(d[i]!));
    for (let i = 0; i < n - 1; i++) smax = Math.max(smax, Math.abs(e[i]!));
    let sminoa = 0;
    if (smax > 0) {
      let mu = Math.abs(d[0]!);
      sminoa = mu;
      for (let i = 1; i < n && sminoa !== 0; i++) {
        mu = Math.abs(d[i]!) * (mu / (mu + Math.abs(e[i - 1]!)));
        sminoa = Math.min(sminoa, mu);
      }
      sminoa /= Math.sqrt(n);
    }
    const threshold = Math.max(tolerance * sminoa, MAX_SWEEPS_PER_VALUE * n * n * SAFE_MIN);
    const maxSteps = MAX_SWEEPS_PER_VALUE * n * n;
    let steps = 0;
    let oldLow = -1;
    let oldHigh = -1;
    let direction = 0;
    let high = n - 1;

    while (high > 0) {
      if (steps > maxSteps) {
        let unconverged = 0;
        for (let i = 0; i < n - 1; i++) if (e[i] !== 0) unconverged++;
        return unconverged;
      }

      // Find the unreduced block low..high: the first negligible superdiagonal above high.
      let low = 0;
      let blockMax = Math.abs(d[high]!);
      for (let i = high - 1; i >= 0; i--) {
        const abse = Math.abs(e[i]!);
        if (abse <= threshold) {
          e[i] = 0;
          low = i + 1;
          break;
        }
        blockMax = Math.max(blockMax, Math.abs(d[i]!), abse);
      }
      if (low === high) {
        high--;
        continue;
      }

      // A 2x2 block: solve it directly.
      if (low === high - 1) {
        svd2x2(d[high - 1]!, e[high - 1]!, d[high]!, pair);
        d[high - 1] = pair[1]!;
        e[high - 1] = 0;
        d[high] = pair[0]!;
        if (vt.cols > 0) rotateRows(vt.data, vt.offset + (high - 1) * vt.ld, vt.offset + high * vt.ld, vt.cols, pair[3]!, pair[2]!);
        if (ut.cols > 0) rotateRows(ut.data, ut.offset + (high - 1) * ut.ld, ut.offset + high * ut.ld, ut.cols, pair[5]!, pair[4]!);
        high -= 2;
        continue;
      }

      // A new block: chase the bulge from the larger end of the diagonal towards the smaller.
      if (low > oldHigh || high < oldLow) direction = Math.abs(d[low]!) >= Math.abs(d[high]!) ? 1 : 2;

      // Convergence tests, with a running lower bound sminl on the block's smallest singular value.
      let sminl = 0;
      let split = false;
      if (direction === 1) {
        if (Math.abs(e[high - 1]!) <= tolerance * Math.abs(d[high]!)) {
          e[high - 1] = 0;
          continue;
        }
        let mu = Math.abs(d[low]!);
        sminl = mu;
        for (let i = low; i < high; i++) {
          if (Math.abs(e[i]!) <= tolerance * mu) {
            e[i] = 0;
            split = true;
            break;
          }
          mu = Math.abs(d[i + 1]!) * (mu / (mu + Math.abs(e[i]!)));
          sminl = Math.min(sminl, mu);
        }
      } else {
        if (Math.abs(e[low]!) <= tolerance * Math.abs(d[low]!)) {
          e[low] = 0;
          continue;
        }
        let mu = Math.abs(d[high]!);
        sminl = mu;
        for (let i = high - 1; i >= low; i--) {
          if (Math.abs(e[i]!) <= tolerance * mu) {
            e[i] = 0;
            split = true;
            break;
          }
          mu = Math.abs(d[i]!) * (mu / (mu + Math.abs(e[i]!)));
          sminl = Math.min(sminl, mu);
        }
      }
      if (split) continue;
      oldLow = low;
      oldHigh = high;

      // The shift: zero when it would spoil the relative accuracy of the smallest value, otherwise
      // the smaller singular value of the trailing (or leading) 2x2 block.
      let shift = 0;
      if (n * tolerance * (sminl / blockMax) > Math.max(EPS, 0.01 * tolerance)) {
        let edge: number;
        if (direction === 1) {
          edge = Math.abs(d[low]!);
          shift = singularValues2x2(d[high - 1]!, e[high - 1]!, d[high]!, pair);
        } else {
          edge = Math.abs(d[high]!);
          shift = singularValues2x2(d[low]!, e[low]!, d[low + 1]!, pair);
        }
        if (edge > 0 && (shift / edge) ** 2 < EPS) shift = 0;
      }
      steps += high - low;
      const pairs = high - low;

      if (shift === 0) {
        if (direction === 1) {
          // Zero-shift sweep, top to bottom.
          let cs = 1;
          let oldcs = 1;
          let oldsn = 0;
          for (let i = low; i < high; i++) {
            rotation(d[i]! * cs, e[i]!, rot);
            cs = rot.c;
            const sn = rot.s;
            const r = rot.r;
            if (i > low) e[i - 1] = oldsn * r;
            rotation(oldcs * r, d[i + 1]! * sn, rot);
            oldcs = rot.c;
            oldsn = rot.s;
            d[i] = rot.r;
            cr[i - low] = cs;
            sr[i - low] = sn;
            cl[i - low] = oldcs;
            sl[i - low] = oldsn;
          }
          const h = d[high]! * cs;
          d[high] = h * oldcs;
          e[high - 1] = h * oldsn;
          applyRotations(true, pairs, cr, sr, vt.data, vt.offset, vt.ld, low, vt.cols);
          applyRotations(true, pairs, cl, sl, ut.data, ut.offset, ut.ld, low, ut.cols);
          if (Math.abs(e[high - 1]!) <= threshold) e[high - 1] = 0;
        } else {
          // Zero-shift sweep, bottom to top.
          let cs = 1;
          let oldcs = 1;
          let oldsn = 0;
          for (let i = high; i > low; i--) {
            rotation(d[i]! * cs, e[i - 1]!, rot);
            cs = rot.c;
            const sn = rot.s;
            const r = rot.r;
            if (i < high) e[i] = oldsn * r;
            rotation(oldcs * r, d[i - 1]! * sn, rot);
            oldcs = rot.c;
            oldsn = rot.s;
            d[i] = rot.r;
            cr[i - low - 1] = cs;
            sr[i - low - 1] = -sn;
            cl[i - low - 1] = oldcs;
            sl[i - low - 1] = -oldsn;
          }
          const h = d[low]! * cs;
          d[low] = h * oldcs;
          e[low] = h * oldsn;
          applyRotations(false, pairs, cl, sl, vt.data, vt.offset, vt.ld, low, vt.cols);
          applyRotations(false, pairs, cr, sr, ut.data, ut.offset, ut.ld, low, ut.cols);
          if (Math.abs(e[low]!) <= threshold) e[low] = 0;
        }
      } else if (direction === 1) {
        // Shifted sweep, top to bottom.
        let f = (Math.abs(d[low]!) - shift) * (sign(1, d[low]!) + shift / d[low]!);
        let g = e[low]!;
        for (let i = low; i < high; i++) {
          rotation(f, g, rot);
          const cosr = rot.c;
          const sinr = rot.s;
          if (i > low) e[i - 1] = rot.r;
          f = cosr * d[i]! + sinr * e[i]!;
          e[i] = cosr * e[i]! - sinr * d[i]!;
          g = sinr * d[i + 1]!;
          d[i + 1] = cosr * d[i + 1]!;
          rotation(f, g, rot);
          const cosl = rot.c;
          const sinl = rot.s;
          d[i] = rot.r;
          f = cosl * e[i]! + sinl * d[i + 1]!;
          d[i + 1] = cosl * d[i + 1]! - sinl * e[i]!;
          if (i < high - 1) {
            g = sinl * e[i + 1]!;
            e[i + 1] = cosl * e[i + 1]!;
          }
          cr[i - low] = cosr;
          sr[i - low] = sinr;
          cl[i - low] = cosl;
          sl[i - low] = sinl;
        }
        e[high - 1] = f;
        applyRotations(true, pairs, cr, sr, vt.data, vt.offset, vt.ld, low, vt.cols);
        applyRotations(true, pairs, cl, sl, ut.data, ut.offset, ut.ld, low, ut.cols);
        if (Math.abs(e[high - 1]!) <= threshold) e[high - 1] = 0;
      } else {
        // Shifted sweep, bottom to top.
        let f = (Math.abs(d[high]!) - shift) * (sign(1, d[high]!) + shift / d[high]!);
        let g = e[high - 1]!;
        for (let i = high; i > low; i--) {
          rotation(f, g, rot);
          const cosr = rot.c;
          const sinr = rot.s;
          if (i < high) e[i] = rot.r;
          f = cosr * d[i]! + sinr * e[i - 1]!;
          e[i - 1] = cosr * e[i - 1]! - sinr * d[i]!;
          g = sinr * d[i - 1]!;
          d[i - 1] = cosr * d[i - 1]!;
          rotation(f, g, rot);
          const cosl = rot.c;
          const sinl = rot.s;
          d[i] = rot.r;
          f = cosl * e[i - 1]! + sinl * d[i - 1]!;
          d[i - 1] = cosl * d[i - 1]! - sinl * e[i - 1]!;
          if (i > low + 1) {
            g = sinl * e[i - 2]!;
            e[i - 2] = cosl * e[i - 2]!;
          }
          cr[i - low - 1] = cosr;
          sr[i - low - 1] = -sinr;
          cl[i - low - 1] = cosl;
          sl[i - low - 1] = -sinl;
        }
        e[low] = f;
        if (Math.abs(e[low]!) <= threshold) e[low] = 0;
        applyRotations(false, pairs, cl, sl, vt.data, vt.offset, vt.ld, low, vt.cols);
        applyRotations(false, pairs, cr, sr, ut.data, ut.offset, ut.ld, low, ut.cols);
      }
    }
  }

  // Make the values non-negative (flipping the matching row of vt), then sort them decreasing.
  for (let i = 0; i < n; i++) {
    if (d[i]! < 0) {
      d[i] = -d[i]!;
      const row = vt.offset + i * vt.ld;
      for (let j = 0; j < vt.cols; j++) vt.data[row + j] = -vt.data[row + j]!;
    }
  }
  for (let i = 0; i < n - 1; i++) {
    let largest = i;
    for (let j = i + 1; j < n; j++) if (d[j]! > d[largest]!) largest = j;
    if (largest !== i) {
      [d[i], d[largest]] = [d[largest]!, d[i]!];
      swapRows(vt, i, largest);
      swapRows(ut, i, largest);
    }
  }
  return 0;
}

function swapRows(m: RotatedRows, x: number, y: number): void {
  const rx = m.offset + x * m.ld;
  const ry = m.offset + y * m.ld;
  for (let j = 0; j < m.cols; j++) {
    const t = m.data[rx + j]!;
    m.data[rx + j] = m.data[ry + j]!;
    m.data[ry + j] = t;
  }
}

// The SVD of an upper bidiagonal matrix by implicit-shift QR iteration: the algorithm of LAPACK's
// dbdsqr (Demmel and Kahan, "Accurate singular values of bidiagonal matrices", SIAM J. Sci. Stat.
// Comput. 11(5), 1990), with the zero-shift sweep that keeps small singular values to high relative
// accuracy, chasing in whichever direction the matrix is graded, and a limit of 6 n^2 inner steps so
// that it always terminates. The twin of src/baseline/bdsqr.ts, line for line.
//
// B = Ub S Vb^T. Rotations from the right update the rows of `vt` (Vb^T times what it held), those
// from the left the rows of `ut` (Ub^T times what it held): both are row rotations, contiguous in
// row-major storage.
import { rotate, epsilonOf, safeMinOf } from "./vector";

// @ts-ignore: decorator
@inline const MAX_SWEEPS_PER_VALUE: i32 = 6;

// Results of rotation() and svd2x2(), as globals because a function returns one value.
let rotationC: f64 = 0;
let rotationS: f64 = 0;
let rotationR: f64 = 0;
let pairMin: f64 = 0;
let pairMax: f64 = 0;
let pairSnr: f64 = 0;
let pairCsr: f64 = 0;
let pairSnl: f64 = 0;
let pairCsl: f64 = 0;

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
@inline function sign<T>(magnitude: T, source: T): T {
  return copysign<T>(magnitude, source);
}

/** Plane rotation with c f + s g = r and -s f + c g = 0 (LAPACK 3.10's dlartg), into rotationC/S/R. */
function rotation<T>(f: T, g: T): void {
  if (g == <T>0) {
    rotationC = 1;
    rotationS = 0;
    rotationR = <f64>f;
  } else if (f == <T>0) {
    rotationC = 0;
    rotationS = <f64>sign<T>(<T>1, g);
    rotationR = <f64>abs<T>(g);
  } else {
    const scale = max<T>(abs<T>(f), abs<T>(g));
    const fs = f / scale;
    const gs = g / scale;
    const d = sqrt<T>(fs * fs + gs * gs);
    rotationC = <f64>(abs<T>(fs) / d);
    const r = sign<T>(d, f);
    rotationS = <f64>(gs / r);
    rotationR = <f64>(r * scale);
  }
}

/** The smaller singular value of [f g; 0 h] (LAPACK's dlas2); the larger goes to pairMax. */
function singularValues2x2<T>(f: T, g: T, h: T): T {
  const fa = abs<T>(f);
  const ga = abs<T>(g);
  const ha = abs<T>(h);
  const fhmin = min<T>(fa, ha);
  const fhmax = max<T>(fa, ha);
  if (fhmin == <T>0) {
    if (fhmax == <T>0) {
      pairMax = <f64>ga;
    } else {
      const ratio = min<T>(fhmax, ga) / max<T>(fhmax, ga);
      pairMax = <f64>(max<T>(fhmax, ga) * sqrt<T>(<T>1 + ratio * ratio));
    }
    return <T>0;
  }
  if (ga < fhmax) {
    const as = <T>1 + fhmin / fhmax;
    const at = (fhmax - fhmin) / fhmax;
    const ratio = ga / fhmax;
    const au = ratio * ratio;
    const c = <T>2 / (sqrt<T>(as * as + au) + sqrt<T>(at * at + au));
    pairMax = <f64>(fhmax / c);
    return fhmin * c;
  }
  const au = fhmax / ga;
  if (au == <T>0) {
    pairMax = <f64>ga;
    return (fhmin * fhmax) / ga;
  }
  const as = <T>1 + fhmin / fhmax;
  const at = (fhmax - fhmin) / fhmax;
  const c = <T>1 / (sqrt<T>(<T>1 + as * au * (as * au)) + sqrt<T>(<T>1 + at * au * (at * au)));
  pairMax = <f64>(ga / (c + c));
  return <T>2 * (fhmin * c) * au;
}

/** The SVD of [f g; 0 h] (LAPACK's dlasv2), into pairMin, pairMax and the rotations. */
function svd2x2<T>(f: T, g: T, h: T): void {
  let ft = f;
  let fa = abs<T>(ft);
  let ht = h;
  let ha = abs<T>(h);
  let pmax = 1;
  const swap = ha > fa;
  if (swap) {
    pmax = 3;
    let t = ft;
    ft = ht;
    ht = t;
    t = fa;
    fa = ha;
    ha = t;
  }
  const gt = g;
  const ga = abs<T>(gt);
  let clt: T = <T>1;
  let crt: T = <T>1;
  let slt: T = <T>0;
  let srt: T = <T>0;
  let ssmin = ha;
  let ssmax = fa;
  if (ga != <T>0) {
    let gaSmall = true;
    if (ga > fa) {
      pmax = 2;
      if (fa / ga < epsilonOf<T>()) {
        // A very large off-diagonal entry.
        gaSmall = false;
        ssmax = ga;
        ssmin = ha > <T>1 ? fa / (ga / ha) : (fa / ga) * ha;
        clt = <T>1;
        slt = ht / gt;
        srt = <T>1;
        crt = ft / gt;
      }
    }
    if (gaSmall) {
      const dd = fa - ha;
      let l: T = dd == fa ? <T>1 : dd / fa;
      const m = gt / ft;
      let t = <T>2 - l;
      const mm = m * m;
      const tt = t * t;
      const s = sqrt<T>(tt + mm);
      const r = l == <T>0 ? abs<T>(m) : sqrt<T>(l * l + mm);
      const a = <T>0.5 * (s + r);
      ssmin = ha / a;
      ssmax = fa * a;
      if (mm == <T>0) {
        t = l == <T>0 ? sign<T>(<T>2, ft) * sign<T>(<T>1, gt) : gt / sign<T>(dd, ft) + m / t;
      } else {
        t = (m / (s + t) + m / (r + l)) * (<T>1 + a);
      }
      l = sqrt<T>(t * t + <T>4);
      crt = <T>2 / l;
      srt = t / l;
      clt = (crt + srt * m) / a;
      slt = ((ht / ft) * srt) / a;
    }
  }
  let csl: T, snl: T, csr: T, snr: T;
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
  let tsign: T;
  if (pmax == 1) tsign = sign<T>(<T>1, csr) * sign<T>(<T>1, csl) * sign<T>(<T>1, f);
  else if (pmax == 2) tsign = sign<T>(<T>1, snr) * sign<T>(<T>1, csl) * sign<T>(<T>1, g);
  else tsign = sign<T>(<T>1, snr) * sign<T>(<T>1, snl) * sign<T>(<T>1, h);
  pairMin = <f64>sign<T>(ssmin, tsign * sign<T>(<T>1, f) * sign<T>(<T>1, h));
  pairMax = <f64>sign<T>(ssmax, tsign);
  pairSnr = <f64>snr;
  pairCsr = <f64>csr;
  pairSnl = <f64>snl;
  pairCsl = <f64>csl;
}

/**
 * Applies the rotations (c[i], s[i]) to row pairs (first + i, first + i + 1) of a matrix with `cols`
 * columns, for i < pairs, in order (forward) or from the last pair back.
 */
function applyRotations<T>(forward: bool, pairs: i32, c: usize, s: usize, data: usize, ld: i32, first: i32, cols: i32): void {
  if (cols == 0) return;
  for (let step = 0; step < pairs; step++) {
    const i = forward ? step : pairs - 1 - step;
    const ci = get<T>(c, i);
    const si = get<T>(s, i);
    if (ci != <T>1 || si != <T>0) rotate<T>(cols, ci, si, at<T>(data, (first + i) * ld), at<T>(data, (first + i + 1) * ld));
  }
}

function swapRows<T>(data: usize, ld: i32, cols: i32, x: i32, y: i32): void {
  const rx = at<T>(data, x * ld);
  const ry = at<T>(data, y * ld);
  for (let j = 0; j < cols; j++) {
    const t = get<T>(rx, j);
    set<T>(rx, j, get<T>(ry, j));
    set<T>(ry, j, t);
  }
}

/**
 * Computes the singular values of the n x n upper bidiagonal B (diagonal d, superdiagonal e) in place
 * in d, non-negative and decreasing; e is destroyed. Rows of vt (n x vtCols, leading dimension ldvt)
 * become Vb^T vt and rows of ut (n x utCols) Ub^T ut; a zero column count skips that matrix.
 * Returns 0, or the number of superdiagonal entries not yet negligible when the limit was reached.
 * `work` holds 4 n entries of T.
 */
export function bidiagonalSvd<T>(n: i32, d: usize, e: usize, vt: usize, ldvt: i32, vtCols: i32, ut: usize, ldut: i32, utCols: i32, work: usize): i32 {
  if (n == 0) return 0;
  const eps = epsilonOf<T>();
  const tolerance: T = <T>(max<f64>(10, min<f64>(100, Math.pow(<f64>eps, -0.125))) * <f64>eps);
  const cr = work;
  const sr = at<T>(work, n);
  const cl = at<T>(work, 2 * n);
  const sl = at<T>(work, 3 * n);

  if (n > 1) {
    // Threshold for negligible superdiagonal entries, relative to a lower bound on the smallest value.
    let smax: T = <T>0;
    for (let i = 0; i < n; i++) smax = max<T>(smax, abs<T>(get<T>(d, i)));
    for (let i = 0; i < n - 1; i++) smax = max<T>(smax, abs<T>(get<T>(e, i)));
    let sminoa: T = <T>0;
    if (smax > <T>0) {
      let mu = abs<T>(get<T>(d, 0));
      sminoa = mu;
      for (let i = 1; i < n && sminoa != <T>0; i++) {
        mu = abs<T>(get<T>(d, i)) * (mu / (mu + abs<T>(get<T>(e, i - 1))));
        sminoa = min<T>(sminoa, mu);
      }
      sminoa /= sqrt<T>(<T>n);
    }
    const threshold: T = max<T>(tolerance * sminoa, <T>MAX_SWEEPS_PER_VALUE * <T>n * <T>n * safeMinOf<T>());
    const maxSteps: f64 = <f64>MAX_SWEEPS_PER_VALUE * <f64>n * <f64>n;
    let steps: f64 = 0;
    let oldLow = -1;
    let oldHigh = -1;
    let direction = 0;
    let high = n - 1;

    while (high > 0) {
      if (steps > maxSteps) {
        let unconverged = 0;
        for (let i = 0; i < n - 1; i++) if (get<T>(e, i) != <T>0) unconverged++;
        return unconverged;
      }

      // Find the unreduced block low..high: the first negligible superdiagonal above high.
      let low = 0;
      let blockMax = abs<T>(get<T>(d, high));
      for (let i = high - 1; i >= 0; i--) {
        const abse = abs<T>(get<T>(e, i));
        if (abse <= threshold) {
          set<T>(e, i, <T>0);
          low = i + 1;
          break;
        }
        blockMax = max<T>(blockMax, max<T>(abs<T>(get<T>(d, i)), abse));
      }
      if (low == high) {
        high--;
        continue;
      }

      // A 2x2 block: solve it directly.
      if (low == high - 1) {
        svd2x2<T>(get<T>(d, high - 1), get<T>(e, high - 1), get<T>(d, high));
        set<T>(d, high - 1, <T>pairMax);
        set<T>(e, high - 1, <T>0);
        set<T>(d, high, <T>pairMin);
        if (vtCols > 0) rotate<T>(vtCols, <T>pairCsr, <T>pairSnr, at<T>(vt, (high - 1) * ldvt), at<T>(vt, high * ldvt));
        if (utCols > 0) rotate<T>(utCols, <T>pairCsl, <T>pairSnl, at<T>(ut, (high - 1) * ldut), at<T>(ut, high * ldut));
        high -= 2;
        continue;
      }

      // A new block: chase the bulge from the larger end of the diagonal towards the smaller.
      if (low > oldHigh || high < oldLow) direction = abs<T>(get<T>(d, low)) >= abs<T>(get<T>(d, high)) ? 1 : 2;

      // Convergence tests, with a running lower bound sminl on the block's smallest singular value.
      let sminl: T = <T>0;
      let split = false;
      if (direction == 1) {
        if (abs<T>(get<T>(e, high - 1)) <= tolerance * abs<T>(get<T>(d, high))) {
          set<T>(e, high - 1, <T>0);
          continue;
        }
        let mu = abs<T>(get<T>(d, low));
        sminl = mu;
        for (let i = low; i < high; i++) {
          if (abs<T>(get<T>(e, i)) <= tolerance * mu) {
            set<T>(e, i, <T>0);
            split = true;
            break;
          }
          mu = abs<T>(get<T>(d, i + 1)) * (mu / (mu + abs<T>(get<T>(e, i))));
          sminl = min<T>(sminl, mu);
        }
      } else {
        if (abs<T>(get<T>(e, low)) <= tolerance * abs<T>(get<T>(d, low))) {
          set<T>(e, low, <T>0);
          continue;
        }
        let mu = abs<T>(get<T>(d, high));
        sminl = mu;
        for (let i = high - 1; i >= low; i--) {
          if (abs<T>(get<T>(e, i)) <= tolerance * mu) {
            set<T>(e, i, <T>0);
            split = true;
            break;
          }
          mu = abs<T>(get<T>(d, i)) * (mu / (mu + abs<T>(get<T>(e, i))));
          sminl = min<T>(sminl, mu);
        }
      }
      if (split) continue;
      oldLow = low;
      oldHigh = high;

      // The shift: zero when it would spoil the relative accuracy of the smallest value, otherwise
      // the smaller singular value of the trailing (or leading) 2x2 block.
      let shift: T = <T>0;
      if (<T>n * tolerance * (sminl / blockMax) > max<T>(eps, <T>0.01 * tolerance)) {
        let edge: T;
        if (direction == 1) {
          edge = abs<T>(get<T>(d, low));
          shift = singularValues2x2<T>(get<T>(d, high - 1), get<T>(e, high - 1), get<T>(d, high));
        } else {
          edge = abs<T>(get<T>(d, high));
          shift = singularValues2x2<T>(get<T>(d, low), get<T>(e, low), get<T>(d, low + 1));
        }
        if (edge > <T>0 && (shift / edge) * (shift / edge) < eps) shift = <T>0;
      }
      steps += <f64>(high - low);
      const pairs = high - low;

      if (shift == <T>0) {
        if (direction == 1) {
          // Zero-shift sweep, top to bottom.
          let cs: T = <T>1;
          let oldcs: T = <T>1;
          let oldsn: T = <T>0;
          for (let i = low; i < high; i++) {
            rotation<T>(get<T>(d, i) * cs, get<T>(e, i));
            cs = <T>rotationC;
            const sn = <T>rotationS;
            const r = <T>rotationR;
            if (i > low) set<T>(e, i - 1, oldsn * r);
            rotation<T>(oldcs * r, get<T>(d, i + 1) * sn);
            oldcs = <T>rotationC;
            oldsn = <T>rotationS;
            set<T>(d, i, <T>rotationR);
            set<T>(cr, i - low, cs);
            set<T>(sr, i - low, sn);
            set<T>(cl, i - low, oldcs);
            set<T>(sl, i - low, oldsn);
          }
          const h = get<T>(d, high) * cs;
          set<T>(d, high, h * oldcs);
          set<T>(e, high - 1, h * oldsn);
          applyRotations<T>(true, pairs, cr, sr, vt, ldvt, low, vtCols);
          applyRotations<T>(true, pairs, cl, sl, ut, ldut, low, utCols);
          if (abs<T>(get<T>(e, high - 1)) <= threshold) set<T>(e, high - 1, <T>0);
        } else {
          // Zero-shift sweep, bottom to top.
          let cs: T = <T>1;
          let oldcs: T = <T>1;
          let oldsn: T = <T>0;
          for (let i = high; i > low; i--) {
            rotation<T>(get<T>(d, i) * cs, get<T>(e, i - 1));
            cs = <T>rotationC;
            const sn = <T>rotationS;
            const r = <T>rotationR;
            if (i < high) set<T>(e, i, oldsn * r);
            rotation<T>(oldcs * r, get<T>(d, i - 1) * sn);
            oldcs = <T>rotationC;
            oldsn = <T>rotationS;
            set<T>(d, i, <T>rotationR);
            set<T>(cr, i - low - 1, cs);
            set<T>(sr, i - low - 1, -sn);
            set<T>(cl, i - low - 1, oldcs);
            set<T>(sl, i - low - 1, -oldsn);
          }
          const h = get<T>(d, low) * cs;
          set<T>(d, low, h * oldcs);
          set<T>(e, low, h * oldsn);
          applyRotations<T>(false, pairs, cl, sl, vt, ldvt, low, vtCols);
          applyRotations<T>(false, pairs, cr, sr, ut, ldut, low, utCols);
          if (abs<T>(get<T>(e, low)) <= threshold) set<T>(e, low, <T>0);
        }
      } else if (direction == 1) {
        // Shifted sweep, top to bottom.
        const dLow = get<T>(d, low);
        let f: T = (abs<T>(dLow) - shift) * (sign<T>(<T>1, dLow) + shift / dLow);
        let g: T = get<T>(e, low);
        for (let i = low; i < high; i++) {
          rotation<T>(f, g);
          const cosr = <T>rotationC;
          const sinr = <T>rotationS;
          if (i > low) set<T>(e, i - 1, <T>rotationR);
          const di = get<T>(d, i);
          const ei = get<T>(e, i);
          f = cosr * di + sinr * ei;
          set<T>(e, i, cosr * ei - sinr * di);
          const dNext = get<T>(d, i + 1);
          g = sinr * dNext;
          set<T>(d, i + 1, cosr * dNext);
          rotation<T>(f, g);
          const cosl = <T>rotationC;
          const sinl = <T>rotationS;
          set<T>(d, i, <T>rotationR);
          const ei2 = get<T>(e, i);
          const dNext2 = get<T>(d, i + 1);
          f = cosl * ei2 + sinl * dNext2;
          set<T>(d, i + 1, cosl * dNext2 - sinl * ei2);
          if (i < high - 1) {
            const eNext = get<T>(e, i + 1);
            g = sinl * eNext;
            set<T>(e, i + 1, cosl * eNext);
          }
          set<T>(cr, i - low, cosr);
          set<T>(sr, i - low, sinr);
          set<T>(cl, i - low, cosl);
          set<T>(sl, i - low, sinl);
        }
        set<T>(e, high - 1, f);
        applyRotations<T>(true, pairs, cr, sr, vt, ldvt, low, vtCols);
        applyRotations<T>(true, pairs, cl, sl, ut, ldut, low, utCols);
        if (abs<T>(get<T>(e, high - 1)) <= threshold) set<T>(e, high - 1, <T>0);
      } else {
        // Shifted sweep, bottom to top.
        const dHigh = get<T>(d, high);
        let f: T = (abs<T>(dHigh) - shift) * (sign<T>(<T>1, dHigh) + shift / dHigh);
        let g: T = get<T>(e, high - 1);
        for (let i = high; i > low; i--) {
          rotation<T>(f, g);
          const cosr = <T>rotationC;
          const sinr = <T>rotationS;
          if (i < high) set<T>(e, i, <T>rotationR);
          const di = get<T>(d, i);
          const ePrev = get<T>(e, i - 1);
          f = cosr * di + sinr * ePrev;
          set<T>(e, i - 1, cosr * ePrev - sinr * di);
          const dPrev = get<T>(d, i - 1);
          g = sinr * dPrev;
          set<T>(d, i - 1, cosr * dPrev);
          rotation<T>(f, g);
          const cosl = <T>rotationC;
          const sinl = <T>rotationS;
          set<T>(d, i, <T>rotationR);
          const ePrev2 = get<T>(e, i - 1);
          const dPrev2 = get<T>(d, i - 1);
          f = cosl * ePrev2 + sinl * dPrev2;
          set<T>(d, i - 1, cosl * dPrev2 - sinl * ePrev2);
          if (i > low + 1) {
            const eBefore = get<T>(e, i - 2);
            g = sinl * eBefore;
            set<T>(e, i - 2, cosl * eBefore);
          }
          set<T>(cr, i - low - 1, cosr);
          set<T>(sr, i - low - 1, -sinr);
          set<T>(cl, i - low - 1, cosl);
          set<T>(sl, i - low - 1, -sinl);
        }
        set<T>(e, low, f);
        if (abs<T>(get<T>(e, low)) <= threshold) set<T>(e, low, <T>0);
        applyRotations<T>(false, pairs, cl, sl, vt, ldvt, low, vtCols);
        applyRotations<T>(false, pairs, cr, sr, ut, ldut, low, utCols);
      }
    }
  }

  // Make the values non-negative (flipping the matching row of vt), then sort them decreasing.
  for (let i = 0; i < n; i++) {
    const di = get<T>(d, i);
    if (di < <T>0) {
      set<T>(d, i, -di);
      const row = at<T>(vt, i * ldvt);
      for (let j = 0; j < vtCols; j++) set<T>(row, j, -get<T>(row, j));
    }
  }
  for (let i = 0; i < n - 1; i++) {
    let largest = i;
    for (let j = i + 1; j < n; j++) if (get<T>(d, j) > get<T>(d, largest)) largest = j;
    if (largest != i) {
      const t = get<T>(d, i);
      set<T>(d, i, get<T>(d, largest));
      set<T>(d, largest, t);
      swapRows<T>(vt, ldvt, vtCols, i, largest);
      swapRows<T>(ut, ldut, utCols, i, largest);
    }
  }
  return 0;
}

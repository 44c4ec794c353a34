// Level-1 loops the SVD kernels run on contiguous rows: axpy, dot and plane rotations, on 128-bit
// vectors in the SIMD builds and element by element in the scalar build. The two variants sum in a
// different order, so their results may differ in the last bits.
//
// Contract: `x` and `y` point at `n` contiguous elements of T (f64 or f32) and do not overlap.

// @ts-ignore: decorator
@inline const VECTOR_BYTES: usize = 16;

/** y[i] += alpha * x[i] for i < n. */
// @ts-ignore: decorator
@inline export function axpy<T>(n: i32, alpha: T, x: usize, y: usize): void {
  const bytes = <usize>n * sizeof<T>();
  let offset: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vectorEnd = bytes & ~(VECTOR_BYTES - 1);
    const alphas = v128.splat<T>(alpha);
    for (; offset < vectorEnd; offset += VECTOR_BYTES) {
      v128.store(y + offset, v128.add<T>(v128.load(y + offset), v128.mul<T>(alphas, v128.load(x + offset))));
    }
  }
  for (; offset < bytes; offset += sizeof<T>()) {
    store<T>(y + offset, load<T>(y + offset) + alpha * load<T>(x + offset));
  }
}

/** Returns the sum of x[i] * y[i] for i < n. */
// @ts-ignore: decorator
@inline export function dot<T>(n: i32, x: usize, y: usize): T {
  const bytes = <usize>n * sizeof<T>();
  let offset: usize = 0;
  let sum: T = <T>0;
  if (ASC_FEATURE_SIMD) {
    const vectorEnd = bytes & ~(VECTOR_BYTES - 1);
    let sums = v128.splat<T>(<T>0);
    for (; offset < vectorEnd; offset += VECTOR_BYTES) {
      sums = v128.add<T>(sums, v128.mul<T>(v128.load(x + offset), v128.load(y + offset)));
    }
    if (sizeof<T>() == 8) {
      sum = <T>(f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1));
    } else {
      sum = <T>(f32x4.extract_lane(sums, 0) + f32x4.extract_lane(sums, 1) + (f32x4.extract_lane(sums, 2) + f32x4.extract_lane(sums, 3)));
    }
  }
  for (; offset < bytes; offset += sizeof<T>()) {
    sum += load<T>(x + offset) * load<T>(y + offset);
  }
  return sum;
}

/** Rotates a pair of rows: x' = c x + s y and y' = c y - s x, element by element. */
// @ts-ignore: decorator
@inline export function rotate<T>(n: i32, c: T, s: T, x: usize, y: usize): void {
  const bytes = <usize>n * sizeof<T>();
  let offset: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vectorEnd = bytes & ~(VECTOR_BYTES - 1);
    const cs = v128.splat<T>(c);
    const ss = v128.splat<T>(s);
    for (; offset < vectorEnd; offset += VECTOR_BYTES) {
      const xv = v128.load(x + offset);
      const yv = v128.load(y + offset);
      v128.store(x + offset, v128.add<T>(v128.mul<T>(cs, xv), v128.mul<T>(ss, yv)));
      v128.store(y + offset, v128.sub<T>(v128.mul<T>(cs, yv), v128.mul<T>(ss, xv)));
    }
  }
  for (; offset < bytes; offset += sizeof<T>()) {
    const xj = load<T>(x + offset);
    const yj = load<T>(y + offset);
    store<T>(x + offset, c * xj + s * yj);
    store<T>(y + offset, c * yj - s * xj);
  }
}

/** x[i] *= alpha for i < n. */
// @ts-ignore: decorator
@inline export function scaleInPlace<T>(n: i32, alpha: T, x: usize): void {
  const bytes = <usize>n * sizeof<T>();
  let offset: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const vectorEnd = bytes & ~(VECTOR_BYTES - 1);
    const alphas = v128.splat<T>(alpha);
    for (; offset < vectorEnd; offset += VECTOR_BYTES) {
      v128.store(x + offset, v128.mul<T>(alphas, v128.load(x + offset)));
    }
  }
  for (; offset < bytes; offset += sizeof<T>()) {
    store<T>(x + offset, alpha * load<T>(x + offset));
  }
}

/** Machine epsilon (unit roundoff) of T: 2^-53 for f64, 2^-24 for f32. */
// @ts-ignore: decorator
@inline export function epsilonOf<T>(): T {
  return sizeof<T>() == 8 ? <T>1.1102230246251565e-16 : <T>5.960464477539063e-8;
}

/** Smallest normal number of T. */
// @ts-ignore: decorator
@inline export function safeMinOf<T>(): T {
  return sizeof<T>() == 8 ? <T>2.2250738585072014e-308 : <T>1.1754943508222875e-38;
}

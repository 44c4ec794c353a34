// Vector arithmetic shared by the matrix kernels.

/** c + a * b on 128-bit vectors: fused (one rounding) in the relaxed-SIMD build, a multiply then an add otherwise. */
// @ts-ignore: decorator
@inline export function multiplyAdd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** The sum of the lanes of `v`, added pairwise. */
// @ts-ignore: decorator
@inline export function sumLanes<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    return (v128.extract_lane<T>(v, 0) + v128.extract_lane<T>(v, 1)) + (v128.extract_lane<T>(v, 2) + v128.extract_lane<T>(v, 3));
  }
  return v128.extract_lane<T>(v, 0) + v128.extract_lane<T>(v, 1);
}

// IEEE binary16 conversions on bit patterns. WebAssembly has no half-precision type, so every kernel
// works on the integer bits: f32 and f64 in, u16 out, and back.
//
// Rules (numpy's, from its halffloat.c): round to nearest, ties to even; gradual underflow to
// subnormals; overflow to infinity from 65520 up; signed zeros and infinities kept; a NaN keeps its sign
// and the top 10 bits of its payload, and becomes 0x7c01 (with its sign) when those bits are all zero, so
// that it stays a NaN. Widening is exact, the payload moving back to the top of the significand, so
// every one of the 65,536 halves survives f16 -> f32 -> f16 unchanged.
//
// The SIMD kernels compute the same bits as the scalar twins below, branch-free, 8 values per step.

// @ts-ignore: decorator
@inline const F32_ABS_MASK: u32 = 0x7fffffff;
// @ts-ignore: decorator
@inline const F32_INFINITY: u32 = 0x7f800000;
/** Smallest f32 that rounds to infinity in f16: 65520. */
// @ts-ignore: decorator
@inline const F32_HALF_OVERFLOW: u32 = 0x477ff000;
/** Smallest normal f16, 2^-14, as f32 bits. */
// @ts-ignore: decorator
@inline const F32_HALF_MIN_NORMAL: u32 = 0x38800000;
/** 112 << 23: the f32 exponent bias (127) minus the f16 one (15), in f32 exponent position. */
// @ts-ignore: decorator
@inline const REBIAS: u32 = 0x38000000;
/** 0.5 as f32 bits; adding it to a value below 2^-14 rounds that value to a multiple of 2^-24. */
// @ts-ignore: decorator
@inline const HALF_BITS: u32 = 0x3f000000;
// @ts-ignore: decorator
@inline const HALF_INFINITY: u32 = 0x7c00;
/** 2^-24, the smallest f16 subnormal. */
// @ts-ignore: decorator
@inline const HALF_SUBNORMAL_UNIT: f32 = 5.9604644775390625e-8;

// ---------------------------------------------------------------------------------------------------
// Scalar conversions of one value, shared by the scalar kernels, the SIMD kernels' tails and f64 input.

/** Converts f32 bits to f16 bits (round to nearest even). */
// @ts-ignore: decorator
@inline export function halfFromFloatBits(x: u32): u32 {
  const sign = (x >> 16) & 0x8000;
  const a = x & F32_ABS_MASK;
  if (a > F32_INFINITY) return sign | HALF_INFINITY | max((a & 0x7fffff) >> 13, 1);
  if (a >= F32_HALF_OVERFLOW) return sign | HALF_INFINITY;
  if (a >= F32_HALF_MIN_NORMAL) return sign | ((a - REBIAS + 0xfff + ((a >> 13) & 1)) >> 13);
  // The float addition rounds |x| to the f16 subnormal grid (2^-24) with the hardware's ties to even.
  return sign | (reinterpret<u32>(reinterpret<f32>(a) + reinterpret<f32>(HALF_BITS)) - HALF_BITS);
}

/** Converts f16 bits to f32 bits (exact). */
// @ts-ignore: decorator
@inline export function floatBitsFromHalf(h: u32): u32 {
  const sign = (h & 0x8000) << 16;
  const a = h & 0x7fff;
  if (a >= HALF_INFINITY) return sign | ((a << 13) + REBIAS + REBIAS);
  if (a >= 0x400) return sign | ((a << 13) + REBIAS);
  return sign | reinterpret<u32>(<f32>a * HALF_SUBNORMAL_UNIT);
}

/**
 * Rounds an f64 to f32 with round-to-odd: the f32 just below |x| in magnitude with its last bit set
 * when x is not exact. Rounding that result to a format at least 2 bits narrower (f16, bf16) gives the
 * correctly rounded value of x, with no double rounding. x must not be NaN.
 */
// @ts-ignore: decorator
@inline export function floatBitsRoundToOdd(x: f64): u32 {
  const y = <f32>x;
  let bits = reinterpret<u32>(y);
  const widened = <f64>y;
  if (widened != x) {
    if (abs(widened) > abs(x)) bits -= 1;
    bits |= 1;
  }
  return bits;
}

/** Converts an f64 to f16 bits with a single rounding. */
// @ts-ignore: decorator
@inline export function halfFromDouble(x: f64): u32 {
  if (isNaN(x)) {
    const bits = reinterpret<u64>(x);
    const sign = <u32>(bits >> 48) & 0x8000;
    return sign | HALF_INFINITY | max(<u32>((bits & 0xfffffffffffff) >> 42), 1);
  }
  return halfFromFloatBits(floatBitsRoundToOdd(x));
}

/** Converts f16 bits to an f64 (exact). */
// @ts-ignore: decorator
@inline export function doubleFromHalf(h: u32): f64 {
  const a = h & 0x7fff;
  if (a > HALF_INFINITY) {
    // NaN: widen the bits directly, because f32 -> f64 promotion may change a NaN's payload.
    const sign = <u64>(h & 0x8000) << 48;
    return reinterpret<f64>(sign | 0x7ff0000000000000 | (<u64>(a & 0x3ff) << 42));
  }
  return <f64>reinterpret<f32>(floatBitsFromHalf(h));
}

// ---------------------------------------------------------------------------------------------------
// Scalar kernels. Contract for all: `x` holds n values, `out` room for n values; no overlap.

/** out[i] = f16 bits of the f32 x[i]. */
export function f32ToF16Scalar(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<u16>(out + (<usize>i << 1), halfFromFloatBits(load<u32>(x + (<usize>i << 2))));
  }
}

/** out[i] = the f32 of the f16 bits h[i]. */
export function f16ToF32Scalar(h: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<u32>(out + (<usize>i << 2), floatBitsFromHalf(load<u16>(h + (<usize>i << 1))));
  }
}

/** out[i] = f16 bits of the f64 x[i], rounded once. */
export function f64ToF16Scalar(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<u16>(out + (<usize>i << 1), halfFromDouble(load<f64>(x + (<usize>i << 3))));
  }
}

/** out[i] = the f64 of the f16 bits h[i]. */
export function f16ToF64Scalar(h: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f64>(out + (<usize>i << 3), doubleFromHalf(load<u16>(h + (<usize>i << 1))));
  }
}

// ---------------------------------------------------------------------------------------------------
// SIMD kernels: four lanes of f32 bits per half-step, eight values per step.

/** The f16 bits (in 32-bit lanes) of four f32 bit patterns, as halfFromFloatBits computes them. */
// @ts-ignore: decorator
@inline function halvesFromFloats(x: v128): v128 {
  const sign = v128.and(i32x4.shr_u(x, 16), i32x4.splat(0x8000));
  const a = v128.and(x, i32x4.splat(F32_ABS_MASK));

  // NaN: top payload bits, at least 1.
  const payload = i32x4.max_u(i32x4.shr_u(v128.and(a, i32x4.splat(0x7fffff)), 13), i32x4.splat(1));
  const nan = v128.or(payload, i32x4.splat(HALF_INFINITY));

  // Normal range; values from 65520 up (infinity included) saturate at 0x7c00.
  const odd = v128.and(i32x4.shr_u(a, 13), i32x4.splat(1));
  const rounded = i32x4.add(i32x4.sub(a, i32x4.splat(REBIAS)), i32x4.add(i32x4.splat(0xfff), odd));
  const normal = i32x4.min_u(i32x4.shr_u(rounded, 13), i32x4.splat(HALF_INFINITY));

  // Below 2^-14: round onto the subnormal grid with a float addition of 0.5.
  const half = i32x4.splat(HALF_BITS);
  const subnormal = i32x4.sub(f32x4.add(a, half), half);

  let result = v128.bitselect(subnormal, normal, i32x4.lt_s(a, i32x4.splat(F32_HALF_MIN_NORMAL)));
  result = v128.bitselect(nan, result, i32x4.gt_s(a, i32x4.splat(F32_INFINITY)));
  return v128.or(result, sign);
}

/** The f32 bits of four f16 values held in 32-bit lanes, as floatBitsFromHalf computes them. */
// @ts-ignore: decorator
@inline function floatsFromHalves(h: v128): v128 {
  const sign = i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16);
  const a = v128.and(h, i32x4.splat(0x7fff));
  const normal = i32x4.add(i32x4.shl(a, 13), i32x4.splat(REBIAS));
  const special = i32x4.add(normal, i32x4.splat(REBIAS));
  const subnormal = f32x4.mul(f32x4.convert_i32x4_u(a), f32x4.splat(HALF_SUBNORMAL_UNIT));
  let result = v128.bitselect(subnormal, normal, i32x4.lt_s(a, i32x4.splat(0x400)));
  result = v128.bitselect(special, result, i32x4.ge_s(a, i32x4.splat(HALF_INFINITY)));
  return v128.or(result, sign);
}

/** SIMD twin of f32ToF16Scalar. */
export function f32ToF16Simd(x: usize, out: usize, n: i32): void {
  const vectorEnd = n & ~7;
  let i = 0;
  for (; i < vectorEnd; i += 8) {
    const source = x + (<usize>i << 2);
    const low = halvesFromFloats(v128.load(source));
    const high = halvesFromFloats(v128.load(source, 16));
    // Every lane is below 0x10000, so the unsigned saturating narrow keeps it as it is.
    v128.store(out + (<usize>i << 1), i16x8.narrow_i32x4_u(low, high));
  }
  for (; i < n; i++) {
    store<u16>(out + (<usize>i << 1), halfFromFloatBits(load<u32>(x + (<usize>i << 2))));
  }
}

/** SIMD twin of f16ToF32Scalar. */
export function f16ToF32Simd(h: usize, out: usize, n: i32): void {
  const vectorEnd = n & ~7;
  let i = 0;
  for (; i < vectorEnd; i += 8) {
    const halves = v128.load(h + (<usize>i << 1));
    const target = out + (<usize>i << 2);
    v128.store(target, floatsFromHalves(i32x4.extend_low_i16x8_u(halves)));
    v128.store(target, floatsFromHalves(i32x4.extend_high_i16x8_u(halves)), 16);
  }
  for (; i < n; i++) {
    store<u32>(out + (<usize>i << 2), floatBitsFromHalf(load<u16>(h + (<usize>i << 1))));
  }
}

/**
 * Rounds two f64x2 vectors to four f32 bit patterns with round-to-odd (see floatBitsRoundToOdd): a
 * demotion, then where it was inexact one step toward zero when it rounded away, and the last bit set.
 * NaN lanes come out as garbage; the caller replaces them.
 */
// @ts-ignore: decorator
@inline export function floatsRoundToOdd(low: v128, high: v128): v128 {
  const demotedLow = f32x4.demote_f64x2_zero(low);
  const demotedHigh = f32x4.demote_f64x2_zero(high);
  const widenedLow = f64x2.promote_low_f32x4(demotedLow);
  const widenedHigh = f64x2.promote_low_f32x4(demotedHigh);
  const bits = i32x4.shuffle(demotedLow, demotedHigh, 0, 1, 4, 5);
  const inexact = i32x4.shuffle(f64x2.ne(widenedLow, low), f64x2.ne(widenedHigh, high), 0, 2, 4, 6);
  const awayFromZero = i32x4.shuffle(
    f64x2.gt(f64x2.abs(widenedLow), f64x2.abs(low)),
    f64x2.gt(f64x2.abs(widenedHigh), f64x2.abs(high)),
    0, 2, 4, 6,
  );
  // A true mask lane is -1, so adding it steps the bits one toward zero.
  return v128.or(i32x4.add(bits, awayFromZero), v128.and(inexact, i32x4.splat(1)));
}

/** The f16 bits (in 32-bit lanes) of four f64 values, as halfFromDouble computes them. */
// @ts-ignore: decorator
@inline function halvesFromDoubles(low: v128, high: v128): v128 {
  const converted = halvesFromFloats(floatsRoundToOdd(low, high));

  // NaN lanes: the sign and top 10 payload bits straight from the f64 bits (bits 63 and 51-42).
  const top = i32x4.shuffle(i64x2.shr_u(low, 42), i64x2.shr_u(high, 42), 0, 2, 4, 6);
  const sign = v128.and(i32x4.shr_u(top, 6), i32x4.splat(0x8000));
  const payload = i32x4.max_u(v128.and(top, i32x4.splat(0x3ff)), i32x4.splat(1));
  const nan = v128.or(v128.or(sign, payload), i32x4.splat(HALF_INFINITY));
  const isNaN = i32x4.shuffle(f64x2.ne(low, low), f64x2.ne(high, high), 0, 2, 4, 6);
  return v128.bitselect(nan, converted, isNaN);
}

/** SIMD twin of f64ToF16Scalar. */
export function f64ToF16Simd(x: usize, out: usize, n: i32): void {
  const vectorEnd = n & ~7;
  let i = 0;
  for (; i < vectorEnd; i += 8) {
    const source = x + (<usize>i << 3);
    const first = halvesFromDoubles(v128.load(source), v128.load(source, 16));
    const second = halvesFromDoubles(v128.load(source, 32), v128.load(source, 48));
    v128.store(out + (<usize>i << 1), i16x8.narrow_i32x4_u(first, second));
  }
  for (; i < n; i++) {
    store<u16>(out + (<usize>i << 1), halfFromDouble(load<f64>(x + (<usize>i << 3))));
  }
}

/** Two f64 from the f16 bits in the low two 32-bit lanes of `h`, as doubleFromHalf computes them. */
// @ts-ignore: decorator
@inline function doublesFromHalves(h: v128, floats: v128): v128 {
  const promoted = f64x2.promote_low_f32x4(floats);
  // NaN lanes are rebuilt from the half bits, because promotion may change a NaN's payload.
  const wide = i64x2.extend_low_i32x4_u(h);
  const sign = i64x2.shl(v128.and(wide, i64x2.splat(0x8000)), 48);
  const payload = i64x2.shl(v128.and(wide, i64x2.splat(0x3ff)), 42);
  const nan = v128.or(v128.or(sign, payload), i64x2.splat(0x7ff0000000000000));
  const isNaN = i64x2.gt_s(v128.and(wide, i64x2.splat(0x7fff)), i64x2.splat(HALF_INFINITY));
  return v128.bitselect(nan, promoted, isNaN);
}

/** SIMD twin of f16ToF64Scalar. */
export function f16ToF64Simd(h: usize, out: usize, n: i32): void {
  const vectorEnd = n & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const halves = v128.load64_zero(h + (<usize>i << 1));
    const wide = i32x4.extend_low_i16x8_u(halves);
    const floats = floatsFromHalves(wide);
    const target = out + (<usize>i << 3);
    v128.store(target, doublesFromHalves(wide, floats));
    v128.store(target, doublesFromHalves(i32x4.shuffle(wide, wide, 2, 3, 0, 1), i32x4.shuffle(floats, floats, 2, 3, 0, 1)), 16);
  }
  for (; i < n; i++) {
    store<f64>(out + (<usize>i << 3), doubleFromHalf(load<u16>(h + (<usize>i << 1))));
  }
}

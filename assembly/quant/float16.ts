// IEEE binary16 conversions on bit patterns. WebAssembly has no half-precision type, so every kernel
// works on the integer bits: f32 and f64 in, u16 out, and back.
//
// The rules are numpy's (its halffloat.c). Rounding is to nearest, ties to even, with gradual underflow
// to subnormals and overflow to infinity from 65520 up. Signed zeros and infinities are kept. A NaN
// keeps its sign and the top 10 bits of its payload, and becomes 0x7c01 (with its sign) when those
// bits are all zero, so that it stays a NaN. Widening is exact, the payload moving back to the top of
// the significand, so every one of the 65,536 halves survives f16 -> f32 -> f16 unchanged.
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
// Scalar kernels. Each reads n values at `x` (or `h`) and writes n values to `out`, which must not
// overlap them.

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

// The SIMD kernels load their constants from this table once per call. V8 (11.3) rebuilds a v128.const
// at every use inside a loop, and Binaryen folds constant locals back into their uses. A value loaded
// from memory before the loop stays in a register, which halved the time of these kernels.
const SPLAT_CONSTANTS = memory.data<u32>([
  F32_ABS_MASK, // 0
  1, // 1
  0x38000, // 2: (f32 infinity >> 13) - f16 infinity, so (a >> 13) - this = 0x7c00 | payload for NaN
  HALF_INFINITY + 1, // 3
  0xfff - REBIAS, // 4: rounding bias minus the exponent rebias
  HALF_INFINITY, // 5
  HALF_BITS, // 6
  F32_HALF_MIN_NORMAL, // 7
  F32_INFINITY, // 8
  0x3ff, // 9
  0x7fff, // 10
  0x400, // 11
  REBIAS, // 12
  0x8000, // 13
  reinterpret<u32>(HALF_SUBNORMAL_UNIT), // 14
], 16);

// @ts-ignore: decorator
@inline function splat(index: i32): v128 {
  return v128.load32_splat(SPLAT_CONSTANTS + (<usize>index << 2));
}

/**
 * The f16 bits (in 32-bit lanes) of four f32 bit patterns, as halfFromFloatBits computes them. The
 * constants come from SPLAT_CONSTANTS, loaded by the caller.
 */
// @ts-ignore: decorator
@inline function halvesFromFloats(
  x: v128, absMask: v128, lowBit: v128, nanOffset: v128, smallestNaN: v128, bias: v128, infinity16: v128,
  half: v128, minNormal: v128, infinity32: v128,
): v128 {
  const sign = i32x4.shr_u(v128.andnot(x, absMask), 16);
  const a = v128.and(x, absMask);
  const shifted = i32x4.shr_u(a, 13);

  // NaN: 0x7c00 with the top payload bits, and at least 0x7c01.
  const nan = i32x4.max_u(i32x4.sub(shifted, nanOffset), smallestNaN);

  // Normal range; values from 65520 up (infinity included) saturate at 0x7c00.
  const rounded = i32x4.add(i32x4.add(a, bias), v128.and(shifted, lowBit));
  const normal = i32x4.min_u(i32x4.shr_u(rounded, 13), infinity16);

  // Below 2^-14: round onto the subnormal grid with a float addition of 0.5.
  const subnormal = i32x4.sub(f32x4.add(a, half), half);

  let result = v128.bitselect(subnormal, normal, i32x4.lt_s(a, minNormal));
  result = v128.bitselect(nan, result, i32x4.gt_s(a, infinity32));
  return v128.or(result, sign);
}

/** The f32 bits of four f16 values held in 32-bit lanes, as floatBitsFromHalf computes them. */
// @ts-ignore: decorator
@inline function floatsFromHalves(h: v128, magnitudeMask: v128, signMask: v128, rebias: v128, minNormal: v128, infinity16: v128, unit: v128): v128 {
  const sign = i32x4.shl(v128.and(h, signMask), 16);
  const a = v128.and(h, magnitudeMask);
  const normal = i32x4.add(i32x4.shl(a, 13), rebias);
  const special = i32x4.add(normal, rebias);
  // a < 0x8000, so the signed conversion is exact and cheaper than the unsigned one.
  const subnormal = f32x4.mul(f32x4.convert_i32x4_s(a), unit);
  let result = v128.bitselect(subnormal, normal, i32x4.lt_s(a, minNormal));
  result = v128.bitselect(special, result, i32x4.ge_s(a, infinity16));
  return v128.or(result, sign);
}

/** SIMD twin of f32ToF16Scalar. */
export function f32ToF16Simd(x: usize, out: usize, n: i32): void {
  const absMask = splat(0);
  const lowBit = splat(1);
  const nanOffset = splat(2);
  const smallestNaN = splat(3);
  const bias = splat(4);
  const infinity16 = splat(5);
  const half = splat(6);
  const minNormal = splat(7);
  const infinity32 = splat(8);
  const vectorEnd = n & ~7;
  let i = 0;
  for (; i < vectorEnd; i += 8) {
    const source = x + (<usize>i << 2);
    const low = halvesFromFloats(v128.load(source), absMask, lowBit, nanOffset, smallestNaN, bias, infinity16, half, minNormal, infinity32);
    const high = halvesFromFloats(v128.load(source, 16), absMask, lowBit, nanOffset, smallestNaN, bias, infinity16, half, minNormal, infinity32);
    // Every lane is below 0x10000, so the unsigned saturating narrow keeps it as it is.
    v128.store(out + (<usize>i << 1), i16x8.narrow_i32x4_u(low, high));
  }
  for (; i < n; i++) {
    store<u16>(out + (<usize>i << 1), halfFromFloatBits(load<u32>(x + (<usize>i << 2))));
  }
}

/** SIMD twin of f16ToF32Scalar. */
export function f16ToF32Simd(h: usize, out: usize, n: i32): void {
  const magnitudeMask = splat(10);
  const signMask = splat(13);
  const rebias = splat(12);
  const minNormal = splat(11);
  const infinity16 = splat(5);
  const unit = splat(14);
  const vectorEnd = n & ~7;
  let i = 0;
  for (; i < vectorEnd; i += 8) {
    const halves = v128.load(h + (<usize>i << 1));
    const target = out + (<usize>i << 2);
    v128.store(target, floatsFromHalves(i32x4.extend_low_i16x8_u(halves), magnitudeMask, signMask, rebias, minNormal, infinity16, unit));
    v128.store(target, floatsFromHalves(i32x4.extend_high_i16x8_u(halves), magnitudeMask, signMask, rebias, minNormal, infinity16, unit), 16);
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
  const converted = halvesFromFloats(floatsRoundToOdd(low, high), splat(0), splat(1), splat(2), splat(3), splat(4), splat(5), splat(6), splat(7), splat(8));

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
    const floats = floatsFromHalves(wide, splat(10), splat(13), splat(12), splat(11), splat(5), splat(14));
    const target = out + (<usize>i << 3);
    v128.store(target, doublesFromHalves(wide, floats));
    v128.store(target, doublesFromHalves(i32x4.shuffle(wide, wide, 2, 3, 0, 1), i32x4.shuffle(floats, floats, 2, 3, 0, 1)), 16);
  }
  for (; i < n; i++) {
    store<f64>(out + (<usize>i << 3), doubleFromHalf(load<u16>(h + (<usize>i << 1))));
  }
}

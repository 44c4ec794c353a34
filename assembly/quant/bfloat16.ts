// bfloat16 conversions on bit patterns: the top 16 bits of an f32 (sign, 8 exponent bits, 7 significand
// bits), so widening is a shift and narrowing is a rounding of the low 16 bits.
//
// Rules: round to nearest, ties to even, overflow to infinity; subnormals, signed zeros and infinities
// kept. A NaN is never rounded (rounding could carry it into infinity): it keeps its sign and the top
// 7 bits of its payload, and becomes 0x7f81 (with its sign) when those bits are all zero, the same rule
// as for float16, so every bfloat16 value survives bf16 -> f32 -> bf16 unchanged.
//
// The SIMD kernels compute the same bits as the scalar twins, 8 values per step.
import { floatBitsRoundToOdd, floatsRoundToOdd } from "./float16";

// @ts-ignore: decorator
@inline const F32_ABS_MASK: u32 = 0x7fffffff;
// @ts-ignore: decorator
@inline const F32_INFINITY: u32 = 0x7f800000;
// @ts-ignore: decorator
@inline const BF16_INFINITY: u32 = 0x7f80;

// ---------------------------------------------------------------------------------------------------
// One value.

/** Converts f32 bits to bfloat16 bits (round to nearest even). */
// @ts-ignore: decorator
@inline export function bfloatFromFloatBits(x: u32): u32 {
  if ((x & F32_ABS_MASK) > F32_INFINITY) {
    const top = x >> 16;
    return (top & 0x7f) == 0 ? top | 1 : top;
  }
  return (x + 0x7fff + ((x >> 16) & 1)) >> 16;
}

/** Converts an f64 to bfloat16 bits with a single rounding. */
// @ts-ignore: decorator
@inline export function bfloatFromDouble(x: f64): u32 {
  if (isNaN(x)) {
    const bits = reinterpret<u64>(x);
    const sign = <u32>(bits >> 48) & 0x8000;
    return sign | BF16_INFINITY | max(<u32>((bits & 0xfffffffffffff) >> 45), 1);
  }
  return bfloatFromFloatBits(floatBitsRoundToOdd(x));
}

/** Converts bfloat16 bits to an f64 (exact). */
// @ts-ignore: decorator
@inline export function doubleFromBfloat(b: u32): f64 {
  if ((b & 0x7fff) > BF16_INFINITY) {
    // NaN: widen the bits directly, because f32 -> f64 promotion may change a NaN's payload.
    return reinterpret<f64>((<u64>(b & 0x8000) << 48) | 0x7ff0000000000000 | (<u64>(b & 0x7f) << 45));
  }
  return <f64>reinterpret<f32>(b << 16);
}

// ---------------------------------------------------------------------------------------------------
// Scalar kernels. Contract for all: `x` holds n values, `out` room for n values; no overlap.

/** out[i] = bfloat16 bits of the f32 x[i]. */
export function f32ToBf16Scalar(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<u16>(out + (<usize>i << 1), bfloatFromFloatBits(load<u32>(x + (<usize>i << 2))));
  }
}

/** out[i] = the f32 of the bfloat16 bits b[i]. */
export function bf16ToF32Scalar(b: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<u32>(out + (<usize>i << 2), <u32>load<u16>(b + (<usize>i << 1)) << 16);
  }
}

/** out[i] = bfloat16 bits of the f64 x[i], rounded once. */
export function f64ToBf16Scalar(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<u16>(out + (<usize>i << 1), bfloatFromDouble(load<f64>(x + (<usize>i << 3))));
  }
}

/** out[i] = the f64 of the bfloat16 bits b[i]. */
export function bf16ToF64Scalar(b: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f64>(out + (<usize>i << 3), doubleFromBfloat(load<u16>(b + (<usize>i << 1))));
  }
}

// ---------------------------------------------------------------------------------------------------
// SIMD kernels.

/** The bfloat16 bits (in 32-bit lanes) of four f32 bit patterns, as bfloatFromFloatBits computes them. */
// @ts-ignore: decorator
@inline function bfloatsFromFloats(x: v128): v128 {
  const odd = v128.and(i32x4.shr_u(x, 16), i32x4.splat(1));
  const rounded = i32x4.shr_u(i32x4.add(x, i32x4.add(i32x4.splat(0x7fff), odd)), 16);
  const top = i32x4.shr_u(x, 16);
  const payloadZero = i32x4.eq(v128.and(top, i32x4.splat(0x7f)), i32x4.splat(0));
  const nan = v128.or(top, v128.and(payloadZero, i32x4.splat(1)));
  const isNaN = i32x4.gt_u(v128.and(x, i32x4.splat(F32_ABS_MASK)), i32x4.splat(F32_INFINITY));
  return v128.bitselect(nan, rounded, isNaN);
}

/** SIMD twin of f32ToBf16Scalar. */
export function f32ToBf16Simd(x: usize, out: usize, n: i32): void {
  const vectorEnd = n & ~7;
  let i = 0;
  for (; i < vectorEnd; i += 8) {
    const source = x + (<usize>i << 2);
    const low = bfloatsFromFloats(v128.load(source));
    const high = bfloatsFromFloats(v128.load(source, 16));
    v128.store(out + (<usize>i << 1), i16x8.narrow_i32x4_u(low, high));
  }
  for (; i < n; i++) {
    store<u16>(out + (<usize>i << 1), bfloatFromFloatBits(load<u32>(x + (<usize>i << 2))));
  }
}

/** SIMD twin of bf16ToF32Scalar: each 16-bit value moves to the top of a 32-bit lane. */
export function bf16ToF32Simd(b: usize, out: usize, n: i32): void {
  const vectorEnd = n & ~7;
  const zero = i32x4.splat(0);
  let i = 0;
  for (; i < vectorEnd; i += 8) {
    const bits = v128.load(b + (<usize>i << 1));
    const target = out + (<usize>i << 2);
    v128.store(target, i16x8.shuffle(zero, bits, 0, 8, 0, 9, 0, 10, 0, 11));
    v128.store(target, i16x8.shuffle(zero, bits, 0, 12, 0, 13, 0, 14, 0, 15), 16);
  }
  for (; i < n; i++) {
    store<u32>(out + (<usize>i << 2), <u32>load<u16>(b + (<usize>i << 1)) << 16);
  }
}

/** The bfloat16 bits (in 32-bit lanes) of four f64 values, as bfloatFromDouble computes them. */
// @ts-ignore: decorator
@inline function bfloatsFromDoubles(low: v128, high: v128): v128 {
  const converted = bfloatsFromFloats(floatsRoundToOdd(low, high));

  // NaN lanes: the sign and top 7 payload bits straight from the f64 bits (bits 63 and 51-45).
  const top = i32x4.shuffle(i64x2.shr_u(low, 45), i64x2.shr_u(high, 45), 0, 2, 4, 6);
  const sign = v128.and(i32x4.shr_u(top, 3), i32x4.splat(0x8000));
  const payload = i32x4.max_u(v128.and(top, i32x4.splat(0x7f)), i32x4.splat(1));
  const nan = v128.or(v128.or(sign, payload), i32x4.splat(BF16_INFINITY));
  const isNaN = i32x4.shuffle(f64x2.ne(low, low), f64x2.ne(high, high), 0, 2, 4, 6);
  return v128.bitselect(nan, converted, isNaN);
}

/** SIMD twin of f64ToBf16Scalar. */
export function f64ToBf16Simd(x: usize, out: usize, n: i32): void {
  const vectorEnd = n & ~7;
  let i = 0;
  for (; i < vectorEnd; i += 8) {
    const source = x + (<usize>i << 3);
    const first = bfloatsFromDoubles(v128.load(source), v128.load(source, 16));
    const second = bfloatsFromDoubles(v128.load(source, 32), v128.load(source, 48));
    v128.store(out + (<usize>i << 1), i16x8.narrow_i32x4_u(first, second));
  }
  for (; i < n; i++) {
    store<u16>(out + (<usize>i << 1), bfloatFromDouble(load<f64>(x + (<usize>i << 3))));
  }
}

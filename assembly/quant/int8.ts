// 8-bit quantization in groups: symmetric absmax (int8) and affine with a zero point (uint8).
//
// The values are cut into consecutive groups of `group` elements (the last may be shorter): the whole
// tensor, one row, or one block, as the caller chooses. Each group gets one float32 scale (and, for
// uint8, one zero point). Codes are x / scale rounded half to even in float64, from the stored float32
// scale, so ties land where numpy's rint puts them:
//
//   int8:  scale = f32(absmax / 127), code = clamp(rint(x / scale), -127, 127), value = code * scale
//   uint8: lo = min(min x, 0), hi = max(max x, 0), scale = f32((hi - lo) / 255),
//          zero = clamp(rint(-lo / scale), 0, 255), code = clamp(rint(x / scale) + zero, 0, 255),
//          value = (code - zero) * scale
//
// A scale of 0 (an all-zero group, or a range too small for a float32 scale) gives codes 0 and zero
// point 0, so the group decodes to zeros. The quantizers return the index of the first group whose
// scale is not finite (a NaN or an infinity in it, or an f64 range beyond float32), or -1; groups
// before that one are already written.
//
// T is the element type of the input (quantize) or of the output (dequantize): f32 or f64. The SIMD
// kernels divide in f64x2 lanes, as the scalar twins do, so both builds give the same codes.

// @ts-ignore: decorator
@inline function groupEnd(start: i32, group: i32, n: i32): i32 {
  return <i32>min(<i64>start + <i64>group, <i64>n);
}

// ---------------------------------------------------------------------------------------------------
// Scalar kernels.

/** Quantizes n values at x to int8 codes, one float32 scale per group. */
export function quantizeInt8Scalar<T>(x: usize, n: i32, group: i32, scales: usize, codes: usize): i32 {
  for (let start = 0, g = 0; start < n; start += group, g++) {
    const end = groupEnd(start, group, n);
    let absmax: f64 = 0;
    for (let i = start; i < end; i++) absmax = max(absmax, abs(<f64>load<T>(x + <usize>i * sizeof<T>())));
    const scale = <f32>(absmax / 127);
    if (!isFinite(scale)) return g;
    store<f32>(scales + (<usize>g << 2), scale);
    const divisor = <f64>scale;
    for (let i = start; i < end; i++) {
      let code: f64 = 0;
      if (divisor != 0) code = min(max(nearest(<f64>load<T>(x + <usize>i * sizeof<T>()) / divisor), -127), 127);
      store<i8>(codes + <usize>i, <i8>code);
    }
  }
  return -1;
}

/** Writes code * scale of each int8 code to out (type T). */
export function dequantizeInt8Scalar<T>(codes: usize, scales: usize, n: i32, group: i32, out: usize): void {
  for (let start = 0, g = 0; start < n; start += group, g++) {
    const end = groupEnd(start, group, n);
    const scale = <T>load<f32>(scales + (<usize>g << 2));
    for (let i = start; i < end; i++) store<T>(out + <usize>i * sizeof<T>(), <T>load<i8>(codes + <usize>i) * scale);
  }
}

/** Quantizes n values at x to uint8 codes with one float32 scale and one zero point per group. */
export function quantizeUint8Scalar<T>(x: usize, n: i32, group: i32, scales: usize, zeros: usize, codes: usize): i32 {
  for (let start = 0, g = 0; start < n; start += group, g++) {
    const end = groupEnd(start, group, n);
    let lo: f64 = 0;
    let hi: f64 = 0;
    for (let i = start; i < end; i++) {
      const value = <f64>load<T>(x + <usize>i * sizeof<T>());
      lo = min(lo, value);
      hi = max(hi, value);
    }
    const scale = <f32>((hi - lo) / 255);
    if (!isFinite(scale)) return g;
    store<f32>(scales + (<usize>g << 2), scale);
    const divisor = <f64>scale;
    const zero = divisor == 0 ? 0 : min(max(nearest(-lo / divisor), 0), 255);
    store<u8>(zeros + <usize>g, <u8>zero);
    for (let i = start; i < end; i++) {
      let code: f64 = 0;
      if (divisor != 0) code = min(max(nearest(<f64>load<T>(x + <usize>i * sizeof<T>()) / divisor) + zero, 0), 255);
      store<u8>(codes + <usize>i, <u8>code);
    }
  }
  return -1;
}

/** Writes (code - zero) * scale of each uint8 code to out (type T). */
export function dequantizeUint8Scalar<T>(codes: usize, scales: usize, zeros: usize, n: i32, group: i32, out: usize): void {
  for (let start = 0, g = 0; start < n; start += group, g++) {
    const end = groupEnd(start, group, n);
    const scale = <T>load<f32>(scales + (<usize>g << 2));
    const zero = <i32>load<u8>(zeros + <usize>g);
    for (let i = start; i < end; i++) {
      store<T>(out + <usize>i * sizeof<T>(), <T>(<i32>load<u8>(codes + <usize>i) - zero) * scale);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// SIMD kernels.

/** Largest |x| over x[start..end), NaN when any element is NaN. */
// @ts-ignore: decorator
@inline function absmaxSimd<T>(x: usize, start: i32, end: i32): f64 {
  const lanes = 16 / sizeof<T>();
  let acc = v128.splat<T>(0);
  let i = start;
  for (; i + <i32>lanes <= end; i += <i32>lanes) acc = v128.max<T>(acc, v128.abs<T>(v128.load(x + <usize>i * sizeof<T>())));
  let result: f64 = 0;
  if (sizeof<T>() == 4) {
    result = max(max(<f64>f32x4.extract_lane(acc, 0), <f64>f32x4.extract_lane(acc, 1)), max(<f64>f32x4.extract_lane(acc, 2), <f64>f32x4.extract_lane(acc, 3)));
  } else {
    result = max(f64x2.extract_lane(acc, 0), f64x2.extract_lane(acc, 1));
  }
  for (; i < end; i++) result = max(result, abs(<f64>load<T>(x + <usize>i * sizeof<T>())));
  return result;
}

/** Smallest and largest x over x[start..end), each NaN when any element is NaN; returned as min, max. */
// @ts-ignore: decorator
@inline function rangeSimd<T>(x: usize, start: i32, end: i32): v128 {
  const lanes = 16 / sizeof<T>();
  let low = v128.splat<T>(0);
  let high = v128.splat<T>(0);
  let i = start;
  for (; i + <i32>lanes <= end; i += <i32>lanes) {
    const v = v128.load(x + <usize>i * sizeof<T>());
    low = v128.min<T>(low, v);
    high = v128.max<T>(high, v);
  }
  let lo: f64 = 0;
  let hi: f64 = 0;
  if (sizeof<T>() == 4) {
    lo = min(min(<f64>f32x4.extract_lane(low, 0), <f64>f32x4.extract_lane(low, 1)), min(<f64>f32x4.extract_lane(low, 2), <f64>f32x4.extract_lane(low, 3)));
    hi = max(max(<f64>f32x4.extract_lane(high, 0), <f64>f32x4.extract_lane(high, 1)), max(<f64>f32x4.extract_lane(high, 2), <f64>f32x4.extract_lane(high, 3)));
  } else {
    lo = min(f64x2.extract_lane(low, 0), f64x2.extract_lane(low, 1));
    hi = max(f64x2.extract_lane(high, 0), f64x2.extract_lane(high, 1));
  }
  for (; i < end; i++) {
    const value = <f64>load<T>(x + <usize>i * sizeof<T>());
    lo = min(lo, value);
    hi = max(hi, value);
  }
  return f64x2(lo, hi);
}

/** rint(x[i] / divisor) + offset for four elements at p, as i32 lanes (inputs already range-checked). */
// @ts-ignore: decorator
@inline function quotients4<T>(p: usize, divisor: v128, offset: v128): v128 {
  let low: v128;
  let high: v128;
  if (sizeof<T>() == 4) {
    const v = v128.load(p);
    low = f64x2.promote_low_f32x4(v);
    high = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
  } else {
    low = v128.load(p);
    high = v128.load(p, 16);
  }
  const q0 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.nearest(f64x2.div(low, divisor)), offset));
  const q1 = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.nearest(f64x2.div(high, divisor)), offset));
  return i32x4.shuffle(q0, q1, 0, 1, 4, 5);
}

/** SIMD twin of quantizeInt8Scalar. */
export function quantizeInt8Simd<T>(x: usize, n: i32, group: i32, scales: usize, codes: usize): i32 {
  const zeroOffset = f64x2.splat(0);
  const lowest = i8x16.splat(-127);
  for (let start = 0, g = 0; start < n; start += group, g++) {
    const end = groupEnd(start, group, n);
    const scale = <f32>(absmaxSimd<T>(x, start, end) / 127);
    if (!isFinite(scale)) return g;
    store<f32>(scales + (<usize>g << 2), scale);
    const divisor = <f64>scale;
    if (divisor == 0) {
      memory.fill(codes + <usize>start, 0, <usize>(end - start));
      continue;
    }
    const divisors = f64x2.splat(divisor);
    let i = start;
    for (; i + 16 <= end; i += 16) {
      const p = x + <usize>i * sizeof<T>();
      const step = 4 * sizeof<T>();
      const a = i16x8.narrow_i32x4_s(quotients4<T>(p, divisors, zeroOffset), quotients4<T>(p + step, divisors, zeroOffset));
      const b = i16x8.narrow_i32x4_s(quotients4<T>(p + 2 * step, divisors, zeroOffset), quotients4<T>(p + 3 * step, divisors, zeroOffset));
      v128.store(codes + <usize>i, i8x16.max_s(i8x16.narrow_i16x8_s(a, b), lowest));
    }
    for (; i < end; i++) {
      const code = min(max(nearest(<f64>load<T>(x + <usize>i * sizeof<T>()) / divisor), -127), 127);
      store<i8>(codes + <usize>i, <i8>code);
    }
  }
  return -1;
}

/** SIMD twin of dequantizeInt8Scalar. */
export function dequantizeInt8Simd<T>(codes: usize, scales: usize, n: i32, group: i32, out: usize): void {
  for (let start = 0, g = 0; start < n; start += group, g++) {
    const end = groupEnd(start, group, n);
    const scale = <T>load<f32>(scales + (<usize>g << 2));
    const scaleVector = v128.splat<T>(scale);
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const wide = i16x8.extend_low_i8x16_s(v128.load64_zero(codes + <usize>i));
      const target = out + <usize>i * sizeof<T>();
      storeScaled<T>(target, i32x4.extend_low_i16x8_s(wide), scaleVector);
      storeScaled<T>(target + 4 * sizeof<T>(), i32x4.extend_high_i16x8_s(wide), scaleVector);
    }
    for (; i < end; i++) store<T>(out + <usize>i * sizeof<T>(), <T>load<i8>(codes + <usize>i) * scale);
  }
}

/** Stores four i32 lanes times the scale as T at p. */
// @ts-ignore: decorator
@inline function storeScaled<T>(p: usize, integers: v128, scaleVector: v128): void {
  if (sizeof<T>() == 4) {
    v128.store(p, f32x4.mul(f32x4.convert_i32x4_s(integers), scaleVector));
  } else {
    v128.store(p, f64x2.mul(f64x2.convert_low_i32x4_s(integers), scaleVector));
    v128.store(p, f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(integers, integers, 2, 3, 0, 1)), scaleVector), 16);
  }
}

/** SIMD twin of quantizeUint8Scalar. */
export function quantizeUint8Simd<T>(x: usize, n: i32, group: i32, scales: usize, zeros: usize, codes: usize): i32 {
  for (let start = 0, g = 0; start < n; start += group, g++) {
    const end = groupEnd(start, group, n);
    const range = rangeSimd<T>(x, start, end);
    const lo = f64x2.extract_lane(range, 0);
    const hi = f64x2.extract_lane(range, 1);
    const scale = <f32>((hi - lo) / 255);
    if (!isFinite(scale)) return g;
    store<f32>(scales + (<usize>g << 2), scale);
    const divisor = <f64>scale;
    if (divisor == 0) {
      store<u8>(zeros + <usize>g, 0);
      memory.fill(codes + <usize>start, 0, <usize>(end - start));
      continue;
    }
    const zero = min(max(nearest(-lo / divisor), 0), 255);
    store<u8>(zeros + <usize>g, <u8>zero);
    const divisors = f64x2.splat(divisor);
    const offset = f64x2.splat(zero);
    let i = start;
    for (; i + 16 <= end; i += 16) {
      const p = x + <usize>i * sizeof<T>();
      const step = 4 * sizeof<T>();
      // Every quotient plus zero point lies within about [-1, 256], so the signed narrow to i16 keeps
      // it and the unsigned narrow to u8 does the clamp to [0, 255].
      const a = i16x8.narrow_i32x4_s(quotients4<T>(p, divisors, offset), quotients4<T>(p + step, divisors, offset));
      const b = i16x8.narrow_i32x4_s(quotients4<T>(p + 2 * step, divisors, offset), quotients4<T>(p + 3 * step, divisors, offset));
      v128.store(codes + <usize>i, i8x16.narrow_i16x8_u(a, b));
    }
    for (; i < end; i++) {
      const code = min(max(nearest(<f64>load<T>(x + <usize>i * sizeof<T>()) / divisor) + zero, 0), 255);
      store<u8>(codes + <usize>i, <u8>code);
    }
  }
  return -1;
}

/** SIMD twin of dequantizeUint8Scalar. */
export function dequantizeUint8Simd<T>(codes: usize, scales: usize, zeros: usize, n: i32, group: i32, out: usize): void {
  for (let start = 0, g = 0; start < n; start += group, g++) {
    const end = groupEnd(start, group, n);
    const scale = <T>load<f32>(scales + (<usize>g << 2));
    const zero = <i32>load<u8>(zeros + <usize>g);
    const scaleVector = v128.splat<T>(scale);
    const zeroVector = i16x8.splat(<i16>zero);
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const wide = i16x8.sub(i16x8.extend_low_i8x16_u(v128.load64_zero(codes + <usize>i)), zeroVector);
      const target = out + <usize>i * sizeof<T>();
      storeScaled<T>(target, i32x4.extend_low_i16x8_s(wide), scaleVector);
      storeScaled<T>(target + 4 * sizeof<T>(), i32x4.extend_high_i16x8_s(wide), scaleVector);
    }
    for (; i < end; i++) {
      store<T>(out + <usize>i * sizeof<T>(), <T>(<i32>load<u8>(codes + <usize>i) - zero) * scale);
    }
  }
}

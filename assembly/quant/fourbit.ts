// Blockwise 4-bit quantization (NF4 and FP4) and its inverse.
//
// Layout: the n float32 values are cut into blocks of `blockSize` (the last may be shorter); each block
// stores absmax = max |x| as float32. Codes go two per byte, the first of each pair in the high nibble;
// an odd n leaves the last low nibble 0.
//
// Code of x in a block with absmax a (bitsandbytes' rules):
//   a == 0: every code is the format's zero (NF4 7, FP4 0).
//   otherwise: t = x * f32(1 / a) in float32 (x / a when 1 / a overflows, a below 2^-128, where the
//   product would give NaN for x = 0). NF4: code = number of NF4 midpoints strictly below t, so a tie
//   takes the lower code. FP4: sign bit 8 when x < 0, magnitude bits from the number of FP4 midpoints
//   strictly below |t|.
// Decoding: value = level[code] * absmax in float32.
//
// quantize4bit* return the index of the first block whose absmax is not finite (a NaN or an infinity
// in it), or -1; nothing is packed in that case, but absmax values before that block are written.
import {
  FORMAT_NF4, FP4_CODE_OF_RANK, FP4_LEVELS, FP4_LEVELS_PLANES, FP4_MIDPOINTS, NF4_LEVELS,
  NF4_LEVELS_PLANES, NF4_MIDPOINTS,
} from "./tables";

// @ts-ignore: decorator
@inline const F32_MAX: f32 = 3.4028234663852886e38;
/** Values per SIMD step: 32 codes fill 16 bytes. */
// @ts-ignore: decorator
@inline const CHUNK: i32 = 32;

// ---------------------------------------------------------------------------------------------------
// Shared steps.

/** Writes each block's absmax (f32) to `absmax`; returns the first block whose absmax is not finite, or -1. */
// @ts-ignore: decorator
@inline function blockAbsmax(x: usize, n: i32, blockSize: i32, absmax: usize, vector: bool): i32 {
  for (let start = 0, b = 0; start < n; start += blockSize, b++) {
    const end = <i32>min(<i64>start + <i64>blockSize, <i64>n);
    let i = start;
    let result: f32 = 0;
    if (ASC_FEATURE_SIMD && vector) {
      let acc = f32x4.splat(0);
      for (; i + 4 <= end; i += 4) acc = f32x4.max(acc, f32x4.abs(v128.load(x + (<usize>i << 2))));
      result = max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
    }
    for (; i < end; i++) result = max(result, abs(load<f32>(x + (<usize>i << 2))));
    if (!(result <= F32_MAX)) return b;
    store<f32>(absmax + (<usize>b << 2), result);
  }
  return -1;
}

/** The 4-bit code of one value in a block with the given absmax. */
// @ts-ignore: decorator
@inline function codeOf(value: f32, blockAbsmax: f32, format: i32): u32 {
  if (blockAbsmax == 0) return format == FORMAT_NF4 ? 7 : 0;
  const reciprocal: f32 = 1 / blockAbsmax;
  const t: f32 = isFinite(reciprocal) ? value * reciprocal : value / blockAbsmax;
  if (format == FORMAT_NF4) {
    let code: u32 = 0;
    for (let j = 0; j < 15; j++) code += <u32>(t > load<f32>(NF4_MIDPOINTS + (<usize>j << 2)));
    return code;
  }
  const magnitude = abs(t);
  let rank: u32 = 0;
  for (let j = 0; j < 7; j++) rank += <u32>(magnitude > load<f32>(FP4_MIDPOINTS + (<usize>j << 2)));
  return (value < 0 ? 8 : 0) | <u32>load<u8>(FP4_CODE_OF_RANK + rank);
}

/** Code of element i. */
// @ts-ignore: decorator
@inline function codeAt(x: usize, i: i32, blockSize: i32, absmax: usize, format: i32): u32 {
  return codeOf(load<f32>(x + (<usize>i << 2)), load<f32>(absmax + (<usize>(i / blockSize) << 2)), format);
}

/** Packs the codes of elements [start, end) (start even) one pair per byte. */
// @ts-ignore: decorator
@inline function packScalar(x: usize, start: i32, end: i32, blockSize: i32, absmax: usize, format: i32, packed: usize): void {
  let i = start;
  for (; i + 1 < end; i += 2) {
    const high = codeAt(x, i, blockSize, absmax, format);
    const low = codeAt(x, i + 1, blockSize, absmax, format);
    store<u8>(packed + (<usize>i >> 1), <u8>((high << 4) | low));
  }
  if (i < end) store<u8>(packed + (<usize>i >> 1), <u8>(codeAt(x, i, blockSize, absmax, format) << 4));
}

/** The value of element i from its code. */
// @ts-ignore: decorator
@inline function valueAt(packed: usize, i: i32, blockSize: i32, absmax: usize, levels: usize): f32 {
  const byte = <u32>load<u8>(packed + (<usize>i >> 1));
  const code = (i & 1) == 0 ? byte >> 4 : byte & 15;
  return load<f32>(levels + (<usize>code << 2)) * load<f32>(absmax + (<usize>(i / blockSize) << 2));
}

// ---------------------------------------------------------------------------------------------------
// Scalar kernels.

/** Quantizes n f32 values at x; writes absmax per block and ceil(n / 2) packed bytes. */
export function quantize4bitScalar(x: usize, n: i32, blockSize: i32, format: i32, absmax: usize, packed: usize): i32 {
  const bad = blockAbsmax(x, n, blockSize, absmax, false);
  if (bad >= 0) return bad;
  packScalar(x, 0, n, blockSize, absmax, format, packed);
  return -1;
}

/** Writes level[code] * absmax of each of the n codes to out (f32). */
export function dequantize4bitScalar(packed: usize, n: i32, blockSize: i32, format: i32, absmax: usize, out: usize): void {
  const levels = format == FORMAT_NF4 ? NF4_LEVELS : FP4_LEVELS;
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), valueAt(packed, i, blockSize, absmax, levels));
}

// ---------------------------------------------------------------------------------------------------
// SIMD kernels: 32 values (16 packed bytes) per step. A step whose values span two blocks, or whose
// block needs the special cases (absmax 0, reciprocal overflow), runs the scalar code.

/**
 * For 16 scaled values in t0..t3, the number of the `count` ascending midpoints at `midpoints` that
 * each is strictly greater than, one per byte. Each midpoint is splatted once for all 16 values.
 */
// @ts-ignore: decorator
@inline function countAbove16(t0: v128, t1: v128, t2: v128, t3: v128, midpoints: usize, count: i32): v128 {
  let c0 = i32x4.splat(0);
  let c1 = i32x4.splat(0);
  let c2 = i32x4.splat(0);
  let c3 = i32x4.splat(0);
  for (let j = 0; j < count; j++) {
    const m = v128.load32_splat(midpoints + (<usize>j << 2));
    // A true comparison is -1 in every bit, so subtracting it counts one.
    c0 = i32x4.sub(c0, f32x4.gt(t0, m));
    c1 = i32x4.sub(c1, f32x4.gt(t1, m));
    c2 = i32x4.sub(c2, f32x4.gt(t2, m));
    c3 = i32x4.sub(c3, f32x4.gt(t3, m));
  }
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(c0, c1), i16x8.narrow_i32x4_u(c2, c3));
}

/** Sixteen 4-bit codes (one per byte, element order) of the 16 values at p. */
// @ts-ignore: decorator
@inline function codes16(p: usize, reciprocal: v128, format: i32): v128 {
  const v0 = v128.load(p);
  const v1 = v128.load(p, 16);
  const v2 = v128.load(p, 32);
  const v3 = v128.load(p, 48);
  const t0 = f32x4.mul(v0, reciprocal);
  const t1 = f32x4.mul(v1, reciprocal);
  const t2 = f32x4.mul(v2, reciprocal);
  const t3 = f32x4.mul(v3, reciprocal);
  if (format == FORMAT_NF4) return countAbove16(t0, t1, t2, t3, NF4_MIDPOINTS, 15);
  const ranks = countAbove16(f32x4.abs(t0), f32x4.abs(t1), f32x4.abs(t2), f32x4.abs(t3), FP4_MIDPOINTS, 7);
  // Sign masks (-1 for x < 0) narrowed with signed saturation stay -1, then keep bit 3.
  const zero = f32x4.splat(0);
  const negative = i8x16.narrow_i16x8_s(
    i16x8.narrow_i32x4_s(f32x4.lt(v0, zero), f32x4.lt(v1, zero)),
    i16x8.narrow_i32x4_s(f32x4.lt(v2, zero), f32x4.lt(v3, zero)),
  );
  const magnitudeBits = i8x16.swizzle(v128.load(FP4_CODE_OF_RANK), ranks);
  return v128.or(magnitudeBits, v128.and(negative, i8x16.splat(8)));
}

/** Packs 16 codes (one per byte) into 8 bytes in the low half of each 16-bit lane: high nibble first. */
// @ts-ignore: decorator
@inline function pairNibbles(codes: v128): v128 {
  // Lane k has code 2k in its low byte and code 2k+1 in its high byte (little-endian).
  return v128.or(v128.and(i16x8.shl(codes, 4), i16x8.splat(0xf0)), i16x8.shr_u(codes, 8));
}

/** SIMD twin of quantize4bitScalar. */
export function quantize4bitSimd(x: usize, n: i32, blockSize: i32, format: i32, absmax: usize, packed: usize): i32 {
  const bad = blockAbsmax(x, n, blockSize, absmax, true);
  if (bad >= 0) return bad;
  const vectorEnd = n - n % CHUNK;
  let i = 0;
  for (; i < vectorEnd; i += CHUNK) {
    const block = i / blockSize;
    const a = load<f32>(absmax + (<usize>block << 2));
    const reciprocal: f32 = 1 / a;
    if ((i + CHUNK - 1) / blockSize != block || a == 0 || !isFinite(reciprocal)) {
      packScalar(x, i, i + CHUNK, blockSize, absmax, format, packed);
      continue;
    }
    const reciprocals = f32x4.splat(reciprocal);
    const p = x + (<usize>i << 2);
    const first = pairNibbles(codes16(p, reciprocals, format));
    const second = pairNibbles(codes16(p + 64, reciprocals, format));
    v128.store(packed + (<usize>i >> 1), i8x16.narrow_i16x8_u(first, second));
  }
  packScalar(x, i, n, blockSize, absmax, format, packed);
  return -1;
}

/** Looks up the f32 levels of 16 codes (one per byte) and stores them times `scale` at p. */
// @ts-ignore: decorator
@inline function storeLevels16(p: usize, codes: v128, planes: usize, scale: v128): void {
  const byte0 = i8x16.swizzle(v128.load(planes), codes);
  const byte1 = i8x16.swizzle(v128.load(planes, 16), codes);
  const byte2 = i8x16.swizzle(v128.load(planes, 32), codes);
  const byte3 = i8x16.swizzle(v128.load(planes, 48), codes);
  const low01 = i8x16.shuffle(byte0, byte1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const high01 = i8x16.shuffle(byte0, byte1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const low23 = i8x16.shuffle(byte2, byte3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const high23 = i8x16.shuffle(byte2, byte3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  v128.store(p, f32x4.mul(i16x8.shuffle(low01, low23, 0, 8, 1, 9, 2, 10, 3, 11), scale));
  v128.store(p, f32x4.mul(i16x8.shuffle(low01, low23, 4, 12, 5, 13, 6, 14, 7, 15), scale), 16);
  v128.store(p, f32x4.mul(i16x8.shuffle(high01, high23, 0, 8, 1, 9, 2, 10, 3, 11), scale), 32);
  v128.store(p, f32x4.mul(i16x8.shuffle(high01, high23, 4, 12, 5, 13, 6, 14, 7, 15), scale), 48);
}

/** SIMD twin of dequantize4bitScalar. */
export function dequantize4bitSimd(packed: usize, n: i32, blockSize: i32, format: i32, absmax: usize, out: usize): void {
  const levels = format == FORMAT_NF4 ? NF4_LEVELS : FP4_LEVELS;
  const planes = format == FORMAT_NF4 ? NF4_LEVELS_PLANES : FP4_LEVELS_PLANES;
  const lowNibble = i8x16.splat(15);
  const vectorEnd = n - n % CHUNK;
  let i = 0;
  for (; i < vectorEnd; i += CHUNK) {
    const block = i / blockSize;
    if ((i + CHUNK - 1) / blockSize != block) {
      for (let k = i; k < i + CHUNK; k++) store<f32>(out + (<usize>k << 2), valueAt(packed, k, blockSize, absmax, levels));
      continue;
    }
    const scale = v128.load32_splat(absmax + (<usize>block << 2));
    const bytes = v128.load(packed + (<usize>i >> 1));
    const high = i8x16.shr_u(bytes, 4);
    const low = v128.and(bytes, lowNibble);
    const first = i8x16.shuffle(high, low, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const second = i8x16.shuffle(high, low, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const p = out + (<usize>i << 2);
    storeLevels16(p, first, planes, scale);
    storeLevels16(p + 64, second, planes, scale);
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), valueAt(packed, i, blockSize, absmax, levels));
}

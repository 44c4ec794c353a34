// Exported number-format kernels. The SIMD build runs the *Simd kernels, the scalar build their *Scalar
// twins; ASC_FEATURE_SIMD is a compile-time constant, so each build contains one of them. Both compute
// the same bits. Addresses are byte offsets; n counts values; every kernel trusts its input.
import { f16ToF32Scalar, f16ToF32Simd, f16ToF64Scalar, f16ToF64Simd, f32ToF16Scalar, f32ToF16Simd, f64ToF16Scalar, f64ToF16Simd } from "./float16";
import { bf16ToF32Scalar, bf16ToF32Simd, bf16ToF64Scalar, f32ToBf16Scalar, f32ToBf16Simd, f64ToBf16Scalar, f64ToBf16Simd } from "./bfloat16";
import {
  dequantizeInt8Scalar, dequantizeInt8Simd, dequantizeUint8Scalar, dequantizeUint8Simd,
  quantizeInt8Scalar, quantizeInt8Simd, quantizeUint8Scalar, quantizeUint8Simd,
} from "./int8";
import { dequantize4bitScalar, dequantize4bitSimd, quantize4bitScalar, quantize4bitSimd } from "./fourbit";

// float16 and bfloat16: `x` or `h`/`b` the source, `out` the destination, n values.

export function f32_to_f16(x: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) f32ToF16Simd(x, out, n);
  else f32ToF16Scalar(x, out, n);
}

export function f64_to_f16(x: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) f64ToF16Simd(x, out, n);
  else f64ToF16Scalar(x, out, n);
}

export function f16_to_f32(h: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) f16ToF32Simd(h, out, n);
  else f16ToF32Scalar(h, out, n);
}

export function f16_to_f64(h: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) f16ToF64Simd(h, out, n);
  else f16ToF64Scalar(h, out, n);
}

export function f32_to_bf16(x: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) f32ToBf16Simd(x, out, n);
  else f32ToBf16Scalar(x, out, n);
}

export function f64_to_bf16(x: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) f64ToBf16Simd(x, out, n);
  else f64ToBf16Scalar(x, out, n);
}

export function bf16_to_f32(b: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) bf16ToF32Simd(b, out, n);
  else bf16ToF32Scalar(b, out, n);
}

// NOTE: bfloat16 -> f64 has no SIMD kernel (a shift and a promotion per value, rarely hot); a SIMD one
// would follow f16ToF64Simd.
export function bf16_to_f64(b: usize, out: usize, n: i32): void {
  bf16ToF64Scalar(b, out, n);
}

// int8 / uint8: groups of `group` consecutive values; the quantizers return the first group whose
// scale is not finite, or -1.

export function quantize_int8_f32(x: usize, n: i32, group: i32, scales: usize, codes: usize): i32 {
  return ASC_FEATURE_SIMD ? quantizeInt8Simd<f32>(x, n, group, scales, codes) : quantizeInt8Scalar<f32>(x, n, group, scales, codes);
}

export function quantize_int8_f64(x: usize, n: i32, group: i32, scales: usize, codes: usize): i32 {
  return ASC_FEATURE_SIMD ? quantizeInt8Simd<f64>(x, n, group, scales, codes) : quantizeInt8Scalar<f64>(x, n, group, scales, codes);
}

export function dequantize_int8_f32(codes: usize, scales: usize, n: i32, group: i32, out: usize): void {
  if (ASC_FEATURE_SIMD) dequantizeInt8Simd<f32>(codes, scales, n, group, out);
  else dequantizeInt8Scalar<f32>(codes, scales, n, group, out);
}

export function dequantize_int8_f64(codes: usize, scales: usize, n: i32, group: i32, out: usize): void {
  if (ASC_FEATURE_SIMD) dequantizeInt8Simd<f64>(codes, scales, n, group, out);
  else dequantizeInt8Scalar<f64>(codes, scales, n, group, out);
}

export function quantize_uint8_f32(x: usize, n: i32, group: i32, scales: usize, zeros: usize, codes: usize): i32 {
  return ASC_FEATURE_SIMD ? quantizeUint8Simd<f32>(x, n, group, scales, zeros, codes) : quantizeUint8Scalar<f32>(x, n, group, scales, zeros, codes);
}

export function quantize_uint8_f64(x: usize, n: i32, group: i32, scales: usize, zeros: usize, codes: usize): i32 {
  return ASC_FEATURE_SIMD ? quantizeUint8Simd<f64>(x, n, group, scales, zeros, codes) : quantizeUint8Scalar<f64>(x, n, group, scales, zeros, codes);
}

export function dequantize_uint8_f32(codes: usize, scales: usize, zeros: usize, n: i32, group: i32, out: usize): void {
  if (ASC_FEATURE_SIMD) dequantizeUint8Simd<f32>(codes, scales, zeros, n, group, out);
  else dequantizeUint8Scalar<f32>(codes, scales, zeros, n, group, out);
}

export function dequantize_uint8_f64(codes: usize, scales: usize, zeros: usize, n: i32, group: i32, out: usize): void {
  if (ASC_FEATURE_SIMD) dequantizeUint8Simd<f64>(codes, scales, zeros, n, group, out);
  else dequantizeUint8Scalar<f64>(codes, scales, zeros, n, group, out);
}

// 4-bit: f32 values, `format` 0 for NF4 and 1 for FP4; the quantizer returns the first block whose
// absmax is not finite, or -1.

export function quantize_4bit(x: usize, n: i32, blockSize: i32, format: i32, absmax: usize, packed: usize): i32 {
  return ASC_FEATURE_SIMD ? quantize4bitSimd(x, n, blockSize, format, absmax, packed) : quantize4bitScalar(x, n, blockSize, format, absmax, packed);
}

export function dequantize_4bit(packed: usize, n: i32, blockSize: i32, format: i32, absmax: usize, out: usize): void {
  if (ASC_FEATURE_SIMD) dequantize4bitSimd(packed, n, blockSize, format, absmax, out);
  else dequantize4bitScalar(packed, n, blockSize, format, absmax, out);
}

// Exported elementwise kernels. The SIMD build runs the kernels in simd.ts, the scalar build their
// twins in scalar.ts; ASC_FEATURE_SIMD is a compile-time constant, so each build contains one of them.
import { addSimd, subSimd, scaleSimd } from "./simd";
import { addScalar, subScalar, scaleScalar } from "./scalar";
import { transposeBlocked } from "./transpose";

export function add_f64(x: usize, y: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) addSimd<f64>(x, y, out, n);
  else addScalar<f64>(x, y, out, n);
}

export function add_f32(x: usize, y: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) addSimd<f32>(x, y, out, n);
  else addScalar<f32>(x, y, out, n);
}

export function sub_f64(x: usize, y: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) subSimd<f64>(x, y, out, n);
  else subScalar<f64>(x, y, out, n);
}

export function sub_f32(x: usize, y: usize, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) subSimd<f32>(x, y, out, n);
  else subScalar<f32>(x, y, out, n);
}

export function scale_f64(x: usize, alpha: f64, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) scaleSimd<f64>(x, alpha, out, n);
  else scaleScalar<f64>(x, alpha, out, n);
}

export function scale_f32(x: usize, alpha: f32, out: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) scaleSimd<f32>(x, alpha, out, n);
  else scaleScalar<f32>(x, alpha, out, n);
}

export function transpose_f64(a: usize, lda: i32, m: i32, n: i32, out: usize, ldo: i32): void {
  transposeBlocked<f64>(a, lda, m, n, out, ldo);
}

export function transpose_f32(a: usize, lda: i32, m: i32, n: i32, out: usize, ldo: i32): void {
  transposeBlocked<f32>(a, lda, m, n, out, ldo);
}

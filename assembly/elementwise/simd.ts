// Elementwise kernels on 128-bit vectors. Each has a scalar twin in scalar.ts that computes the same
// values in the same order: the results are bit-identical across builds.
//
// Contract for every kernel here: `x`, `y` and `out` point at `n` contiguous elements of type T
// (f64 or f32). `out` may be equal to `x` or `y` (each element is read before it is written), but must
// not otherwise overlap them. No alignment is required.

// @ts-ignore: decorator
@inline const VECTOR_BYTES: usize = 16;

/** out[i] = x[i] + y[i] for i < n. */
// @ts-ignore: decorator
@inline export function addSimd<T>(x: usize, y: usize, out: usize, n: i32): void {
  const bytes = <usize>n * sizeof<T>();
  const vectorEnd = bytes & ~(VECTOR_BYTES - 1);
  let offset: usize = 0;
  for (; offset < vectorEnd; offset += VECTOR_BYTES) {
    v128.store(out + offset, v128.add<T>(v128.load(x + offset), v128.load(y + offset)));
  }
  for (; offset < bytes; offset += sizeof<T>()) {
    store<T>(out + offset, load<T>(x + offset) + load<T>(y + offset));
  }
}

/** out[i] = x[i] - y[i] for i < n. */
// @ts-ignore: decorator
@inline export function subSimd<T>(x: usize, y: usize, out: usize, n: i32): void {
  const bytes = <usize>n * sizeof<T>();
  const vectorEnd = bytes & ~(VECTOR_BYTES - 1);
  let offset: usize = 0;
  for (; offset < vectorEnd; offset += VECTOR_BYTES) {
    v128.store(out + offset, v128.sub<T>(v128.load(x + offset), v128.load(y + offset)));
  }
  for (; offset < bytes; offset += sizeof<T>()) {
    store<T>(out + offset, load<T>(x + offset) - load<T>(y + offset));
  }
}

/** out[i] = alpha * x[i] for i < n. */
// @ts-ignore: decorator
@inline export function scaleSimd<T>(x: usize, alpha: T, out: usize, n: i32): void {
  const bytes = <usize>n * sizeof<T>();
  const vectorEnd = bytes & ~(VECTOR_BYTES - 1);
  const alphas = v128.splat<T>(alpha);
  let offset: usize = 0;
  for (; offset < vectorEnd; offset += VECTOR_BYTES) {
    v128.store(out + offset, v128.mul<T>(alphas, v128.load(x + offset)));
  }
  for (; offset < bytes; offset += sizeof<T>()) {
    store<T>(out + offset, alpha * load<T>(x + offset));
  }
}

// Scalar twins of the kernels in simd.ts: the same contract, the same values, one element at a time.

/** out[i] = x[i] + y[i] for i < n. */
// @ts-ignore: decorator
@inline export function addScalar<T>(x: usize, y: usize, out: usize, n: i32): void {
  const bytes = <usize>n * sizeof<T>();
  for (let offset: usize = 0; offset < bytes; offset += sizeof<T>()) {
    store<T>(out + offset, load<T>(x + offset) + load<T>(y + offset));
  }
}

/** out[i] = x[i] - y[i] for i < n. */
// @ts-ignore: decorator
@inline export function subScalar<T>(x: usize, y: usize, out: usize, n: i32): void {
  const bytes = <usize>n * sizeof<T>();
  for (let offset: usize = 0; offset < bytes; offset += sizeof<T>()) {
    store<T>(out + offset, load<T>(x + offset) - load<T>(y + offset));
  }
}

/** out[i] = alpha * x[i] for i < n. */
// @ts-ignore: decorator
@inline export function scaleScalar<T>(x: usize, alpha: T, out: usize, n: i32): void {
  const bytes = <usize>n * sizeof<T>();
  for (let offset: usize = 0; offset < bytes; offset += sizeof<T>()) {
    store<T>(out + offset, alpha * load<T>(x + offset));
  }
}

// Out-of-place transpose, blocked so that both the reads and the writes stay within a few cache lines.
// There is no SIMD variant: a 128-bit shuffle transpose was not worth its complexity for the O(mn)
// copies this serves, which are dominated by memory traffic.

// @ts-ignore: decorator
@inline const TILE: i32 = 32;

/**
 * out[j * ldo + i] = a[i * lda + j] for i < m, j < n: the m x n matrix at `a` (leading dimension
 * `lda`) becomes the n x m matrix at `out` (leading dimension `ldo`). The two must not overlap.
 */
// @ts-ignore: decorator
@inline export function transposeBlocked<T>(a: usize, lda: i32, m: i32, n: i32, out: usize, ldo: i32): void {
  for (let i0 = 0; i0 < m; i0 += TILE) {
    const i1 = min(i0 + TILE, m);
    for (let j0 = 0; j0 < n; j0 += TILE) {
      const j1 = min(j0 + TILE, n);
      for (let i = i0; i < i1; i++) {
        const row = a + <usize>i * <usize>lda * sizeof<T>();
        for (let j = j0; j < j1; j++) {
          store<T>(out + (<usize>j * <usize>ldo + <usize>i) * sizeof<T>(), load<T>(row + <usize>j * sizeof<T>()));
        }
      }
    }
  }
}

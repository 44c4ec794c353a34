// Packing: copies a block of op(A) or op(B) into the contiguous order the micro-kernel reads, so that
// the inner loop walks memory with unit stride whatever the transposes and leading dimensions.
//
// Packed A: the block's rows in panels of MR. Panel r holds rows r*MR .. r*MR + MR - 1, column by
// column: element (i, p) of the block sits at panel r, offset p * MR + (i - r*MR). Packed B: the
// block's columns in panels of NR, row by row: element (p, j) sits at panel j / NR, offset
// p * NR + j % NR. A panel is MR * k (or k * NR) elements long.
//
// Edge panels (fewer than MR rows or NR columns left) are padded with zeros inside the packed buffer,
// so the micro-kernel always runs on a full tile and never reads past the caller's matrix. The zeros
// only reach rows or columns of the tile that are never written back; the k extent is never padded,
// so no padding zero meets an infinity of the other operand in a sum that is kept.
import { MR, nr } from "./params";

/**
 * Copies `bytes` (a multiple of 16 in the SIMD build, of sizeof<T>() otherwise) from `source` to
 * `target`; both are valid for that many bytes.
 */
// @ts-ignore: decorator
@inline function copyContiguous<T>(source: usize, target: usize, bytes: usize): void {
  if (ASC_FEATURE_SIMD) {
    for (let offset: usize = 0; offset < bytes; offset += 16) v128.store(target + offset, v128.load(source + offset));
  } else {
    for (let offset: usize = 0; offset < bytes; offset += sizeof<T>()) store<T>(target + offset, load<T>(source + offset));
  }
}

/**
 * Packs the m x k block of op(A) that starts at `a` into MR-row panels at `packed`. op(A) is A, with
 * element (i, p) at a[i * lda + p], or A^T when `transA`, with element (i, p) at a[p * lda + i].
 * `packed` must hold ceil(m / MR) * MR * k elements.
 */
export function packA<T>(transA: bool, m: i32, k: i32, a: usize, lda: i32, packed: usize): void {
  const size = sizeof<T>();
  const rowBytes = <usize>lda * size;
  const panelColumnBytes = <usize>MR * size;

  for (let i0 = 0; i0 < m; i0 += MR) {
    const rows = min(MR, m - i0);
    let target = packed + <usize>i0 * <usize>k * size;

    if (!transA) {
      // Rows of the panel are rows of A: read MR of them side by side.
      const row0 = a + <usize>i0 * rowBytes;
      if (rows == MR) {
        const row1 = row0 + rowBytes;
        const row2 = row1 + rowBytes;
        const row3 = row2 + rowBytes;
        for (let p = 0; p < k; p++) {
          const offset = <usize>p * size;
          store<T>(target, load<T>(row0 + offset));
          store<T>(target + size, load<T>(row1 + offset));
          store<T>(target + 2 * size, load<T>(row2 + offset));
          store<T>(target + 3 * size, load<T>(row3 + offset));
          target += panelColumnBytes;
        }
      } else {
        for (let p = 0; p < k; p++) {
          for (let i = 0; i < MR; i++) {
            const value = i < rows ? load<T>(row0 + <usize>i * rowBytes + <usize>p * size) : <T>0;
            store<T>(target + <usize>i * size, value);
          }
          target += panelColumnBytes;
        }
      }
    } else {
      // Rows of the panel are columns of A: each column of the panel is MR contiguous elements.
      let source = a + <usize>i0 * size;
      if (rows == MR) {
        for (let p = 0; p < k; p++) {
          copyContiguous<T>(source, target, panelColumnBytes);
          source += rowBytes;
          target += panelColumnBytes;
        }
      } else {
        for (let p = 0; p < k; p++) {
          for (let i = 0; i < MR; i++) store<T>(target + <usize>i * size, i < rows ? load<T>(source + <usize>i * size) : <T>0);
          source += rowBytes;
          target += panelColumnBytes;
        }
      }
    }
  }
}

/**
 * Packs the k x n block of op(B) that starts at `b` into NR-column panels at `packed`. op(B) is B,
 * with element (p, j) at b[p * ldb + j], or B^T when `transB`, with element (p, j) at b[j * ldb + p].
 * `packed` must hold k * ceil(n / NR) * NR elements.
 */
export function packB<T>(transB: bool, k: i32, n: i32, b: usize, ldb: i32, packed: usize): void {
  const NR = nr<T>();
  const size = sizeof<T>();
  const rowBytes = <usize>ldb * size;
  const panelRowBytes = <usize>NR * size;

  for (let j0 = 0; j0 < n; j0 += NR) {
    const cols = min(NR, n - j0);
    let target = packed + <usize>j0 * <usize>k * size;

    if (!transB) {
      // Each row of the panel is NR contiguous elements of a row of B.
      let source = b + <usize>j0 * size;
      if (cols == NR) {
        for (let p = 0; p < k; p++) {
          copyContiguous<T>(source, target, panelRowBytes);
          source += rowBytes;
          target += panelRowBytes;
        }
      } else {
        for (let p = 0; p < k; p++) {
          for (let j = 0; j < NR; j++) store<T>(target + <usize>j * size, j < cols ? load<T>(source + <usize>j * size) : <T>0);
          source += rowBytes;
          target += panelRowBytes;
        }
      }
    } else {
      // Columns of the panel are rows of B: read NR (or fewer) of them side by side.
      const row0 = b + <usize>j0 * rowBytes;
      for (let p = 0; p < k; p++) {
        const offset = <usize>p * size;
        for (let j = 0; j < NR; j++) {
          store<T>(target + <usize>j * size, j < cols ? load<T>(row0 + <usize>j * rowBytes + offset) : <T>0);
        }
        target += panelRowBytes;
      }
    }
  }
}

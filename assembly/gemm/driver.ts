// The loops of the Goto/BLIS matrix multiply around the micro-kernel: C = alpha op(A) op(B) + beta C
// on row-major matrices. From the outside in:
//   jc over n in steps of NC   (a panel of B, packed once per pc)
//   pc over k in steps of KC   (the depth of one packed block)
//   ic over m in steps of MC   (a block of A, packed once per pc and jc)
//   jr over the panel in steps of NR, ir over the block in steps of MR: the macro-kernel, which calls
//   the micro-kernel once per MR x NR tile of C.
// Packing (pack.ts), the micro-kernels (microkernel.ts) and the block sizes (params.ts) live apart.
import { kc as kcBlock, MR, mc as mcBlock, nc as ncBlock, nr, PACK_ALIGNMENT } from "./params";
import { packA, packB } from "./pack";
import { microKernel } from "./microkernel";

// @ts-ignore: decorator
@inline function alignUp(bytes: usize, alignment: usize): usize {
  return (bytes + alignment - 1) & ~(alignment - 1);
}

// @ts-ignore: decorator
@inline function roundUp(value: i32, multiple: i32): i32 {
  return ((value + multiple - 1) / multiple) * multiple;
}

/** Bytes of the packed-A block, rounded up to PACK_ALIGNMENT. */
// @ts-ignore: decorator
@inline function packedABytes<T>(m: i32, k: i32): usize {
  return alignUp(<usize>min(mcBlock<T>(), roundUp(m, MR)) * <usize>min(kcBlock<T>(), k) * sizeof<T>(), PACK_ALIGNMENT);
}

/** Bytes of the packed-B panel, rounded up to PACK_ALIGNMENT. */
// @ts-ignore: decorator
@inline function packedBBytes<T>(n: i32, k: i32): usize {
  return alignUp(<usize>min(kcBlock<T>(), k) * <usize>min(ncBlock<T>(), roundUp(n, nr<T>())) * sizeof<T>(), PACK_ALIGNMENT);
}

/**
 * Returns the bytes of workspace `gemm<T>` needs for an m x n x k product: a packed block of A, a
 * packed panel of B and one scratch tile. 0 when the product has nothing to multiply.
 */
export function gemmWorkspaceBytes<T>(m: i32, n: i32, k: i32): usize {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  return packedABytes<T>(m, k) + packedBBytes<T>(n, k) + alignUp(<usize>MR * <usize>nr<T>() * sizeof<T>(), PACK_ALIGNMENT);
}

/** C = beta * C for an m x n matrix; with beta == 0, C is set to zero without being read. */
function scaleMatrix<T>(m: i32, n: i32, beta: T, c: usize, ldc: i32): void {
  const size = sizeof<T>();
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * <usize>ldc * size;
    if (beta == 0) {
      memory.fill(row, 0, <usize>n * size);
    } else if (beta != 1) {
      for (let j = 0; j < n; j++) store<T>(row + <usize>j * size, beta * load<T>(row + <usize>j * size));
    }
  }
}

/**
 * Multiplies the packed m x k block of A by the packed k x n panel of B into the m x n block of C at
 * `c`, one micro-kernel call per MR x NR tile. The jr loop is outside so that one micro-panel of B
 * stays in L1 while the tiles of the A block stream past it.
 */
function macroKernel<T>(m: i32, n: i32, k: i32, alpha: T, packedA: usize, packedB: usize, beta: T, c: usize, ldc: i32, tile: usize): void {
  const NR = nr<T>();
  const size = sizeof<T>();
  for (let j = 0; j < n; j += NR) {
    const cols = min(NR, n - j);
    const b = packedB + <usize>j * <usize>k * size;
    for (let i = 0; i < m; i += MR) {
      const rows = min(MR, m - i);
      const a = packedA + <usize>i * <usize>k * size;
      microKernel<T>(k, a, b, alpha, beta, c + (<usize>i * <usize>ldc + <usize>j) * size, ldc, rows, cols, tile);
    }
  }
}

/**
 * C = alpha op(A) op(B) + beta C, with op(A) m x k, op(B) k x n and C m x n, all row-major with
 * leading dimensions lda, ldb, ldc in elements. op(A) is A (m x k, element (i, p) at a[i * lda + p])
 * or, with `transA`, A^T (A stored k x m); likewise op(B) with `transB` (B stored n x k).
 *
 * BLAS semantics: beta == 0 means C is not read (NaN in C does not reach the result); alpha == 0 or
 * k == 0 means A and B are not read and C = beta C. Otherwise every product is computed, so NaN and
 * infinity propagate. `work` is at least gemmWorkspaceBytes<T>(m, n, k) bytes, 64-byte aligned, and
 * must not overlap A, B or C; C must not overlap A or B. Nothing is allocated.
 *
 * This runs on the calling thread only. The threaded build splits a product across workers from
 * TypeScript (src/runtime/parallel.ts); kernels that multiply inside AssemblyScript reach those
 * workers through gemmPooled<T> (pooled.ts).
 */
export function gemm<T>(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: T, a: usize, lda: i32, b: usize, ldb: i32, beta: T, c: usize, ldc: i32, work: usize): void {
  if (m <= 0 || n <= 0) return;
  if (alpha == 0 || k <= 0) {
    scaleMatrix<T>(m, n, beta, c, ldc);
    return;
  }

  const size = sizeof<T>();
  const KC = kcBlock<T>();
  const MC = mcBlock<T>();
  const NC = ncBlock<T>();
  const packedA = work;
  const packedB = packedA + packedABytes<T>(m, k);
  const tile = packedB + packedBBytes<T>(n, k);

  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);

      // op(B)[pc, jc] is b[pc * ldb + jc], or b[jc * ldb + pc] when B is stored transposed.
      const bBlock = transB ? b + (<usize>jc * <usize>ldb + <usize>pc) * size : b + (<usize>pc * <usize>ldb + <usize>jc) * size;
      packB<T>(transB, kc, nc, bBlock, ldb, packedB);

      // The first block over k applies beta; the later ones add to what it wrote.
      const betaBlock: T = pc == 0 ? beta : <T>1;

      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        const aBlock = transA ? a + (<usize>pc * <usize>lda + <usize>ic) * size : a + (<usize>ic * <usize>lda + <usize>pc) * size;
        packA<T>(transA, mc, kc, aBlock, lda, packedA);
        macroKernel<T>(mc, nc, kc, alpha, packedA, packedB, betaBlock, c + (<usize>ic * <usize>ldc + <usize>jc) * size, ldc, tile);
      }
    }
  }
}

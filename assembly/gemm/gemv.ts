// Matrix-vector product y = alpha op(A) x + beta y. Unlike the matrix product it does one multiply
// and one add per element of A, so it is bound by memory bandwidth: the kernels stream A once, in
// storage order, four rows at a time, and do no packing.
//
// A is m x n, row-major with leading dimension lda. Without transA, x has n elements and y has m; with
// transA, x has m elements and y has n. beta == 0 means y is not read; alpha == 0 or an empty inner
// dimension means A and x are not read and y = beta y.
import { lanes } from "./params";
import { multiplyAdd, sumLanes } from "./vector";

/** Returns the bytes of workspace `gemv<T>` needs: n elements with transA (the sums), none without. */
export function gemvWorkspaceBytes<T>(transA: bool, m: i32, n: i32): usize {
  return transA ? <usize>max(n, 0) * sizeof<T>() : 0;
}

/** y[0] = alpha * sum + beta * y[0], reading y only when beta != 0. */
// @ts-ignore: decorator
@inline function storeResult<T>(y: usize, sum: T, alpha: T, beta: T): void {
  store<T>(y, beta == 0 ? alpha * sum : alpha * sum + beta * load<T>(y));
}

/** y = beta * y for n elements; with beta == 0, y is set to zero without being read. */
function scaleVector<T>(n: i32, beta: T, y: usize): void {
  if (beta == 0) {
    memory.fill(y, 0, <usize>n * sizeof<T>());
  } else if (beta != 1) {
    for (let i = 0; i < n; i++) store<T>(y + <usize>i * sizeof<T>(), beta * load<T>(y + <usize>i * sizeof<T>()));
  }
}

/** y = alpha A x + beta y: one dot product per row, four rows sharing each load of x. */
function gemvRows<T>(m: i32, n: i32, alpha: T, a: usize, lda: i32, x: usize, beta: T, y: usize): void {
  const size = sizeof<T>();
  const rowBytes = <usize>lda * size;
  const vectorEnd: i32 = ASC_FEATURE_SIMD ? n & ~(lanes<T>() - 1) : 0;

  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const row0 = a + <usize>i * rowBytes;
    const row1 = row0 + rowBytes;
    const row2 = row1 + rowBytes;
    const row3 = row2 + rowBytes;
    let sum0: T = 0, sum1: T = 0, sum2: T = 0, sum3: T = 0;
    if (ASC_FEATURE_SIMD) {
      let v0 = v128.splat<T>(0), v1 = v0, v2 = v0, v3 = v0;
      for (let j = 0; j < vectorEnd; j += lanes<T>()) {
        const offset = <usize>j * size;
        const xs = v128.load(x + offset);
        v0 = multiplyAdd<T>(v128.load(row0 + offset), xs, v0);
        v1 = multiplyAdd<T>(v128.load(row1 + offset), xs, v1);
        v2 = multiplyAdd<T>(v128.load(row2 + offset), xs, v2);
        v3 = multiplyAdd<T>(v128.load(row3 + offset), xs, v3);
      }
      sum0 = sumLanes<T>(v0);
      sum1 = sumLanes<T>(v1);
      sum2 = sumLanes<T>(v2);
      sum3 = sumLanes<T>(v3);
    }
    for (let j = vectorEnd; j < n; j++) {
      const offset = <usize>j * size;
      const xj = load<T>(x + offset);
      sum0 += load<T>(row0 + offset) * xj;
      sum1 += load<T>(row1 + offset) * xj;
      sum2 += load<T>(row2 + offset) * xj;
      sum3 += load<T>(row3 + offset) * xj;
    }
    const target = y + <usize>i * size;
    storeResult<T>(target, sum0, alpha, beta);
    storeResult<T>(target + size, sum1, alpha, beta);
    storeResult<T>(target + 2 * size, sum2, alpha, beta);
    storeResult<T>(target + 3 * size, sum3, alpha, beta);
  }

  // The last m % 4 rows, one at a time.
  for (; i < m; i++) {
    const row = a + <usize>i * rowBytes;
    let sum: T = 0;
    if (ASC_FEATURE_SIMD) {
      let v = v128.splat<T>(0);
      for (let j = 0; j < vectorEnd; j += lanes<T>()) {
        const offset = <usize>j * size;
        v = multiplyAdd<T>(v128.load(row + offset), v128.load(x + offset), v);
      }
      sum = sumLanes<T>(v);
    }
    for (let j = vectorEnd; j < n; j++) sum += load<T>(row + <usize>j * size) * load<T>(x + <usize>j * size);
    storeResult<T>(y + <usize>i * size, sum, alpha, beta);
  }
}

/**
 * y = alpha A^T x + beta y: the rows of A, scaled by the elements of x, are summed into `sums`
 * (n elements of workspace) four at a time, then y is updated once, so alpha and beta apply to the
 * finished sums as in the matrix product.
 */
function gemvColumns<T>(m: i32, n: i32, alpha: T, a: usize, lda: i32, x: usize, beta: T, y: usize, sums: usize): void {
  const size = sizeof<T>();
  const rowBytes = <usize>lda * size;
  const vectorEnd: i32 = ASC_FEATURE_SIMD ? n & ~(lanes<T>() - 1) : 0;
  memory.fill(sums, 0, <usize>n * size);

  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const row0 = a + <usize>i * rowBytes;
    const row1 = row0 + rowBytes;
    const row2 = row1 + rowBytes;
    const row3 = row2 + rowBytes;
    const x0 = load<T>(x + <usize>i * size);
    const x1 = load<T>(x + <usize>(i + 1) * size);
    const x2 = load<T>(x + <usize>(i + 2) * size);
    const x3 = load<T>(x + <usize>(i + 3) * size);
    if (ASC_FEATURE_SIMD) {
      const xs0 = v128.splat<T>(x0), xs1 = v128.splat<T>(x1), xs2 = v128.splat<T>(x2), xs3 = v128.splat<T>(x3);
      for (let j = 0; j < vectorEnd; j += lanes<T>()) {
        const offset = <usize>j * size;
        let s = v128.load(sums + offset);
        s = multiplyAdd<T>(xs0, v128.load(row0 + offset), s);
        s = multiplyAdd<T>(xs1, v128.load(row1 + offset), s);
        s = multiplyAdd<T>(xs2, v128.load(row2 + offset), s);
        s = multiplyAdd<T>(xs3, v128.load(row3 + offset), s);
        v128.store(sums + offset, s);
      }
    }
    for (let j = vectorEnd; j < n; j++) {
      const offset = <usize>j * size;
      let s = load<T>(sums + offset);
      s += x0 * load<T>(row0 + offset);
      s += x1 * load<T>(row1 + offset);
      s += x2 * load<T>(row2 + offset);
      s += x3 * load<T>(row3 + offset);
      store<T>(sums + offset, s);
    }
  }

  // The last m % 4 rows, one at a time.
  for (; i < m; i++) {
    const row = a + <usize>i * rowBytes;
    const xi = load<T>(x + <usize>i * size);
    if (ASC_FEATURE_SIMD) {
      const xs = v128.splat<T>(xi);
      for (let j = 0; j < vectorEnd; j += lanes<T>()) {
        const offset = <usize>j * size;
        v128.store(sums + offset, multiplyAdd<T>(xs, v128.load(row + offset), v128.load(sums + offset)));
      }
    }
    for (let j = vectorEnd; j < n; j++) {
      const offset = <usize>j * size;
      store<T>(sums + offset, load<T>(sums + offset) + xi * load<T>(row + offset));
    }
  }

  for (let j = 0; j < n; j++) storeResult<T>(y + <usize>j * size, load<T>(sums + <usize>j * size), alpha, beta);
}

/**
 * y = alpha op(A) x + beta y (shapes and semantics in the file header). `work` is at least
 * gemvWorkspaceBytes<T>(transA, m, n) bytes and overlaps none of A, x and y; y overlaps neither A
 * nor x. Nothing is allocated.
 */
export function gemv<T>(transA: bool, m: i32, n: i32, alpha: T, a: usize, lda: i32, x: usize, beta: T, y: usize, work: usize): void {
  const outputs = transA ? n : m;
  const inputs = transA ? m : n;
  if (outputs <= 0) return;
  if (alpha == 0 || inputs <= 0) {
    scaleVector<T>(outputs, beta, y);
    return;
  }
  if (transA) gemvColumns<T>(m, n, alpha, a, lda, x, beta, y, work);
  else gemvRows<T>(m, n, alpha, a, lda, x, beta, y);
}

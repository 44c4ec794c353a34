// matmul against the naive f64 reference, on every build: sizes around the micro-kernel's tile and
// the cache blocks, all four transpose combinations, views, alpha and beta, and the BLAS edge cases.
import { beforeAll, describe, expect, it } from "vitest";
import { matmul, RandomState, resident, type DType, type Matrix } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import { at, denseValues, referenceMatmul, SMALLEST_SUBNORMAL } from "../helpers/products.js";

const DTYPES: DType[] = ["f64", "f32"];
const TRANSPOSES = [
  { transA: false, transB: false },
  { transA: true, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: true },
] as const;

const rng = new RandomState(4);

/**
 * Creates a rows x cols matrix of standard normal values. With `stride` > cols it is a view whose
 * elements between rows are NaN, so a kernel that reads them puts NaN into its result.
 */
function randomMatrix(rows: number, cols: number, dtype: DType, stride = cols): Matrix {
  const length = rows === 0 ? 0 : (rows - 1) * stride + cols;
  const data = dtype === "f64" ? new Float64Array(length) : new Float32Array(length);
  data.fill(NaN);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * stride + j] = rng.randn();
  return { rows, cols, data, stride };
}

/** Returns the stored shape of an operand whose op() has the given shape. */
function stored(rows: number, cols: number, transposed: boolean): [number, number] {
  return transposed ? [cols, rows] : [rows, cols];
}

/** Runs C = op(A) op(B) for op(A) m x k and op(B) k x n and checks it against the reference. */
function checkProduct(m: number, n: number, k: number, dtype: DType, transA: boolean, transB: boolean, pad = 0): void {
  const [aRows, aCols] = stored(m, k, transA);
  const [bRows, bCols] = stored(k, n, transB);
  const a = randomMatrix(aRows, aCols, dtype, aCols + pad);
  const b = randomMatrix(bRows, bCols, dtype, bCols + pad);
  const c = matmul(a, b, { transA, transB });
  expect(c.rows).toBe(m);
  expect(c.cols).toBe(n);
  expect(c.data).toBeInstanceOf(dtype === "f64" ? Float64Array : Float32Array);
  expect(denseValues(c), `${m}x${n}x${k} ${dtype} transA=${transA} transB=${transB}`).toMatchProduct(referenceMatmul(a, b, { transA, transB }));
}

describe("matmul", () => {
  beforeAll(loadBackend);

  describe.each(DTYPES)("%s", (dtype) => {
    it.each(TRANSPOSES)("small sizes with transA=$transA transB=$transB", ({ transA, transB }) => {
      for (const m of [0, 1, 2, 3, 4, 5, 7, 8, 9, 13]) {
        for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17]) {
          for (const k of [0, 1, 2, 3, 5, 8, 13, 31]) checkProduct(m, n, k, dtype, transA, transB);
        }
      }
    });

    it.each(TRANSPOSES)("tile and block edges with transA=$transA transB=$transB", ({ transA, transB }) => {
      // One tile (4 x 8 for f32, 4 x 4 for f64) and one more or less, then the k block (256) and
      // the m block (192 for f32, 64 for f64) and one more or less.
      const mBlock = dtype === "f32" ? 192 : 64;
      const shapes: Array<[number, number, number]> = [
        [4, 8, 4], [3, 7, 5], [5, 9, 3], [4, 4, 1], [3, 3, 2], [5, 5, 6],
        [mBlock - 1, 9, 255], [mBlock, 8, 256], [mBlock + 1, 7, 257], [2 * mBlock + 3, 5, 20], [6, 5, 513],
      ];
      for (const [m, n, k] of shapes) checkProduct(m, n, k, dtype, transA, transB);
    });

    it.each(TRANSPOSES)("prime sizes with transA=$transA transB=$transB", ({ transA, transB }) => {
      for (const [m, n, k] of [[31, 37, 41], [61, 59, 67], [101, 103, 107]] as const) checkProduct(m, n, k, dtype, transA, transB);
    });

    it("columns past the n block", () => {
      // The n block is 4096 columns for f32 and 2048 for f64.
      checkProduct(5, dtype === "f32" ? 4097 : 2049, 3, dtype, false, false);
      checkProduct(3, dtype === "f32" ? 4100 : 2050, 260, dtype, false, true);
    });

    it("long thin shapes", () => {
      checkProduct(1, 1, 1000, dtype, false, false);
      checkProduct(1000, 1000, 1, dtype, false, false);
      checkProduct(1000, 1, 3, dtype, true, false);
      checkProduct(1, 1000, 3, dtype, false, true);
    });

    it.each(TRANSPOSES)("views with a stride wider than the matrix, transA=$transA transB=$transB", ({ transA, transB }) => {
      for (const [m, n, k] of [[9, 17, 13], [4, 8, 4], [33, 5, 70]] as const) checkProduct(m, n, k, dtype, transA, transB, 3);
    });

    it("writes into an out view without touching the elements between its rows", () => {
      const a = randomMatrix(6, 5, dtype);
      const b = randomMatrix(5, 9, dtype);
      const stride = 12;
      const data = dtype === "f64" ? new Float64Array(5 * stride + 9) : new Float32Array(5 * stride + 9);
      data.fill(-7);
      const out: Matrix = { rows: 6, cols: 9, data, stride };
      const before = denseValues(out);
      const result = matmul(a, b, { out, alpha: 0.5, beta: 2 });
      expect(result).toBe(out);
      expect(denseValues(out)).toMatchProduct(referenceMatmul(a, b, { alpha: 0.5, beta: 2, c: { rows: 6, cols: 9, data: Float64Array.from(before) } }));
      for (let i = 0; i < 5; i++) for (let j = 9; j < stride; j++) expect(data[i * stride + j]).toBe(-7);
    });

    it("combines alpha and beta", () => {
      const a = randomMatrix(13, 7, dtype);
      const b = randomMatrix(7, 10, dtype);
      for (const alpha of [1, -0.5, 2.25]) {
        for (const beta of [0, 1, -1.5]) {
          const c = randomMatrix(13, 10, dtype);
          const before: Matrix = { ...c, data: c.data.slice() };
          matmul(a, b, { alpha, beta, out: c });
          expect(denseValues(c), `alpha=${alpha} beta=${beta}`).toMatchProduct(referenceMatmul(a, b, { alpha, beta, c: before }));
        }
      }
    });

    it("ignores beta without out", () => {
      const a = randomMatrix(3, 4, dtype);
      const b = randomMatrix(4, 5, dtype);
      expect(denseValues(matmul(a, b, { beta: 3 }))).toMatchProduct(referenceMatmul(a, b));
    });

    it("does not read C when beta is 0", () => {
      const a = randomMatrix(9, 6, dtype);
      const b = randomMatrix(6, 11, dtype);
      const c = randomMatrix(9, 11, dtype);
      c.data.fill(NaN);
      matmul(a, b, { out: c, beta: 0 });
      expect(denseValues(c)).toMatchProduct(referenceMatmul(a, b));
      expect(denseValues(c).some(Number.isNaN)).toBe(false);
    });

    it("does not read A or B when alpha is 0", () => {
      const a = randomMatrix(5, 6, dtype);
      const b = randomMatrix(6, 9, dtype);
      a.data.fill(NaN);
      b.data.fill(Infinity);
      const c = randomMatrix(5, 9, dtype);
      const expected = Array.from(c.data, (x) => (dtype === "f32" ? Math.fround(-2 * x) : -2 * x));
      matmul(a, b, { out: c, alpha: 0, beta: -2 });
      expect(Array.from(c.data)).toEqual(expected);
      matmul(a, b, { out: c, alpha: 0, beta: 0 });
      expect(Array.from(c.data)).toEqual(new Array(45).fill(0));
    });

    it("gives beta C when k is 0", () => {
      const c = randomMatrix(4, 3, dtype);
      const expected = Array.from(c.data, (x) => 3 * x);
      matmul(randomMatrix(4, 0, dtype), randomMatrix(0, 3, dtype), { out: c, beta: 3 });
      expect(Array.from(c.data)).toEqual(expected.map((x) => (dtype === "f32" ? Math.fround(x) : x)));
      expect(Array.from(matmul(randomMatrix(4, 0, dtype), randomMatrix(0, 3, dtype)).data)).toEqual(new Array(12).fill(0));
    });

    it.each(TRANSPOSES)("propagates NaN and infinity with transA=$transA transB=$transB", ({ transA, transB }) => {
      const [m, n, k] = [9, 10, 7];
      const a = randomMatrix(...stored(m, k, transA), dtype);
      const b = randomMatrix(...stored(k, n, transB), dtype);
      const setA = (i: number, p: number, value: number) => { a.data[transA ? p * m + i : i * k + p] = value; };
      const setB = (p: number, j: number, value: number) => { b.data[transB ? j * k + p : p * n + j] = value; };
      setA(1, 2, Infinity);   // row 1: Inf, except NaN where B[2, j] is 0
      setB(2, 3, 0);
      setA(5, 0, NaN);        // row 5: NaN everywhere
      setB(4, 8, -Infinity);  // column 8: -Inf or +Inf by the sign of A[i, 4]
      setA(7, 4, 0);          // except row 7, where 0 * -Inf is NaN
      const c = matmul(a, b, { transA, transB });
      const expected = referenceMatmul(a, b, { transA, transB });
      expect(denseValues(c)).toMatchProduct(expected);
      expect(at(c, 1, 3)).toBeNaN();
      expect(at(c, 5, 0)).toBeNaN();
      expect(at(c, 7, 8)).toBeNaN();
      expect(Math.abs(at(c, 0, 8))).toBe(Infinity);
    });

    it("keeps subnormal inputs and results", () => {
      const tiny = SMALLEST_SUBNORMAL[dtype];
      // Subnormal inputs times small integers: every product and sum is exact.
      const a = randomMatrix(5, 6, dtype);
      const b = randomMatrix(6, 7, dtype);
      a.data.forEach((_, i) => { a.data[i] = (i % 5) * tiny; });
      b.data.forEach((_, i) => { b.data[i] = (i % 3) - 1; });
      expect(denseValues(matmul(a, b))).toEqual(referenceMatmul(a, b).values);
      // Normal inputs whose products are subnormal.
      const half = dtype === "f64" ? 1e-160 : 1e-20;
      a.data.fill(half);
      b.data.forEach((_, i) => { b.data[i] = half * (1 + (i % 4)); });
      const c = matmul(a, b);
      expect(denseValues(c)).toMatchProduct(referenceMatmul(a, b));
      expect(c.data.every((x) => x > 0 && x < (dtype === "f64" ? 2 ** -1022 : 2 ** -126))).toBe(true);
    });

    it("takes resident inputs", () => {
      const a = randomMatrix(21, 19, dtype);
      const b = randomMatrix(23, 19, dtype);
      const ra = resident(a);
      const rb = resident(b);
      try {
        expect(denseValues(matmul(ra, rb, { transB: true }))).toMatchProduct(referenceMatmul(a, b, { transB: true }));
      } finally {
        ra.dispose();
        rb.dispose();
      }
    });

    it("leaves its inputs unchanged", () => {
      const a = randomMatrix(7, 8, dtype, 9);
      const b = randomMatrix(8, 5, dtype);
      const aBefore = a.data.slice();
      const bBefore = b.data.slice();
      matmul(a, b, { alpha: 3 });
      expect(a.data).toEqualBits(aBefore);
      expect(b.data).toEqualBits(bBefore);
    });
  });

  describe("argument errors", () => {
    const a = { rows: 2, cols: 3, data: new Float64Array(6) };
    const b = { rows: 4, cols: 5, data: new Float64Array(20) };

    it("rejects inner dimensions that differ, naming both shapes", () => {
      expect(() => matmul(a, b)).toThrow(RangeError);
      expect(() => matmul(a, b)).toThrow("matmul: b must have 3 rows to match the columns of a (a is 2x3), received 4x5");
      expect(() => matmul(a, b, { transA: true, transB: true })).toThrow(/b must have 2 columns .*a\^T \(a is 2x3\), received 4x5/);
    });

    it("rejects an out that overlaps an input, naming both shapes", () => {
      const square = { rows: 3, cols: 3, data: new Float64Array(9) };
      expect(() => matmul(square, square, { out: square })).toThrow(RangeError);
      expect(() => matmul(square, square, { out: square })).toThrow(/options\.out must not share memory with a \(3x3\), received a 3x3 matrix/);
      const buffer = new Float64Array(20);
      const left = { rows: 2, cols: 2, data: buffer.subarray(0, 4) };
      const out = { rows: 2, cols: 2, data: buffer.subarray(2, 6) };
      expect(() => matmul({ rows: 2, cols: 2, data: new Float64Array(4) }, left, { out })).toThrow(/share memory with b \(2x2\)/);
    });

    it("rejects mixed element types", () => {
      const f32 = { rows: 3, cols: 2, data: new Float32Array(6) };
      expect(() => matmul(a, f32)).toThrow(TypeError);
      expect(() => matmul(a, { rows: 3, cols: 2, data: new Float64Array(6) }, { out: { rows: 2, cols: 2, data: new Float32Array(4) } })).toThrow(TypeError);
    });

    it("rejects an out of the wrong shape", () => {
      expect(() => matmul(a, { rows: 3, cols: 2, data: new Float64Array(6) }, { out: { rows: 2, cols: 3, data: new Float64Array(6) } })).toThrow(
        "matmul: options.out must be 2x2 (op(a) op(b) is 2x2), received 2x3",
      );
    });

    it("rejects options of the wrong type", () => {
      const square = { rows: 3, cols: 3, data: new Float64Array(9) };
      expect(() => matmul(square, square, { transA: 1 as unknown as boolean })).toThrow(TypeError);
      expect(() => matmul(square, square, { alpha: "2" as unknown as number })).toThrow(TypeError);
      expect(() => matmul(square, square, 5 as unknown as object)).toThrow(TypeError);
    });
  });
});

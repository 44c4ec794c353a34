// matvec against the naive f64 reference, on every build: sizes around the vector width and the
// four-row blocks, both orientations, views, alpha and beta, and the BLAS edge cases.
import { beforeAll, describe, expect, it } from "vitest";
import { matvec, RandomState, resident, type DType, type FloatArray, type Matrix } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import { referenceMatvec } from "../helpers/products.js";

const DTYPES: DType[] = ["f64", "f32"];
const rng = new RandomState(5);

/** Creates a rows x cols matrix of normal values, a view with NaN between its rows when stride > cols. */
function randomMatrix(rows: number, cols: number, dtype: DType, stride = cols): Matrix {
  const length = rows === 0 ? 0 : (rows - 1) * stride + cols;
  const data = dtype === "f64" ? new Float64Array(length) : new Float32Array(length);
  data.fill(NaN);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * stride + j] = rng.randn();
  return { rows, cols, data, stride };
}

function randomVector(length: number, dtype: DType): FloatArray {
  const values = Array.from({ length }, () => rng.randn());
  return dtype === "f64" ? Float64Array.from(values) : Float32Array.from(values);
}

describe("matvec", () => {
  beforeAll(loadBackend);

  describe.each(DTYPES)("%s", (dtype) => {
    it.each([false, true])("every small size with transA=%s", (transA) => {
      const sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 17, 33, 100];
      for (const m of sizes) {
        for (const n of sizes) {
          const a = randomMatrix(m, n, dtype);
          const x = randomVector(transA ? m : n, dtype);
          const y = matvec(a, x, { transA });
          expect(y).toBeInstanceOf(dtype === "f64" ? Float64Array : Float32Array);
          expect(y, `${m}x${n} transA=${transA}`).toMatchProduct(referenceMatvec(a, x, { transA }));
        }
      }
    });

    it.each([false, true])("long shapes and views with transA=%s", (transA) => {
      for (const [m, n, stride] of [[1, 1000, 1000], [1000, 1, 1], [37, 61, 64], [130, 67, 70]] as const) {
        const a = randomMatrix(m, n, dtype, stride);
        const x = randomVector(transA ? m : n, dtype);
        expect(matvec(a, x, { transA }), `${m}x${n} stride ${stride}`).toMatchProduct(referenceMatvec(a, x, { transA }));
      }
    });

    it.each([false, true])("combines alpha and beta with transA=%s", (transA) => {
      const a = randomMatrix(11, 13, dtype);
      const x = randomVector(transA ? 11 : 13, dtype);
      for (const alpha of [1, -0.5, 3]) {
        for (const beta of [0, 1, -2.5]) {
          const y = randomVector(transA ? 13 : 11, dtype);
          const before = y.slice();
          const result = matvec(a, x, { transA, alpha, beta, out: y });
          expect(result).toBe(y);
          expect(y, `alpha=${alpha} beta=${beta}`).toMatchProduct(referenceMatvec(a, x, { transA, alpha, beta, y: before }));
        }
      }
    });

    it.each([false, true])("does not read y when beta is 0, transA=%s", (transA) => {
      const a = randomMatrix(9, 6, dtype);
      const x = randomVector(transA ? 9 : 6, dtype);
      const y = randomVector(transA ? 6 : 9, dtype).fill(NaN);
      matvec(a, x, { transA, out: y });
      expect(y).toMatchProduct(referenceMatvec(a, x, { transA }));
      expect(y.some(Number.isNaN)).toBe(false);
    });

    it.each([false, true])("does not read A or x when alpha is 0, transA=%s", (transA) => {
      const a = randomMatrix(7, 5, dtype);
      a.data.fill(NaN);
      const x = randomVector(transA ? 7 : 5, dtype).fill(Infinity);
      const y = randomVector(transA ? 5 : 7, dtype);
      const expected = Array.from(y, (v) => (dtype === "f32" ? Math.fround(0.5 * v) : 0.5 * v));
      matvec(a, x, { transA, alpha: 0, beta: 0.5, out: y });
      expect(Array.from(y)).toEqual(expected);
      matvec(a, x, { transA, alpha: 0, out: y });
      expect(Array.from(y)).toEqual(new Array(y.length).fill(0));
    });

    it.each([false, true])("propagates NaN and infinity, transA=%s", (transA) => {
      const a = randomMatrix(10, 9, dtype);
      const x = randomVector(transA ? 10 : 9, dtype);
      a.data[2 * 9 + 3] = Infinity;       // A[2, 3]
      a.data[6 * 9 + 1] = NaN;            // A[6, 1]
      if (transA) x[2] = 0;               // 0 * Inf in output 3
      else x[3] = 0;                      // 0 * Inf in output 2
      const y = matvec(a, x, { transA });
      expect(y).toMatchProduct(referenceMatvec(a, x, { transA }));
      expect(y[transA ? 3 : 2]).toBeNaN();
      expect(y[transA ? 1 : 6]).toBeNaN();
    });

    it("gives beta y for an empty x", () => {
      const y = randomVector(4, dtype);
      const expected = Array.from(y, (v) => 2 * v);
      matvec(randomMatrix(4, 0, dtype), randomVector(0, dtype), { out: y, beta: 2 });
      expect(Array.from(y)).toEqual(expected);
      expect(matvec(randomMatrix(0, 4, dtype), randomVector(4, dtype)).length).toBe(0);
    });

    it("takes a resident matrix", () => {
      const a = randomMatrix(33, 17, dtype);
      const x = randomVector(33, dtype);
      const residentA = resident(a);
      try {
        expect(matvec(residentA, x, { transA: true })).toMatchProduct(referenceMatvec(a, x, { transA: true }));
      } finally {
        residentA.dispose();
      }
    });
  });

  describe("argument errors", () => {
    const a = { rows: 2, cols: 3, data: new Float64Array(6) };

    it("rejects a vector of the wrong length, naming the shape", () => {
      expect(() => matvec(a, new Float64Array(2))).toThrow("matvec: x must have 3 elements (a x with a 2x3), received 2 elements");
      expect(() => matvec(a, new Float64Array(3), { transA: true })).toThrow(RangeError);
      expect(() => matvec(a, new Float64Array(3), { out: new Float64Array(3) })).toThrow(/options\.out must have 2 elements/);
    });

    it("rejects other element types", () => {
      expect(() => matvec(a, new Float32Array(3))).toThrow(TypeError);
      expect(() => matvec(a, [1, 2, 3] as unknown as Float64Array)).toThrow(TypeError);
      expect(() => matvec(a, new Float64Array(3), { out: new Float32Array(2) })).toThrow(TypeError);
    });

    it("rejects an out that overlaps an input", () => {
      const buffer = new Float64Array(10);
      const x = buffer.subarray(0, 3);
      expect(() => matvec(a, x, { out: buffer.subarray(2, 4) })).toThrow(RangeError);
      expect(() => matvec(a, new Float64Array(3), { out: a.data.subarray(0, 2) })).toThrow(/not share memory with a \(2x3\)/);
    });
  });
});

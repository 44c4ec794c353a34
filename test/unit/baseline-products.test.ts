// The pure-JavaScript matmul and matvec against the same reference as the wasm kernels.
import { describe, expect, it } from "vitest";
import { matmul, matvec } from "../../src/baseline/index.js";
import { RandomState, type DType, type Matrix } from "../../src/index.js";
import { denseValues, referenceMatmul, referenceMatvec } from "../helpers/products.js";

const rng = new RandomState(6);

function randomMatrix(rows: number, cols: number, dtype: DType, stride = cols): Matrix {
  const length = rows === 0 ? 0 : (rows - 1) * stride + cols;
  const data = dtype === "f64" ? new Float64Array(length) : new Float32Array(length);
  data.fill(NaN);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * stride + j] = rng.randn();
  return { rows, cols, data, stride };
}

describe.each(["f64", "f32"] as const)("baseline products %s", (dtype) => {
  it("matmul with every transpose, views, alpha and beta", () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [m, n, k] of [[0, 3, 2], [1, 1, 1], [5, 9, 7], [17, 4, 0], [13, 11, 33]] as const) {
          const a = transA ? randomMatrix(k, m, dtype, m + 2) : randomMatrix(m, k, dtype, k + 2);
          const b = transB ? randomMatrix(n, k, dtype) : randomMatrix(k, n, dtype);
          const c = randomMatrix(m, n, dtype);
          const before: Matrix = { ...c, data: c.data.slice() };
          const options = { transA, transB, alpha: -1.5, beta: 0.5 };
          expect(matmul(a, b, { ...options, out: c })).toBe(c);
          expect(denseValues(c), `${m}x${n}x${k} transA=${transA} transB=${transB}`).toMatchProduct(referenceMatmul(a, b, { ...options, c: before }));
        }
      }
    }
  });

  it("matmul edge semantics", () => {
    const a = randomMatrix(3, 4, dtype).data.fill(NaN);
    const c = randomMatrix(3, 5, dtype);
    c.data.fill(NaN);
    const out = matmul({ rows: 3, cols: 4, data: a }, randomMatrix(4, 5, dtype), { alpha: 0, out: c });
    expect(Array.from(out.data)).toEqual(new Array(15).fill(0));
    expect(() => matmul(randomMatrix(2, 3, dtype), randomMatrix(4, 5, dtype))).toThrow(RangeError);
  });

  it("matvec in both orientations", () => {
    for (const transA of [false, true]) {
      const a = randomMatrix(9, 14, dtype, 16);
      const x = randomMatrix(1, transA ? 9 : 14, dtype).data;
      const y = randomMatrix(1, transA ? 14 : 9, dtype).data;
      const before = y.slice();
      matvec(a, x, { transA, alpha: 2, beta: -1, out: y });
      expect(y).toMatchProduct(referenceMatvec(a, x, { transA, alpha: 2, beta: -1, y: before }));
    }
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import * as baseline from "../../src/baseline/index.js";
import { add, copy, fromArrays, RandomState, resident, scale, sub, transpose, type Matrix } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";

beforeAll(loadBackend);

function randomMatrix(rows: number, cols: number, dtype: "f64" | "f32", rngSeed: number): Matrix {
  const values = new RandomState(rngSeed).randn(rows * cols);
  return { rows, cols, data: dtype === "f64" ? values : Float32Array.from(values) };
}

// Shapes around the 2- and 4-lane vector widths and the 32-element transpose tile.
const SHAPES: Array<[number, number]> = [[0, 0], [0, 3], [3, 0], [1, 1], [1, 7], [3, 5], [4, 4], [31, 33], [64, 65]];

describe.each(["f64", "f32"] as const)("elementwise %s", (dtype) => {
  it("add, sub and scale equal the baseline bit for bit", () => {
    for (const [rows, cols] of SHAPES) {
      const a = randomMatrix(rows, cols, dtype, 1);
      const b = randomMatrix(rows, cols, dtype, 2);
      expect(add(a, b).data).toEqualBits(baseline.add(a, b).data);
      expect(sub(a, b).data).toEqualBits(baseline.sub(a, b).data);
      expect(scale(a, 0.1).data).toEqualBits(baseline.scale(a, 0.1).data);
    }
  });

  it("add computes the elementwise sum", () => {
    const a = fromArrays([[1, 2, 3], [4, 5, 6]], dtype);
    const b = fromArrays([[10, 20, 30], [40, 50, 60]], dtype);
    expect(Array.from(add(a, b).data)).toEqual([11, 22, 33, 44, 55, 66]);
    expect(Array.from(sub(b, a).data)).toEqual([9, 18, 27, 36, 45, 54]);
    expect(Array.from(scale(a, -2).data)).toEqual([-2, -4, -6, -8, -10, -12]);
  });

  it("honours strides of inputs and out", () => {
    const wide = randomMatrix(5, 9, dtype, 3);
    const view: Matrix = { rows: 5, cols: 4, stride: 9, data: wide.data };
    const dense = copy(view);
    expect(dense.cols).toBe(4);
    expect(Array.from(dense.data.subarray(4, 8))).toEqual(Array.from(wide.data.subarray(9, 13)));
    const target = randomMatrix(5, 7, dtype, 4);
    const before = target.data.slice();
    const outView: Matrix = { rows: 5, cols: 4, stride: 7, data: target.data };
    add(view, view, { out: outView });
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 7; j++) {
        if (j >= 4) {
          expect(target.data[i * 7 + j]).toBe(before[i * 7 + j]);
          continue;
        }
        const sum = 2 * wide.data[i * 9 + j]!;
        expect(target.data[i * 7 + j]).toBe(dtype === "f64" ? sum : Math.fround(sum));
      }
    }
  });

  it("works in place and leaves inputs unchanged otherwise", () => {
    const a = randomMatrix(6, 6, dtype, 5);
    const b = randomMatrix(6, 6, dtype, 6);
    const aBefore = a.data.slice();
    const bBefore = b.data.slice();
    const expected = baseline.add(a, b).data;
    expect(add(a, b).data).toEqualBits(expected);
    expect(a.data).toEqualBits(aBefore);
    expect(b.data).toEqualBits(bBefore);
    const result = add(a, b, { out: a });
    expect(result).toBe(a);
    expect(a.data).toEqualBits(expected);
    scale(b, 3, { out: b });
    expect(b.data).toEqualBits(baseline.scale({ rows: 6, cols: 6, data: bBefore }, 3).data);
  });

  it("transpose matches the baseline, views included", () => {
    for (const [rows, cols] of SHAPES) {
      const a = randomMatrix(rows, cols, dtype, 7);
      const t = transpose(a);
      expect(t.rows).toBe(cols);
      expect(t.cols).toBe(rows);
      expect(t.data).toEqualBits(baseline.transpose(a).data);
    }
    const wide = randomMatrix(4, 10, dtype, 8);
    const view: Matrix = { rows: 4, cols: 3, stride: 10, data: wide.data };
    expect(transpose(view).data).toEqualBits(baseline.transpose(view).data);
  });

  it("accepts resident inputs", () => {
    const a = randomMatrix(9, 5, dtype, 9);
    const b = randomMatrix(9, 5, dtype, 10);
    const residentA = resident(a);
    expect(add(residentA, b).data).toEqualBits(baseline.add(a, b).data);
    expect(transpose(residentA).data).toEqualBits(baseline.transpose(a).data);
    expect(copy(residentA).data).toEqualBits(a.data);
    residentA.dispose();
    expect(() => add(residentA, b)).toThrow(/disposed/);
  });

  it("keeps NaN, infinities and signed zeros", () => {
    const a = fromArrays([[NaN, Infinity, -0, 1e-310]], dtype);
    const b = fromArrays([[1, -Infinity, -0, 0]], dtype);
    expect(add(a, b).data).toEqualBits(baseline.add(a, b).data);
    expect(Number.isNaN(add(a, b).data[1])).toBe(true);
    expect(Object.is(add(a, b).data[2], -0)).toBe(true);
  });
});

describe("elementwise argument checks", () => {
  const a = fromArrays([[1, 2], [3, 4]]);
  it("rejects shape and type mismatches", () => {
    expect(() => add(a, fromArrays([[1, 2]]))).toThrow(/add: b must be 2x2 \(the shape of a\), received 1x2/);
    expect(() => add(a, fromArrays([[1, 2], [3, 4]], "f32"))).toThrow(TypeError);
    expect(() => add(a, fromArrays([[1, 2], [3, 4]], "f32"))).toThrow(/b must have the element type of a \(Float64Array\), received Float32Array/);
    expect(() => scale(a, "2" as unknown as number)).toThrow(/scale: alpha must be a number, received "2"/);
    expect(() => transpose(a, { out: fromArrays([[1, 2]]) })).toThrow(/options\.out must be 2x2/);
    expect(() => add(a, a, 3 as unknown as object)).toThrow(/options must be an object/);
  });

  it("transpose refuses an out that shares memory with a", () => {
    expect(() => transpose(a, { out: a })).toThrow(/options\.out must not share memory with a/);
  });
});

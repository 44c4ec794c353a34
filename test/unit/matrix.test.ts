import { describe, expect, it } from "vitest";
import { fromArrays, matrix, toArrays } from "../../src/index.js";
import { checkMatrix } from "../../src/matrix.js";

describe("matrix helpers", () => {
  it("matrix allocates zeros or wraps data", () => {
    const zeros = matrix(2, 3);
    expect(zeros.data).toEqual(new Float64Array(6));
    const data = new Float32Array([1, 2, 3, 4]);
    const wrapped = matrix(2, 2, data);
    expect(wrapped.data).toBe(data);
  });

  it("fromArrays and toArrays round-trip", () => {
    const nested = [[1, 2, 3], [4, 5, 6]];
    const m = fromArrays(nested);
    expect(m.data).toBeInstanceOf(Float64Array);
    expect(toArrays(m)).toEqual(nested);
    expect(fromArrays(nested, "f32").data).toBeInstanceOf(Float32Array);
    expect(toArrays(fromArrays([]))).toEqual([]);
  });

  it("toArrays honours the stride", () => {
    const view = { rows: 2, cols: 2, stride: 3, data: new Float64Array([1, 2, 99, 3, 4]) };
    expect(toArrays(view)).toEqual([[1, 2], [3, 4]]);
  });

  it("rejects malformed input with named arguments", () => {
    expect(() => matrix(-1, 2)).toThrow(/matrix: rows must be a non-negative integer below 2\^32, received -1/);
    expect(() => matrix(2, 2, new Float64Array(3))).toThrow(/data must hold rows \* cols = 4 elements, received 3 elements/);
    expect(() => matrix(1, 1, new Int32Array(1) as unknown as Float64Array)).toThrow(TypeError);
    expect(() => fromArrays([[1, 2], [3]])).toThrow(/nested\[1\]\.length must equal the length of the first row \(2\), received 1/);
    expect(() => fromArrays([[1, "x" as unknown as number]])).toThrow(TypeError);
    expect(() => fromArrays([5 as unknown as number[]])).toThrow(/nested\[0\] must be an array of numbers/);
  });

  it("checkMatrix validates stride and length", () => {
    const data = new Float64Array(5);
    expect(checkMatrix("f", "a", { rows: 2, cols: 2, stride: 3, data }).stride).toBe(3);
    expect(() => checkMatrix("f", "a", { rows: 2, cols: 3, stride: 2, data })).toThrow(/a\.stride must be at least a\.cols \(3\), received 2/);
    expect(() => checkMatrix("f", "a", { rows: 3, cols: 2, stride: 3, data })).toThrow(/a\.data must hold at least/);
    expect(() => checkMatrix("f", "a", null)).toThrow(TypeError);
    expect(() => checkMatrix("f", "a", { rows: 1, cols: 1, data: [1] })).toThrow(/a\.data must be a Float64Array or a Float32Array, received an Array\(1\)/);
  });
});

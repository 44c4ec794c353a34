// int8 absmax and uint8 affine quantization on each build: defaults, agreement with the baseline on
// every tail length, zeros, NaN and infinity, bad arguments.
import { beforeAll, describe, expect, it } from "vitest";
import * as baseline from "../../src/baseline/index.js";
import { dequantizeInt8, quantizeInt8, RandomState, resident, type Matrix } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import { bitsOf, expectSameIntegers } from "../helpers/quant-fixtures.js";

beforeAll(loadBackend);

const rng = new RandomState(6);

describe("quantizeInt8", () => {
  it("uses one scale per row for a matrix by default", () => {
    const w = rng.randn(5, 7);
    const q = quantizeInt8(w);
    expect(q.granularity).toBe("row");
    expect(q.groupSize).toBe(7);
    expect(q.scales).toHaveLength(5);
    expect(q.format).toBe("int8");
    expect(q.dtype).toBe("f64");
  });

  it("groups a typed array per tensor", () => {
    const x = Float32Array.from(rng.randn(100));
    expect(quantizeInt8(x).scales).toHaveLength(1);
    const q = quantizeInt8(x, { blockSize: 30 });
    expect(q.granularity).toBe("block");
    expect(q.scales).toHaveLength(4);
  });

  it("equals the baseline on every tail length and group size", () => {
    for (const scheme of ["absmax", "affine"] as const) {
      for (const f64 of [false, true]) {
        for (let n = 0; n <= 40; n += 1) {
          for (const blockSize of [1, 3, 8, 16, 17, 64]) {
            const source = rng.randn(n);
            const x = f64 ? source : Float32Array.from(source);
            const options = { scheme, blockSize };
            const q = quantizeInt8(x, options);
            const expected = baseline.quantizeInt8(x, options);
            const label = `${scheme} ${f64 ? "f64" : "f32"} n=${n} block=${blockSize}`;
            expectSameIntegers(q.codes, expected.codes, `${label} codes`);
            expectSameIntegers(bitsOf(q.scales), bitsOf(expected.scales), `${label} scales`);
            if (q.format === "uint8" && expected.format === "uint8") expectSameIntegers(q.zeroPoints, expected.zeroPoints, `${label} zero points`);
            for (const dtype of ["f32", "f64"] as const) {
              const values = dequantizeInt8(q, { dtype });
              expect(values).toEqualBits(baseline.dequantizeInt8(expected, { dtype }) as Float32Array);
            }
          }
        }
      }
    }
  });

  it("gives codes 0 and decodes zeros for an all-zero input", () => {
    for (const scheme of ["absmax", "affine"] as const) {
      const q = quantizeInt8(new Float32Array(20), { scheme });
      expect(Array.from(q.scales)).toEqual([0]);
      expect(q.codes.every((code) => code === 0)).toBe(true);
      expect(Array.from(dequantizeInt8(q))).toEqual(new Array(20).fill(0));
    }
  });

  it("keeps zero exact in affine mode", () => {
    const x = new Float32Array([100, 100.5, 101, 0]);
    const q = quantizeInt8(x, { scheme: "affine" });
    expect(q.format).toBe("uint8");
    expect(dequantizeInt8(q)[3]).toBe(0);
  });

  it("reads resident and strided matrices", () => {
    const w: Matrix = rng.randn(4, 6);
    const view: Matrix = { rows: 4, cols: 3, data: w.data, stride: 6 };
    const dense: Matrix = { rows: 4, cols: 3, data: Float64Array.from({ length: 12 }, (_, k) => w.data[Math.floor(k / 3) * 6 + (k % 3)]!) };
    expect(quantizeInt8(view).codes).toEqual(quantizeInt8(dense).codes);
    const residentW = resident(w);
    try {
      expect(quantizeInt8(residentW).codes).toEqual(quantizeInt8(w).codes);
    } finally {
      residentW.dispose();
    }
  });

  it("leaves its input unchanged", () => {
    const w = rng.randn(3, 3);
    const copy = w.data.slice();
    dequantizeInt8(quantizeInt8(w, { scheme: "affine" }));
    expect(w.data).toEqual(copy);
  });

  it("rejects NaN and infinities, naming the first", () => {
    for (const scheme of ["absmax", "affine"] as const) {
      expect(() => quantizeInt8(new Float32Array([1, 2, NaN, Infinity]), { scheme })).toThrow(/quantizeInt8: x must hold only finite values .*received NaN at index 2/);
      expect(() => quantizeInt8(new Float64Array([1, -Infinity]), { scheme })).toThrow(/-Infinity at index 1/);
      expect(() => quantizeInt8({ rows: 2, cols: 2, data: new Float32Array([1, 2, 3, Infinity]) }, { scheme })).toThrow(RangeError);
    }
  });

  it("rejects a float64 range too wide for a float32 scale", () => {
    expect(() => quantizeInt8(new Float64Array([1e300, -1e300]))).toThrow(/scale fits in a float32/);
  });

  it("rejects bad options", () => {
    const x = new Float32Array(8);
    expect(() => quantizeInt8(x, { blockSize: 0 })).toThrow(RangeError);
    expect(() => quantizeInt8(x, { blockSize: 1.5 })).toThrow(RangeError);
    expect(() => quantizeInt8(x, { blockSize: -4 })).toThrow(RangeError);
    expect(() => quantizeInt8(x, { blockSize: "64" as never })).toThrow(TypeError);
    expect(() => quantizeInt8(x, { granularity: "column" as never })).toThrow(/granularity must be one of "tensor", "row", "block"/);
    expect(() => quantizeInt8(x, { scheme: "minmax" as never })).toThrow(TypeError);
    expect(() => quantizeInt8(new Uint8Array(3) as never)).toThrow(TypeError);
  });

  it("writes into options.out, whose type sets the result type", () => {
    const q = quantizeInt8(new Float32Array([1, -2, 3]));
    const out = new Float64Array(3);
    expect(dequantizeInt8(q, { out })).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(dequantizeInt8(q, { dtype: "f64" })));
    expect(() => dequantizeInt8(q, { out: new Float32Array(2) })).toThrow(RangeError);
    expect(() => dequantizeInt8(q, { out: new Int32Array(3) as never })).toThrow(TypeError);
  });

  it("rejects an inconsistent quantized object", () => {
    const q = quantizeInt8(new Float32Array([1, 2, 3]));
    expect(() => dequantizeInt8({ ...q, codes: new Int8Array(2) } as never)).toThrow(RangeError);
    expect(() => dequantizeInt8({ ...q, scales: new Float32Array(2) })).toThrow(RangeError);
    expect(() => dequantizeInt8({ ...q, format: "int4" } as never)).toThrow(TypeError);
    expect(() => dequantizeInt8(q, { dtype: "f16" as never })).toThrow(TypeError);
  });
});

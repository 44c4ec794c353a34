// byteSize and errorStats: pure JavaScript, no wasm.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { byteSize, errorStats } from "../../src/index.js";

const walkthrough = JSON.parse(readFileSync(new URL("../fixtures/seed-walkthrough.json", import.meta.url), "utf8"));

describe("byteSize", () => {
  it("counts the article's W in float64 and float16", () => {
    expect(byteSize([10, 10], "float64")).toMatchObject({ bytes: walkthrough.sizes.W_float64_bytes, kilobytes: walkthrough.sizes.W_float64_KB_1024, bitsPerParameter: 64 });
    expect(byteSize([10, 10], "float16")).toMatchObject({ bytes: walkthrough.sizes.W_float16_bytes, kilobytes: walkthrough.sizes.W_float16_KB_1024 });
    expect(byteSize({ rows: 10, cols: 10 }, "bfloat16").bytes).toBe(200);
    expect(byteSize(100, "float32").bytes).toBe(400);
  });

  it("counts NF4 at 4.5 bits per parameter, about 4.127 with double quantization", () => {
    const plain = byteSize([4096, 4096], "nf4");
    expect(plain.bitsPerParameter).toBe(4.5);
    expect(plain.valueBytes).toBe(4096 * 2048);
    expect(plain.scaleBytes).toBe((4096 * 4096 / 64) * 4);
    const double = byteSize([4096, 4096], "fp4", { doubleQuant: true });
    // The last term is the float32 mean, stored once.
    expect(double.bitsPerParameter).toBeCloseTo(4 + 8 / 64 + 32 / (64 * 256) + 32 / (4096 * 4096), 12);
    expect(double.scaleBytes).toBe(262144 + 1024 * 4 + 4);
  });

  it("counts int8 and uint8 scales and zero points per granularity", () => {
    expect(byteSize([10, 10], "int8")).toMatchObject({ valueBytes: 100, scaleBytes: 40 });
    expect(byteSize([10, 10], "int8", { granularity: "tensor" }).scaleBytes).toBe(4);
    expect(byteSize(100, "int8").scaleBytes).toBe(4);
    expect(byteSize([10, 10], "int8", { blockSize: 64 }).scaleBytes).toBe(8);
    expect(byteSize([10, 10], "uint8").scaleBytes).toBe(50);
    expect(byteSize([2, 3, 4], "int8").scaleBytes).toBe(6 * 4);
  });

  it("handles empty shapes and odd 4-bit counts", () => {
    expect(byteSize([0, 5], "nf4")).toMatchObject({ bytes: 0, bitsPerParameter: 0 });
    expect(byteSize(3, "nf4").valueBytes).toBe(2);
    expect(byteSize([], "float32").bytes).toBe(4);
  });

  it("rejects unknown formats and malformed shapes", () => {
    expect(() => byteSize([2, 2], "int4" as never)).toThrow(/byteSize: format must be one of "float64"/);
    expect(() => byteSize([2, 2], undefined as never)).toThrow(TypeError);
    expect(() => byteSize([2, -1], "int8")).toThrow(RangeError);
    expect(() => byteSize(["2"] as never, "int8")).toThrow(TypeError);
    expect(() => byteSize([2, 2], "nf4", { blockSize: 0 })).toThrow(RangeError);
  });
});

describe("errorStats", () => {
  it("computes the four measures", () => {
    const stats = errorStats(new Float64Array([3, 4]), new Float64Array([3, 3]));
    expect(stats.frobenius).toBe(1);
    expect(stats.originalNorm).toBe(5);
    expect(stats.relative).toBe(0.2);
    expect(stats.maxAbs).toBe(1);
    expect(stats.sqnrDb).toBeCloseTo(20 * Math.log10(5), 12);
  });

  it("neither overflows nor underflows", () => {
    const huge = errorStats(new Float64Array([1e300, -1e300]), new Float64Array([-1e300, 1e300]));
    expect(huge.frobenius).toBeCloseTo(2e300 * Math.SQRT2, -285);
    expect(huge.relative).toBeCloseTo(2, 12);
    const tiny = errorStats(new Float64Array([3e-300, 4e-300]), new Float64Array(2));
    expect(tiny.frobenius / 5e-300).toBeCloseTo(1, 12);
  });

  it("accepts matrices and mixed element types", () => {
    const stats = errorStats({ rows: 1, cols: 2, data: new Float64Array([1, 2, 99]), stride: 3 } as never, new Float32Array([1, 2]));
    expect(stats.frobenius).toBe(0);
    expect(stats.sqnrDb).toBe(Infinity);
  });

  it("reports the zero cases and NaN", () => {
    expect(errorStats(new Float64Array(2), new Float64Array(2))).toMatchObject({ relative: 0, frobenius: 0 });
    expect(Number.isNaN(errorStats(new Float64Array(2), new Float64Array(2)).sqnrDb)).toBe(true);
    expect(errorStats(new Float64Array(2), new Float64Array([1, 0])).relative).toBe(Infinity);
    expect(Number.isNaN(errorStats(new Float64Array([NaN]), new Float64Array([1])).frobenius)).toBe(true);
  });

  it("rejects mismatched lengths and shapes", () => {
    expect(() => errorStats(new Float64Array(2), new Float64Array(3))).toThrow(RangeError);
    expect(() => errorStats({ rows: 2, cols: 3, data: new Float64Array(6) }, { rows: 3, cols: 2, data: new Float64Array(6) })).toThrow(RangeError);
    expect(() => errorStats(new Int32Array(2) as never, new Float64Array(2))).toThrow(TypeError);
  });
});

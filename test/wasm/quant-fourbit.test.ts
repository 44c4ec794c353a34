// NF4 and FP4 on each build: agreement with the baseline on every tail and block size, layout rules,
// double quantization, NaN and infinity, bad arguments.
import { beforeAll, describe, expect, it } from "vitest";
import * as baseline from "../../src/baseline/index.js";
import { dequantize4bit, errorStats, quantize4bit, RandomState } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import { bitsOf, expectSameIntegers } from "../helpers/quant-fixtures.js";

beforeAll(loadBackend);

const rng = new RandomState(4);

describe("quantize4bit", () => {
  it("equals the baseline on every tail length and block size", () => {
    for (const type of ["nf4", "fp4"] as const) {
      for (let n = 0; n <= 70; n++) {
        for (const blockSize of [1, 2, 3, 7, 16, 31, 32, 33, 64]) {
          const x = Float32Array.from(rng.randn(n));
          if (n > 40) x.fill(0, 32, 40);
          const options = { type, blockSize };
          const q = quantize4bit(x, options);
          const expected = baseline.quantize4bit(x, options);
          const label = `${type} n=${n} block=${blockSize}`;
          expectSameIntegers(q.codes, expected.codes, `${label} codes`);
          expectSameIntegers(bitsOf(q.absmax!), bitsOf(expected.absmax!), `${label} absmax`);
          expect(dequantize4bit(q)).toEqualBits(baseline.dequantize4bit(expected) as Float32Array);
        }
      }
    }
  });

  it("packs the first code high", () => {
    const q = quantize4bit(new Float32Array([1, -1, 0.5]), { type: "nf4" });
    expect(Array.from(q.codes)).toEqual([0xf0, 0xc0]);
  });

  it("encodes a block of zeros as the zero code and decodes zeros", () => {
    const x = new Float32Array(128);
    x.fill(1, 64);
    const nf4 = quantize4bit(x, { type: "nf4" });
    expect(Array.from(nf4.codes.subarray(0, 32))).toEqual(new Array(32).fill(0x77));
    expect(nf4.absmax![0]).toBe(0);
    const fp4 = quantize4bit(x, { type: "fp4" });
    expect(Array.from(fp4.codes.subarray(0, 32))).toEqual(new Array(32).fill(0));
    for (const q of [nf4, fp4]) expect(Array.from(dequantize4bit(q).subarray(0, 64))).toEqual(new Array(64).fill(0));
  });

  it("gives a tiny negative FP4 code 8", () => {
    const q = quantize4bit(new Float32Array([1, -1e-30]), { type: "fp4" });
    expect(q.codes[0]! & 15).toBe(8);
  });

  it("keeps the NF4 error of normal data near 10 percent", () => {
    const x = Float32Array.from(rng.randn(1 << 16));
    const stats = errorStats(x, dequantize4bit(quantize4bit(x)));
    expect(stats.relative).toBeGreaterThan(0.08);
    expect(stats.relative).toBeLessThan(0.11);
  });

  it("double-quantizes the absmax values within half a step", () => {
    const x = Float32Array.from(rng.randn(64 * 600));
    const plain = quantize4bit(x);
    const double = quantize4bit(x, { doubleQuant: true });
    expect(double.absmax).toBeUndefined();
    expect(double.codes).toEqual(plain.codes);
    const dq = double.quantizedAbsmax!;
    expect(dq.codes).toHaveLength(600);
    expect(dq.scales).toHaveLength(3);
    const decoded = baseline.dequantize4bit({ ...plain, absmax: undefined, quantizedAbsmax: dq });
    const plainValues = dequantize4bit(plain);
    // Each decoded absmax is off by at most half a step of its group, so each value by |level| times that.
    for (let i = 0; i < x.length; i++) {
      const step = dq.scales[Math.floor(Math.floor(i / 64) / 256)]!;
      expect(Math.abs(decoded[i]! - plainValues[i]!)).toBeLessThanOrEqual(step / 2 + 1e-6);
    }
    const plainError = errorStats(x, plainValues).relative;
    const doubleError = errorStats(x, dequantize4bit(double)).relative;
    expect(doubleError).toBeLessThan(plainError * 1.01);
  });

  it("rounds float64 input to float32 first", () => {
    const x = rng.randn(100);
    expect(quantize4bit(x).codes).toEqual(quantize4bit(Float32Array.from(x)).codes);
    expect(quantize4bit(x).dtype).toBe("f64");
  });

  it("rejects NaN and infinities, naming the first", () => {
    expect(() => quantize4bit(new Float32Array([0, 1, NaN]))).toThrow(/quantize4bit: x must hold only finite values .*received NaN at index 2/);
    expect(() => quantize4bit(new Float32Array(100).fill(Infinity, 70))).toThrow(/Infinity at index 70/);
    expect(() => quantize4bit(new Float64Array([1e300]))).toThrow(RangeError);
  });

  it("rejects bad options", () => {
    const x = new Float32Array(8);
    expect(() => quantize4bit(x, { blockSize: 0 })).toThrow(RangeError);
    expect(() => quantize4bit(x, { blockSize: 2.5 })).toThrow(/blockSize must be a positive integer below 2\^31, received 2.5/);
    expect(() => quantize4bit(x, { blockSize: "64" as never })).toThrow(TypeError);
    expect(() => quantize4bit(x, { type: "int4" as never })).toThrow(/type must be one of "nf4", "fp4"/);
    expect(() => quantize4bit(x, { doubleQuant: 1 as never })).toThrow(TypeError);
  });

  it("writes into options.out", () => {
    const q = quantize4bit(Float32Array.from(rng.randn(100)));
    const out = new Float32Array(100);
    expect(dequantize4bit(q, { out })).toBe(out);
    expect(out).toEqualBits(dequantize4bit(q));
    expect(() => dequantize4bit(q, { out: new Float32Array(99) })).toThrow(RangeError);
    expect(() => dequantize4bit(q, { out: new Float64Array(100) as never })).toThrow(TypeError);
  });

  it("rejects an inconsistent quantized object", () => {
    const q = quantize4bit(new Float32Array(10));
    expect(() => dequantize4bit({ ...q, codes: new Uint8Array(4) })).toThrow(RangeError);
    expect(() => dequantize4bit({ ...q, absmax: new Float32Array(2) })).toThrow(RangeError);
    expect(() => dequantize4bit({ ...q, absmax: undefined })).toThrow(TypeError);
    expect(() => dequantize4bit({ ...q, blockSize: 0 })).toThrow(RangeError);
  });
});

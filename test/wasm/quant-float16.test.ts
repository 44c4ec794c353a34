// float16 and bfloat16 conversions on each build: round trips, the article's W, options and errors.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as baseline from "../../src/baseline/index.js";
import { asFloat16Array, fromBfloat16, fromFloat16, toBfloat16, toFloat16 } from "../../src/index.js";
import { loadBackend } from "../helpers/backend.js";
import { bitsOf, expectSameIntegers, hashedPatterns } from "../helpers/quant-fixtures.js";

beforeAll(loadBackend);

const everyHalf = new Uint16Array(65536).map((_, i) => i);

describe("toFloat16 and fromFloat16", () => {
  it("round-trips all 65,536 halves through float32", () => {
    expectSameIntegers(toFloat16(fromFloat16(everyHalf)), everyHalf, "f16 -> f32 -> f16");
  });

  it("round-trips all 65,536 halves through float64", () => {
    const wide = fromFloat16(everyHalf, { dtype: "f64" });
    expect(wide).toBeInstanceOf(Float64Array);
    expectSameIntegers(toFloat16(wide), everyHalf, "f16 -> f64 -> f16");
  });

  it("widens to float64 the values it widens to float32", () => {
    const narrow = fromFloat16(everyHalf) as Float32Array;
    const wide = fromFloat16(everyHalf, { dtype: "f64" }) as Float64Array;
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(narrow[i]!)) continue;
      if (!Object.is(wide[i], narrow[i])) expect(`${i}: ${wide[i]}`).toBe(`${i}: ${narrow[i]}`);
    }
  });

  it("keeps NaN sign and payload in float64", () => {
    const bits = new Uint16Array([0x7c01, 0xfe00, 0x7fff]);
    const wide = fromFloat16(bits, { dtype: "f64" }) as Float64Array;
    const words = new Uint32Array(wide.buffer);
    expect(Array.from(words)).toEqual([0, 0x7ff00400, 0, 0xfff80000, 0, 0x7ffffc00]);
  });

  it("gives numpy's bits for the article's W", () => {
    const walkthrough = JSON.parse(readFileSync(new URL("../fixtures/seed-walkthrough.json", import.meta.url), "utf8"));
    const w = new Float64Array((walkthrough.W as number[][]).flat());
    const expected = new Uint16Array((walkthrough.W_float16_bits_uint16 as number[][]).flat());
    expectSameIntegers(toFloat16(w), expected, "W as float16");
    expectSameIntegers(toFloat16({ rows: 10, cols: 10, data: w }), expected, "W as a matrix");
  });

  it("rounds 1 + 2^-11 + 2^-40 up from float64", () => {
    expect(Array.from(toFloat16(new Float64Array([1 + 2 ** -11 + 2 ** -40, 1 + 2 ** -11])))).toEqual([0x3c01, 0x3c00]);
  });

  it("handles the overflow threshold", () => {
    const x = new Float32Array([65504, 65519.99, 65520, -65520, Infinity]);
    expect(Array.from(toFloat16(x))).toEqual([0x7bff, 0x7bff, 0x7c00, 0xfc00, 0x7c00]);
  });

  it("equals the baseline on every length up to 40", () => {
    const patterns = new Float32Array(hashedPatterns(12345, 40).buffer);
    for (let n = 0; n <= 40; n++) {
      const x = patterns.subarray(0, n);
      expectSameIntegers(toFloat16(x), baseline.toFloat16(x), `f32 length ${n}`);
      const wide = Float64Array.from(x, (v, i) => v * (1 + 2 ** -30 * i));
      expectSameIntegers(toFloat16(wide), baseline.toFloat16(wide), `f64 length ${n}`);
      const halves = new Uint16Array(hashedPatterns(999, n).map((v) => v & 0xffff));
      expectSameIntegers(bitsOf(fromFloat16(halves) as Float32Array), bitsOf(baseline.fromFloat16(halves) as Float32Array), `widen length ${n}`);
      expectSameIntegers(bitsOf(fromFloat16(halves, { dtype: "f64" }) as Float64Array), bitsOf(baseline.fromFloat16(halves, { dtype: "f64" }) as Float64Array), `widen f64 length ${n}`);
    }
  });

  it("reads a strided matrix row by row", () => {
    const data = new Float32Array([1, 2, 99, 3, 4, 99]);
    expect(Array.from(toFloat16({ rows: 2, cols: 2, data, stride: 3 }))).toEqual([0x3c00, 0x4000, 0x4200, 0x4400]);
  });

  it("writes into options.out", () => {
    const out = new Uint16Array(2);
    expect(toFloat16(new Float32Array([1, 2]), { out })).toBe(out);
    expect(Array.from(out)).toEqual([0x3c00, 0x4000]);
    const values = new Float64Array(2);
    expect(fromFloat16(out, { out: values })).toBe(values);
    expect(Array.from(values)).toEqual([1, 2]);
  });

  it("returns empty arrays for empty input", () => {
    expect(toFloat16(new Float32Array(0))).toHaveLength(0);
    expect(fromFloat16(new Uint16Array(0))).toHaveLength(0);
  });

  it("leaves its input unchanged", () => {
    const x = new Float32Array([1.1, -2.2, 3.3]);
    const copy = x.slice();
    toFloat16(x);
    expect(x).toEqual(copy);
  });

  it("rejects wrong types and lengths", () => {
    expect(() => toFloat16(new Int8Array(3) as never)).toThrow(TypeError);
    expect(() => toFloat16([1, 2] as never)).toThrow(/toFloat16: x must be a Float32Array, a Float64Array or a matrix/);
    expect(() => toFloat16(new Float32Array(3), { out: new Uint16Array(2) })).toThrow(RangeError);
    expect(() => toFloat16(new Float32Array(3), { out: new Int16Array(3) as never })).toThrow(TypeError);
    expect(() => fromFloat16(new Float32Array(3) as never)).toThrow(TypeError);
    expect(() => fromFloat16(new Uint16Array(3), { dtype: "f16" as never })).toThrow(TypeError);
    expect(() => fromFloat16(new Uint16Array(3), { out: new Float32Array(4) })).toThrow(RangeError);
  });
});

describe("Float16Array support", () => {
  const Float16 = (globalThis as { Float16Array?: new (buffer: ArrayBuffer, offset: number, length: number) => ArrayLike<number> }).Float16Array;

  it.runIf(Float16 === undefined)("asFloat16Array says the engine lacks Float16Array", () => {
    expect(() => asFloat16Array(new Uint16Array([0x3c00]))).toThrow(/no Float16Array; read the values with fromFloat16/);
  });

  it.runIf(Float16 !== undefined)("asFloat16Array wraps the bits without copying", () => {
    const bits = new Uint16Array([0x3c00, 0xc000]);
    const halves = asFloat16Array(bits);
    expect(Array.from({ length: 2 }, (_, i) => halves[i])).toEqual([1, -2]);
    expect(halves.buffer).toBe(bits.buffer);
  });

  it.runIf(Float16 !== undefined)("fromFloat16 accepts a Float16Array", () => {
    const bits = new Uint16Array([0x3c00, 0xc000]);
    expect(Array.from(fromFloat16(new Float16!(bits.buffer, 0, 2) as never))).toEqual([1, -2]);
  });

  it("asFloat16Array rejects other types", () => {
    expect(() => asFloat16Array(new Float32Array(1) as never)).toThrow(TypeError);
  });
});

describe("toBfloat16 and fromBfloat16", () => {
  it("round-trips all 65,536 bfloat16 values through float32 and float64", () => {
    expectSameIntegers(toBfloat16(fromBfloat16(everyHalf)), everyHalf, "bf16 -> f32 -> bf16");
    expectSameIntegers(toBfloat16(fromBfloat16(everyHalf, { dtype: "f64" })), everyHalf, "bf16 -> f64 -> bf16");
  });

  it("never rounds a NaN into infinity", () => {
    const nans = new Float32Array(new Uint32Array([0x7f800001, 0x7f80ffff, 0xff800001, 0x7fffffff]).buffer);
    expect(Array.from(toBfloat16(nans))).toEqual([0x7f81, 0x7f81, 0xff81, 0x7fff]);
  });

  it("equals the baseline on every length up to 40", () => {
    const patterns = new Float32Array(hashedPatterns(777, 40).buffer);
    for (let n = 0; n <= 40; n++) {
      const x = patterns.subarray(0, n);
      expectSameIntegers(toBfloat16(x), baseline.toBfloat16(x), `f32 length ${n}`);
      const wide = Float64Array.from(x, (v, i) => v * (1 - 2 ** -35 * i));
      expectSameIntegers(toBfloat16(wide), baseline.toBfloat16(wide), `f64 length ${n}`);
      const bits = new Uint16Array(hashedPatterns(4242, n).map((v) => v >>> 16));
      expectSameIntegers(bitsOf(fromBfloat16(bits) as Float32Array), bitsOf(baseline.fromBfloat16(bits) as Float32Array), `widen length ${n}`);
      expectSameIntegers(bitsOf(fromBfloat16(bits, { dtype: "f64" }) as Float64Array), bitsOf(baseline.fromBfloat16(bits, { dtype: "f64" }) as Float64Array), `widen f64 length ${n}`);
    }
  });

  it("rejects a Float16Array-only input type", () => {
    expect(() => fromBfloat16(new Int16Array(2) as never)).toThrow(/fromBfloat16: bits must be a Uint16Array/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { add, dequantize4bit, matmul, quantize4bit, ready, seed, randn, RandomState, scale, sub, svd, toFloat16, transpose } from "../../src/index.js";
import reference from "../fixtures/random-reference.json" with { type: "json" };
import { fromHexBits, ulpDistance } from "../helpers/bits.js";
import { openBrowser, type BrowserSession, type Page } from "./chromium.js";

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  session = await openBrowser();
  page = await session.newPage("/test/browser/pages/library.html");
  await page.waitForFunction(() => document.title === "loaded");
});

afterAll(async () => {
  await session?.close();
});

/** Inputs made in Node, so that both sides compute on the same bits. */
function inputs(n: number): { a: number[]; b: number[] } {
  const rng = new RandomState(7);
  return { a: Array.from(rng.randn(n * (n + 3))), b: Array.from(rng.randn(n * (n + 3))) };
}

/** Runs a chain of kernels on a build in the browser and returns the results' bytes. */
async function inBrowser(backend: string | undefined, n: number): Promise<{ name: string; bytes: number[] }> {
  return page.evaluate(async ({ backend, n, values }) => {
    const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
    const info = await lowrank.ready(backend === undefined ? undefined : { backend: backend as "simd" });
    const a = { rows: n, cols: n + 3, data: Float64Array.from(values.a) };
    const b = { rows: n, cols: n + 3, data: Float64Array.from(values.b) };
    const product = lowrank.scale(lowrank.transpose(lowrank.add(a, b)), 0.37);
    const f32 = lowrank.sub({ ...a, data: Float32Array.from(a.data) }, { ...b, data: Float32Array.from(b.data) });
    const bytes = [...new Uint8Array(product.data.buffer), ...new Uint8Array(f32.data.buffer)];
    return { name: info.name, bytes };
  }, { backend, n, values: inputs(n) });
}

/** The same chain in Node. */
function inNode(n: number): number[] {
  const values = inputs(n);
  const a = { rows: n, cols: n + 3, data: Float64Array.from(values.a) };
  const b = { rows: n, cols: n + 3, data: Float64Array.from(values.b) };
  const product = scale(transpose(add(a, b)), 0.37);
  const f32 = sub({ ...a, data: Float32Array.from(a.data) }, { ...b, data: Float32Array.from(b.data) });
  return [...new Uint8Array(product.data.buffer), ...new Uint8Array(f32.data.buffer)];
}

describe("lowrank in Chromium", () => {
  it("loads the relaxed-simd build by default", async () => {
    const { name } = await inBrowser(undefined, 2);
    expect(name).toBe("relaxed-simd");
  });

  it("seed(69) gives numpy's W in the browser too", async () => {
    const browserW = await page.evaluate(() => {
      const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
      lowrank.seed(69);
      return Array.from(lowrank.randn(10, 10).data);
    });
    seed(69);
    expect(Float64Array.from(browserW)).toEqualBits(randn(10, 10).data);
  });

  it("long randn stream stays within 4 ulp of numpy", async () => {
    const { seed: streamSeed, length, indices } = reference.longStream;
    const sampled = await page.evaluate(({ streamSeed, length, indices }) => {
      const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
      const values = new lowrank.RandomState(streamSeed).randn(length);
      return indices.map((index) => values[index]!);
    }, { streamSeed, length, indices });
    const worst = Math.max(...sampled.map((value, k) => ulpDistance(value, fromHexBits(reference.longStream.bits[k]!))));
    expect(worst).toBeLessThanOrEqual(4);
  });

  for (const backend of ["simd", "scalar"] as const) {
    it(`forced ${backend} build matches Node bit for bit`, async () => {
      await ready({ backend });
      const { name, bytes } = await inBrowser(backend, 37);
      expect(name).toBe(backend);
      expect(bytes).toEqual(inNode(37));
    });
  }

  for (const backend of ["simd", "scalar"] as const) {
    it(`forced ${backend} build: svd, matmul, float16 and NF4 match Node`, async () => {
      await ready({ backend });
      const n = 23;
      const values = inputs(n);
      const browser = await page.evaluate(async ({ backend, n, values }) => {
        const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
        await lowrank.ready({ backend: backend as "simd" });
        const a = { rows: n, cols: n + 3, data: Float64Array.from(values.a) };
        const b = { rows: n + 3, cols: n, data: Float64Array.from(values.b) };
        const f32 = Float32Array.from(values.a);
        const { U, S, Vt } = lowrank.svd(a);
        const product = lowrank.matmul(a, b);
        const product32 = lowrank.matmul({ ...a, data: Float32Array.from(a.data) }, { ...b, data: Float32Array.from(b.data) });
        const half = lowrank.toFloat16(f32);
        const nf4 = lowrank.quantize4bit(f32, { type: "nf4" });
        return {
          U: Array.from(U.data), S: Array.from(S), Vt: Array.from(Vt.data),
          product: Array.from(product.data), product32: Array.from(product32.data),
          half: Array.from(half), codes: Array.from(nf4.codes), absmax: Array.from(nf4.absmax!),
          decoded: Array.from(lowrank.dequantize4bit(nf4)),
        };
      }, { backend, n, values });

      const a = { rows: n, cols: n + 3, data: Float64Array.from(values.a) };
      const b = { rows: n + 3, cols: n, data: Float64Array.from(values.b) };
      const f32 = Float32Array.from(values.a);
      const { U, S, Vt } = svd(a);
      const nf4 = quantize4bit(f32, { type: "nf4" });
      expect(Float64Array.from(browser.U)).toEqualBits(U.data as Float64Array);
      expect(Float64Array.from(browser.S)).toEqualBits(S as Float64Array);
      expect(Float64Array.from(browser.Vt)).toEqualBits(Vt.data as Float64Array);
      expect(Float64Array.from(browser.product)).toEqualBits(matmul(a, b).data as Float64Array);
      const product32 = matmul({ ...a, data: Float32Array.from(a.data) }, { ...b, data: Float32Array.from(b.data) });
      expect(Float32Array.from(browser.product32)).toEqualBits(product32.data as Float32Array);
      expect(browser.half).toEqual(Array.from(toFloat16(f32)));
      expect(browser.codes).toEqual(Array.from(nf4.codes));
      expect(Float32Array.from(browser.absmax)).toEqualBits(nf4.absmax!);
      expect(Float32Array.from(browser.decoded)).toEqualBits(dequantize4bit(nf4) as Float32Array);
    });
  }

  it("float16 conversion agrees with Math.f16round and Float16Array", async () => {
    const mismatches = await page.evaluate(async () => {
      const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
      await lowrank.ready();
      const engine = globalThis as unknown as { Float16Array?: new (values: ArrayLike<number>) => ArrayLike<number> & { buffer: ArrayBuffer }; Math: { f16round?: (x: number) => number } };
      if (engine.Float16Array === undefined || engine.Math.f16round === undefined) return ["this browser has no Float16Array"];
      // A million float32 bit patterns: random ones, plus every pattern near the float16 edges.
      const bits = new Uint32Array(1 << 20);
      let state = 12345;
      for (let i = 0; i < bits.length; i++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        bits[i] = state;
      }
      const edges = [0x477fe000, 0x477ff000, 0x33800000, 0x33000000, 0x38800000, 0x387fc000, 0x7f800001, 0xffc00001];
      edges.forEach((edge, k) => {
        for (let d = -512; d < 512; d++) bits[k * 1024 + d + 512] = (edge + d) >>> 0;
      });
      const values = new Float32Array(bits.buffer);
      const ours = lowrank.fromFloat16(lowrank.toFloat16(values));
      const native = new Float32Array(new engine.Float16Array(values) as unknown as ArrayLike<number>);
      const found: string[] = [];
      for (let i = 0; i < values.length && found.length < 5; i++) {
        const x = values[i]!;
        const rounded = engine.Math.f16round!(x);
        if (Number.isNaN(x)) {
          if (!Number.isNaN(ours[i]!) || !Number.isNaN(native[i]!)) found.push(`NaN at ${i}`);
          continue;
        }
        if (!Object.is(ours[i], rounded) || !Object.is(ours[i], native[i])) found.push(`${x}: ours ${ours[i]}, f16round ${rounded}, Float16Array ${native[i]}`);
      }
      return found;
    });
    expect(mismatches).toEqual([]);
  });
});

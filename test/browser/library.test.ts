import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { add, ready, seed, randn, transpose, scale, sub, RandomState } from "../../src/index.js";
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
});

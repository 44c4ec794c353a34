// The threaded build in Chromium. On a cross-origin isolated page (COOP/COEP headers from the test
// server) ready() starts Web Workers, and the results match one thread in Node bit for bit. On a page
// without those headers there is no shared memory, so the library falls back to one thread.
import { afterAll, describe, expect, it } from "vitest";
import { matmul, ready, RandomState, svd, toFloat16 } from "../../src/index.js";
import { openBrowser, type BrowserSession } from "./chromium.js";

/** The internal modules the library page exposes as window.lowrankInternals. */
interface Internals {
  parallel: typeof import("../../src/runtime/parallel.js");
  state: typeof import("../../src/runtime/state.js");
}

const sessions: BrowserSession[] = [];

afterAll(async () => {
  for (const session of sessions) await session.close();
});

/** Opens the library page, served with or without the cross-origin isolation headers. */
async function libraryPage(isolated: boolean) {
  const session = await openBrowser({ isolated });
  sessions.push(session);
  const page = await session.newPage("/test/browser/pages/library.html");
  await page.waitForFunction(() => document.title === "loaded");
  return page;
}

/** Inputs made in Node, so that both sides compute on the same bits. */
function inputs(): { a: number[]; x: number[] } {
  const rng = new RandomState(21);
  return { a: Array.from(rng.randn(150 * 170)), x: Array.from(rng.randn(100_003), (v) => v * 500) };
}

describe("threads in Chromium", () => {
  it("isolated page runs the threaded build", async () => {
    const page = await libraryPage(true);
    const values = inputs();
    const browser = await page.evaluate(async ({ a, x }) => {
      const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
      const { PARALLEL_PARAMS } = (window as unknown as { lowrankInternals: Internals }).lowrankInternals.parallel;
      // The simd kernels, so that the results can be compared with Node's simd build bit for bit.
      const info = await lowrank.ready({ threads: 3, backend: "simd" });
      // Small inputs are split too, so that every worker takes part.
      PARALLEL_PARAMS.gemmFlops = 0;
      PARALLEL_PARAMS.gemvElements = 0;
      PARALLEL_PARAMS.rangeValues = 0;
      const matrix = { rows: 150, cols: 170, data: Float32Array.from(a) };
      const product = lowrank.matmul(matrix, matrix, { transB: true });
      const half = lowrank.toFloat16(Float32Array.from(x));
      // The SVD's blocked updates reach the pool from inside the kernel, through the build's imports.
      const factors = lowrank.svd({ rows: 120, cols: 90, data: Float64Array.from(a.slice(0, 120 * 90)) });
      return {
        isolated: crossOriginIsolated,
        info,
        product: Array.from(product.data),
        half: Array.from(half),
        singularValues: Array.from(factors.S),
        u: Array.from(factors.U.data),
      };
    }, values);

    expect(browser.isolated).toBe(true);
    expect(browser.info).toMatchObject({ name: "simd", threads: true, threadCount: 3 });
    await ready({ threads: 1 });
    const matrix = { rows: 150, cols: 170, data: Float32Array.from(values.a) };
    expect(Float32Array.from(browser.product)).toEqualBits(matmul(matrix, matrix, { transB: true }).data as Float32Array);
    expect(browser.half).toEqual(Array.from(toFloat16(Float32Array.from(values.x))));
    const factors = svd({ rows: 120, cols: 90, data: Float64Array.from(values.a.slice(0, 120 * 90)) });
    expect(Float64Array.from(browser.singularValues)).toEqualBits(factors.S as Float64Array);
    expect(Float64Array.from(browser.u)).toEqualBits(factors.U.data as Float64Array);
  });

  it("isolated page threads the relaxed-simd kernels by default", async () => {
    const page = await libraryPage(true);
    const values = inputs();
    const outcome = await page.evaluate(async ({ a }) => {
      const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
      const { PARALLEL_PARAMS } = (window as unknown as { lowrankInternals: Internals }).lowrankInternals.parallel;
      const matrix = { rows: 150, cols: 170, data: Float32Array.from(a) };
      const single = await lowrank.ready({ threads: 1 });
      const expected = lowrank.matmul(matrix, matrix, { transB: true }).data;
      const threaded = await lowrank.ready({ threads: 2 });
      const saved = PARALLEL_PARAMS.gemmFlops;
      PARALLEL_PARAMS.gemmFlops = 0;
      const product = lowrank.matmul(matrix, matrix, { transB: true }).data;
      PARALLEL_PARAMS.gemmFlops = saved;
      return { single, threaded, same: product.every((value, i) => Object.is(value, expected[i])) };
    }, values);
    expect(outcome.single).toMatchObject({ name: "relaxed-simd", threads: false });
    expect(outcome.threaded).toMatchObject({ name: "relaxed-simd", relaxedSimd: true, threads: true, threadCount: 2 });
    expect(outcome.same).toBe(true);
  });

  it("isolated page: a worker's trap reaches the caller", async () => {
    const page = await libraryPage(true);
    const outcome = await page.evaluate(async () => {
      const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
      const { currentRuntime } = (window as unknown as { lowrankInternals: Internals }).lowrankInternals.state;
      await lowrank.ready({ threads: 2 });
      const runtime = currentRuntime()!;
      const x = runtime.heap.allocate(4096);
      const fine = { kernel: "f32_to_f16" as const, args: [x, x + 2048, 16] };
      let caught: unknown;
      try {
        runtime.pool!.run([fine, { kernel: "f32_to_f16", args: [2 ** 32 - 64, 0, 1024] }]);
      } catch (error) {
        caught = error;
      }
      const after = lowrank.matmul({ rows: 1, cols: 1, data: new Float64Array([3]) }, { rows: 1, cols: 1, data: new Float64Array([4]) });
      const again = runtime.pool!.run([fine, fine]);
      return { runtimeError: caught instanceof WebAssembly.RuntimeError, message: String((caught as Error)?.message), after: after.data[0], again };
    });
    expect(outcome.runtimeError).toBe(true);
    expect(outcome.message).toMatch(/out of bounds/);
    expect(outcome.after).toBe(12);
    expect(outcome.again).toEqual([0, 0]);
  });

  it("page without isolation falls back to one thread", async () => {
    const page = await libraryPage(false);
    const outcome = await page.evaluate(async () => {
      const lowrank = (window as unknown as { lowrank: typeof import("../../src/index.js") }).lowrank;
      const requested = await lowrank.ready({ threads: 4 });
      const byDefault = await lowrank.ready();
      const product = lowrank.matmul({ rows: 1, cols: 2, data: new Float32Array([1, 2]) }, { rows: 2, cols: 1, data: new Float32Array([3, 4]) });
      return { isolated: crossOriginIsolated, shared: typeof SharedArrayBuffer, requested, byDefault, product: product.data[0] };
    });
    expect(outcome.isolated).toBe(false);
    expect(outcome.shared).toBe("undefined");
    expect(outcome.requested).toMatchObject({ name: "relaxed-simd", threads: false, threadCount: 1 });
    expect(outcome.requested.engine.sharedMemory).toBe(false);
    expect(outcome.byDefault).toMatchObject({ name: "relaxed-simd", threads: false, threadCount: 1 });
    expect(outcome.product).toBe(11);
  });
});

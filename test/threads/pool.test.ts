// The worker pool itself: errors inside a worker, the pool after them, close(), and a Node process
// that exits on its own with the pool still running.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { backend, close, matmul, ready, RandomState } from "../../src/index.js";
import { PARALLEL_PARAMS } from "../../src/runtime/parallel.js";
import { POOL_PARAMS } from "../../src/runtime/pool.js";
import { currentRuntime } from "../../src/runtime/state.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

afterAll(() => close());

/** A 300 x 300 f32 product, large enough to be split with the default thresholds. */
function product(): Float32Array {
  const rng = new RandomState(3);
  const a = { rows: 300, cols: 300, data: Float32Array.from(rng.randn(90_000)) };
  return matmul(a, a).data as Float32Array;
}

/** A job that reads far past the end of the memory, so the kernel traps. */
function outOfBoundsJob(): { kernel: "f32_to_f16"; args: number[] } {
  return { kernel: "f32_to_f16", args: [2 ** 32 - 64, 0, 1024] };
}

describe("thread pool", () => {
  it("splits a large product with the default thresholds", async () => {
    await ready({ threads: 1 });
    const single = product();
    await ready({ threads: 2 });
    expect(2 * 300 ** 3).toBeGreaterThan(PARALLEL_PARAMS.gemmFlops);
    expect(product()).toEqualBits(single);
  });

  it("works with sleeping instead of polling threads", async () => {
    await ready({ threads: 1 });
    const single = product();
    await ready({ threads: 3 });
    const saved = POOL_PARAMS.spinMicroseconds;
    POOL_PARAMS.spinMicroseconds = 0;
    try {
      // The first product lets the workers read the new setting; the pauses let them fall asleep.
      for (let call = 0; call < 3; call++) {
        expect(product()).toEqualBits(single);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      POOL_PARAMS.spinMicroseconds = saved;
    }
  });

  it("rethrows a worker's trap as a RuntimeError", async () => {
    await ready({ threads: 3 });
    const pool = currentRuntime()!.pool!;
    const x = currentRuntime()!.heap.allocate(4096);
    const fine = { kernel: "f32_to_f16" as const, args: [x, x + 2048, 16] };
    expect(() => pool.run([fine, outOfBoundsJob(), fine])).toThrow(WebAssembly.RuntimeError);
    expect(() => pool.run([fine, fine, outOfBoundsJob()])).toThrow(/out of bounds/);
    currentRuntime()!.heap.release(x);
  });

  it("rethrows the calling thread's own trap after the workers finish", async () => {
    await ready({ threads: 2 });
    const pool = currentRuntime()!.pool!;
    const x = currentRuntime()!.heap.allocate(4096);
    expect(() => pool.run([outOfBoundsJob(), { kernel: "f32_to_f16", args: [x, x + 2048, 16] }])).toThrow(WebAssembly.RuntimeError);
    currentRuntime()!.heap.release(x);
  });

  it("stays usable after an error", async () => {
    await ready({ threads: 1 });
    const single = product();
    await ready({ threads: 3 });
    const pool = currentRuntime()!.pool!;
    expect(() => pool.run([outOfBoundsJob(), outOfBoundsJob(), outOfBoundsJob()])).toThrow(WebAssembly.RuntimeError);
    expect(backend().threads).toBe(true);
    expect(product()).toEqualBits(single);
  });

  it("close() leaves the kernels on one thread", async () => {
    await ready({ threads: 2 });
    const threaded = product();
    close();
    expect(backend()).toMatchObject({ threads: false, threadCount: 1 });
    expect(product()).toEqualBits(threaded);
    close();
    const info = await ready({ threads: 2 });
    expect(info.threads).toBe(true);
  });

  it("lets a Node process exit without close()", async () => {
    const script = [
      'import { ready, matmul } from "./src/index.ts";',
      "const info = await ready({ threads: 2 });",
      "const a = { rows: 200, cols: 200, data: new Float64Array(40000).fill(1) };",
      "console.log(info.threadCount, matmul(a, a).data[0]);",
    ].join("\n");
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, timeout: 30_000 });
    expect(stdout.trim()).toBe("2 200");
  });
});

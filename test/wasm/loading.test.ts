import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { add, backend, fromArrays, NotReadyError, ready, resident } from "../../src/index.js";
import { detectFeatures } from "../../src/runtime/probe.js";
import { BACKEND_UNDER_TEST, loadBackend } from "../helpers/backend.js";

// Runs first in its own module graph, so that nothing has called ready() yet.
describe("before ready()", () => {
  it("kernels throw NotReadyError naming ready()", () => {
    const a = fromArrays([[1]]);
    expect(() => add(a, a)).toThrow(NotReadyError);
    expect(() => add(a, a)).toThrow(/add: .*call "await ready\(\)"/);
    expect(() => backend()).toThrow(NotReadyError);
    expect(() => resident(a)).toThrow(NotReadyError);
  });
});

describe("ready()", () => {
  it("loads the requested build", async () => {
    const info = await loadBackend();
    expect(backend()).toEqual(info);
    if (BACKEND_UNDER_TEST !== undefined) expect(info.name).toBe(BACKEND_UNDER_TEST);
    expect(info.simd).toBe(info.name !== "scalar");
    expect(info.threads).toBe(false);
  });

  it("picks the best build the engine supports by default", async () => {
    const engine = detectFeatures();
    const info = await ready();
    let best = "scalar";
    if (engine.simd) best = "simd";
    if (engine.relaxedSimd) best = "relaxed-simd";
    // With shared memory and several cores the default is the threaded variant of the best build.
    const threads = engine.simd && engine.sharedMemory ? Math.min(8, availableParallelism()) : 1;
    expect(info.threadCount).toBe(threads);
    expect(info.threads).toBe(threads > 1);
    expect(info.name).toBe(best);
    await loadBackend();
  });

  it("accepts the bytes or a compiled module", async () => {
    const name = BACKEND_UNDER_TEST ?? "scalar";
    if (name === "relaxed-simd" && !detectFeatures().relaxedSimd) return;
    const bytes = await readFile(new URL(`../../wasm/lowrank-${name}.wasm`, import.meta.url));
    expect((await ready({ source: bytes })).name).toBe(name);
    const module = await WebAssembly.compile(bytes);
    expect((await ready({ source: module, backend: name })).name).toBe(name);
    expect(add(fromArrays([[1, 2]]), fromArrays([[3, 4]])).data).toEqual(new Float64Array([4, 6]));
    await expect(ready({ source: module, backend: name === "scalar" ? "simd" : "scalar" })).rejects.toThrow(
      /options\.backend must match the build passed in options\.source/,
    );
    await loadBackend();
  });

  it("rejects malformed options", async () => {
    await expect(ready({ backend: "avx" as "simd" })).rejects.toThrow(TypeError);
    await expect(ready({ backend: "avx" as "simd" })).rejects.toThrow(/options\.backend must be one of "relaxed-simd", "simd", "scalar", received "avx"/);
    await expect(ready(5 as unknown as object)).rejects.toThrow(/ready: options must be an object, received 5/);
    await expect(ready({ source: "bytes" as unknown as Uint8Array })).rejects.toThrow(TypeError);
    await expect(ready({ source: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) })).rejects.toThrow(/heap_base/);
  });

  it("refuses a build the engine cannot run", async () => {
    if (detectFeatures().relaxedSimd) return;
    await expect(ready({ backend: "relaxed-simd" })).rejects.toThrow(/lacks relaxed SIMD/);
  });

  it("replacing the build makes old resident matrices stale", async () => {
    const first = await loadBackend();
    const stale = resident(fromArrays([[1, 2]]));
    await ready({ backend: first.name === "scalar" && detectFeatures().simd ? "simd" : "scalar" });
    expect(() => add(stale, stale)).toThrow(/belongs to a build that ready\(\) has since replaced/);
    await loadBackend();
  });
});

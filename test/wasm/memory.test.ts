import { beforeAll, describe, expect, it } from "vitest";
import { add, backend, fromArrays, RandomState, resident, transpose, type Matrix } from "../../src/index.js";
import { HeapAllocator, MAX_MEMORY_BYTES } from "../../src/runtime/allocator.js";
import { requireRuntime } from "../../src/runtime/state.js";
import { loadBackend } from "../helpers/backend.js";

beforeAll(loadBackend);

describe("wasm memory", () => {
  it("100,000 small calls leave the memory as large as after the first few", () => {
    const a = fromArrays([[1, 2, 3], [4, 5, 6]]);
    const b = fromArrays([[6, 5, 4], [3, 2, 1]]);
    const heap = requireRuntime("test").heap;
    for (let i = 0; i < 10; i++) add(a, b);
    const bytesAfterFirstCalls = backend().memoryBytes;
    const blocksAfterFirstCalls = heap.blockCount;
    for (let i = 0; i < 100_000; i++) add(a, b);
    expect(backend().memoryBytes).toBe(bytesAfterFirstCalls);
    expect(heap.blockCount).toBe(blocksAfterFirstCalls);
  });

  it("results stay right when a call grows the memory", () => {
    const small = fromArrays([[1, 2]]);
    const held = resident(small);
    const before = backend().memoryBytes;
    const big: Matrix = new RandomState(0).randn(700, 700);
    const t = transpose(big);
    expect(backend().memoryBytes).toBeGreaterThan(before);
    expect(t.data[1]).toBe(big.data[700]);
    expect(Array.from(add(held, small).data)).toEqual([2, 4]);
    held.dispose();
  });

  it("resident matrices free their memory on dispose", () => {
    const heap = requireRuntime("test").heap;
    const allocated = heap.allocatedBytes;
    const m = resident(new RandomState(1).randn(50, 50));
    expect(heap.allocatedBytes).toBeGreaterThanOrEqual(allocated + 50 * 50 * 8);
    expect(m.toMatrix().data[0]).toBe(new RandomState(1).randn(1)[0]);
    m.dispose();
    m.dispose();
    expect(m.disposed).toBe(true);
    expect(heap.allocatedBytes).toBe(allocated);
  });

  it("a request beyond 4 GiB is refused before anything is allocated", () => {
    const runtime = requireRuntime("test");
    const bytes = backend().memoryBytes;
    expect(() => runtime.heap.allocate(MAX_MEMORY_BYTES, "test")).toThrow(/fit in the 4 GiB address space of wasm32/);
    expect(backend().memoryBytes).toBe(bytes);
  });

  it("scratch is released when a call throws", () => {
    const heap = requireRuntime("test").heap;
    const blocks = heap.blockCount;
    expect(() => add(fromArrays([[1]]), { rows: 1, cols: 1, data: new Float64Array(0) })).toThrow(RangeError);
    expect(heap.blockCount).toBe(blocks);
  });
});

describe("HeapAllocator", () => {
  it("aligns, reuses and coalesces blocks", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new HeapAllocator(memory, 100);
    const first = heap.allocate(10);
    const second = heap.allocate(100);
    const third = heap.allocate(1);
    expect(first % 64).toBe(0);
    expect(first).toBeGreaterThanOrEqual(100);
    expect(second).toBe(first + 64);
    expect(third).toBe(second + 128);
    heap.release(second);
    heap.release(first);
    expect(heap.allocate(150)).toBe(first);
    heap.release(third);
    expect(() => heap.release(third)).toThrow(/not the address of a live block/);
  });

  it("grows the memory when nothing fits", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new HeapAllocator(memory, 0);
    const address = heap.allocate(200_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(address + 200_000);
    heap.release(address);
    expect(heap.allocate(200_000)).toBe(address);
  });
});

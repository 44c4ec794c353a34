/**
 * The allocator for the WebAssembly memory, kept on the JavaScript side so that no instance of the
 * module ever runs an allocator of its own (the threaded build needs exactly that).
 *
 * First fit over a list of free ranges kept sorted by address, with neighbours coalesced on free. A
 * call that takes and releases the same scratch sizes again and again reuses the same bytes, so the
 * memory stops growing after the first calls. Every block starts on a 64-byte boundary (a cache
 * line, and a multiple of the 16 bytes a v128 load prefers). Wasm memory never shrinks; freed bytes
 * are reused instead.
 */
import { rangeErrorDescribed } from "../errors.js";

/** Alignment of every block, in bytes. */
export const BLOCK_ALIGNMENT = 64;

/** Bytes in one wasm page. */
export const PAGE_BYTES = 65536;

/** A wasm32 memory addresses at most 2^32 bytes (65,536 pages). */
export const MAX_MEMORY_BYTES = 2 ** 32;

interface FreeRange {
  start: number;
  size: number;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/**
 * Allocates byte ranges of a `WebAssembly.Memory`, growing it when no free range fits.
 *
 * @example
 * const heap = new HeapAllocator(memory, exports.heap_base());
 * const p = heap.allocate(800);   // 64-byte aligned address
 * heap.release(p);
 */
export class HeapAllocator {
  private readonly memory: WebAssembly.Memory;
  private readonly free: FreeRange[] = [];
  private readonly sizes = new Map<number, number>();
  private end: number;

  /** Creates an allocator for the bytes of `memory` from `heapBase` (rounded up to 64) upwards. */
  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.end = alignUp(heapBase, BLOCK_ALIGNMENT);
    const available = memory.buffer.byteLength - this.end;
    if (available > 0) this.free.push({ start: this.end, size: available });
    this.end = memory.buffer.byteLength;
  }

  /** Bytes currently allocated (block sizes after rounding). */
  get allocatedBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  /** Number of live blocks. */
  get blockCount(): number {
    return this.sizes.size;
  }

  /** Size of the underlying memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Returns the address of a new block of at least `bytes` bytes, 64-byte aligned (a zero-byte request
   * still gets a distinct block). Grows the memory when no free range fits. Throws a RangeError,
   * before growing anything, when the request cannot fit in wasm32's 4 GiB, and when the engine
   * refuses to grow the memory.
   */
  allocate(bytes: number, functionName = "allocate"): number {
    const size = alignUp(Math.max(bytes, 1), BLOCK_ALIGNMENT);
    let index = this.free.findIndex((range) => range.size >= size);
    if (index < 0) {
      this.grow(size, functionName);
      index = this.free.findIndex((range) => range.size >= size);
    }
    const range = this.free[index]!;
    const address = range.start;
    if (range.size === size) {
      this.free.splice(index, 1);
    } else {
      range.start += size;
      range.size -= size;
    }
    this.sizes.set(address, size);
    return address;
  }

  /** Returns a block to the free list. Releasing an address that is not a live block throws. */
  release(address: number): void {
    const size = this.sizes.get(address);
    if (size === undefined) throw new Error(`HeapAllocator.release: ${address} is not the address of a live block`);
    this.sizes.delete(address);

    // Insert in address order, then merge with the neighbours it touches.
    let index = 0;
    while (index < this.free.length && this.free[index]!.start < address) index++;
    this.free.splice(index, 0, { start: address, size });
    const next = this.free[index + 1];
    if (next !== undefined && address + size === next.start) {
      this.free[index]!.size += next.size;
      this.free.splice(index + 1, 1);
    }
    const previous = this.free[index - 1];
    if (previous !== undefined && previous.start + previous.size === address) {
      previous.size += this.free[index]!.size;
      this.free.splice(index, 1);
    }
  }

  /** Grows the memory so that a free range of `size` bytes exists at its end. */
  private grow(size: number, functionName: string): void {
    const last = this.free[this.free.length - 1];
    const tailFree = last !== undefined && last.start + last.size === this.end ? last.size : 0;
    const needed = size - tailFree;
    const target = this.end + needed;
    if (target > MAX_MEMORY_BYTES) {
      throw rangeErrorDescribed(
        functionName,
        "the request",
        `fit in the 4 GiB address space of wasm32 (${this.end} bytes in use or reserved)`,
        `${size} more bytes`,
      );
    }
    // Grow by at least a quarter of the current size, so that a sequence of growing requests does
    // not call memory.grow once per request.
    const minimumPages = Math.ceil(needed / PAGE_BYTES);
    const generousPages = Math.ceil(this.end / 4 / PAGE_BYTES);
    const maximumPages = MAX_MEMORY_BYTES / PAGE_BYTES - this.end / PAGE_BYTES;
    let pages = Math.min(Math.max(minimumPages, generousPages), maximumPages);
    try {
      this.memory.grow(pages);
    } catch {
      pages = minimumPages;
      try {
        this.memory.grow(pages);
      } catch (cause) {
        throw rangeErrorDescribed(
          functionName,
          "the request",
          `fit in the memory the engine grants (it refused to grow wasm memory to ${target} bytes: ${String(cause)})`,
          `${size} bytes`,
        );
      }
    }
    const grownBytes = pages * PAGE_BYTES;
    if (tailFree > 0) last!.size += grownBytes;
    else this.free.push({ start: this.end, size: grownBytes });
    this.end += grownBytes;
  }
}

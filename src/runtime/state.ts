/**
 * The loaded WebAssembly build, shared by every kernel wrapper. `ready()` sets it; wrappers read it
 * through `requireRuntime`, which throws NotReadyError before that.
 */
import { NotReadyError } from "../errors.js";
import type { HeapAllocator } from "./allocator.js";
import type { KernelExports } from "./exports.js";
import type { ThreadPool } from "./pool.js";

/** Names of the builds, best first. */
export const BACKENDS = ["relaxed-simd", "simd", "scalar"] as const;

/** Name of a build: relaxed-simd (fused multiply-add), simd (128-bit SIMD) or scalar (no SIMD). */
export type BackendName = (typeof BACKENDS)[number];

/** A loaded build: its instance's exports, its memory and the allocator for that memory. */
export interface Runtime {
  readonly backend: BackendName;
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly heap: HeapAllocator;
  /** The worker pool of the threaded build; undefined when kernels run on the calling thread only. */
  readonly pool?: ThreadPool;
  /** Counts loads, so that a resident matrix from an earlier load is recognised as stale. */
  readonly generation: number;
}

let current: Runtime | undefined;
let generations = 0;

/** Returns the loaded build, or throws NotReadyError naming `functionName`. */
export function requireRuntime(functionName: string): Runtime {
  if (current === undefined) throw new NotReadyError(functionName);
  return current;
}

/** Returns the loaded build, or undefined before `ready()`. */
export function currentRuntime(): Runtime | undefined {
  return current;
}

/** Makes `runtime` the build every wrapper uses from now on. */
export function installRuntime(runtime: Omit<Runtime, "generation">): Runtime {
  generations += 1;
  current = { ...runtime, generation: generations };
  return current;
}

/** Returns the runtime's worker pool while it runs, or undefined (no threaded build, or closed). */
export function activePool(runtime: Runtime): ThreadPool | undefined {
  return runtime.pool !== undefined && !runtime.pool.closed ? runtime.pool : undefined;
}

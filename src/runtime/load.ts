/**
 * Finding, compiling and instantiating a build, and the public `ready()` and `backend()`.
 *
 * The .wasm files sit in the package's `wasm/` folder. `new URL("../../wasm/…", import.meta.url)`
 * finds them from `src/runtime/` (tests), from `dist/runtime/` (the published package) and, because
 * the URLs are literal, bundlers such as Vite copy the files and rewrite the URLs. Node 20's fetch
 * rejects file: URLs, so those are read with node:fs.
 */
import { rangeError, typeError } from "../errors.js";
import { HeapAllocator } from "./allocator.js";
import { REQUIRED_EXPORTS, type KernelExports } from "./exports.js";
import { poolImports } from "./parallel.js";
import { ThreadPool } from "./pool.js";
import { detectFeatures, type EngineFeatures } from "./probe.js";
import { activePool, BACKENDS, currentRuntime, installRuntime, requireRuntime, type BackendName, type Runtime } from "./state.js";
import { warmUp } from "./warmup.js";

/** Options of `ready()`. */
export interface ReadyOptions {
  /**
   * The build to load. By default the best the engine supports: relaxed-simd, then simd, then scalar.
   * Forcing a build the engine cannot run throws a RangeError.
   */
  backend?: BackendName;
  /**
   * The build's bytes or compiled module, for hosts that serve the .wasm files themselves. Which
   * build they are is read from the module (its `simd_level` export); `backend`, if also given, must
   * agree.
   */
  source?: BufferSource | WebAssembly.Module;
  /** URL of the build to fetch, in place of the package's own `wasm/` folder. */
  url?: string | URL;
  /** Skip the warm-up calls that get the engine's optimising compiler going. Default false. */
  skipWarmUp?: boolean;
  /**
   * Threads the kernels may use, the calling thread included: 1 runs everything on the calling thread;
   * more starts `threads - 1` workers on a threaded build: the relaxed-simd kernels compiled for a
   * shared memory where the engine has relaxed SIMD, else the simd kernels, or the one `backend` names.
   * Where shared memory is unavailable (a browser page that is not cross-origin isolated) the library
   * falls back to one thread and `backend().threads` is false. The default is the number of cores, at
   * most 8, when `backend` is not forced and the engine has SIMD and shared memory; 1 otherwise. The
   * scalar build has no threaded variant, so more than 1 thread with `backend` "scalar" throws a
   * RangeError. With `source` or `url`, a value above 1 declares the module passed a threaded
   * build.
   */
  threads?: number;
}

/** Description of the build in use and of the engine's features. */
export interface BackendInfo {
  /** The loaded build. */
  name: BackendName;
  /** True for the simd and relaxed-simd builds. */
  simd: boolean;
  /** True for the relaxed-simd build (fused multiply-add, results may differ in the last bits). */
  relaxedSimd: boolean;
  /** True when the threaded build is loaded and kernels split large problems across threads. */
  threads: boolean;
  /** Number of threads kernels use, the calling thread included (1 without the threaded build). */
  threadCount: number;
  /** Features of the engine, whichever build is loaded. */
  engine: EngineFeatures;
  /** Current size of the module's memory in bytes. */
  memoryBytes: number;
}

const SIMD_LEVEL_BACKEND: Record<number, BackendName> = { 0: "scalar", 1: "simd", 2: "relaxed-simd" };

/** A build of the package: a backend, or the threaded variant of simd ("threads") or of relaxed-simd. */
type BuildName = BackendName | "threads" | "threads-relaxed";

/** Returns the default location of a build. The URLs are literal so that bundlers see and copy the files. */
function defaultUrl(build: BuildName): URL {
  switch (build) {
    case "threads":
      return new URL("../../wasm/lowrank-threads.wasm", import.meta.url);
    case "threads-relaxed":
      return new URL("../../wasm/lowrank-threads-relaxed.wasm", import.meta.url);
    case "relaxed-simd":
      return new URL("../../wasm/lowrank-relaxed-simd.wasm", import.meta.url);
    case "simd":
      return new URL("../../wasm/lowrank-simd.wasm", import.meta.url);
    case "scalar":
      return new URL("../../wasm/lowrank-scalar.wasm", import.meta.url);
  }
}

let features: EngineFeatures | undefined;

function engineFeatures(): EngineFeatures {
  features ??= detectFeatures();
  return features;
}

function supports(backend: BackendName, engine: EngineFeatures): boolean {
  if (backend === "relaxed-simd") return engine.relaxedSimd && engine.simd;
  if (backend === "simd") return engine.simd;
  return true;
}

async function compileFromUrl(url: URL): Promise<WebAssembly.Module> {
  if (url.protocol === "file:") {
    // A variable specifier keeps bundlers from trying to resolve a Node built-in for the browser.
    const fsModule = "node:fs/promises";
    const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import("node:fs/promises");
    return WebAssembly.compile(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`ready: fetching ${url.href} failed with HTTP status ${response.status}`);
  if (typeof WebAssembly.compileStreaming === "function" && response.headers.get("content-type") === "application/wasm") {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

function checkOptions(options: unknown): ReadyOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) throw typeError("ready", "options", "be an object", options);
  const { backend, source, url, threads } = options as ReadyOptions;
  if (backend !== undefined && !(BACKENDS as ReadonlyArray<unknown>).includes(backend)) {
    throw typeError("ready", "options.backend", `be one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`, backend);
  }
  if (source !== undefined && !(source instanceof WebAssembly.Module) && !ArrayBuffer.isView(source) && !(source instanceof ArrayBuffer)) {
    throw typeError("ready", "options.source", "be an ArrayBuffer, a typed array or a WebAssembly.Module", source);
  }
  if (url !== undefined && typeof url !== "string" && !(url instanceof URL)) {
    throw typeError("ready", "options.url", "be a string or a URL", url);
  }
  if (threads !== undefined) {
    if (typeof threads !== "number") throw typeError("ready", "options.threads", "be a number", threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw rangeError("ready", "options.threads", `be an integer from 1 to ${MAX_THREADS}`, threads);
    }
    if (threads > 1 && backend === "scalar") {
      throw rangeError("ready", "options.threads", `be 1 with backend "scalar" (only the simd and relaxed-simd builds have threaded variants)`, threads);
    }
  }
  return options as ReadyOptions;
}

function describe(runtime: Runtime): BackendInfo {
  return {
    name: runtime.backend,
    simd: runtime.backend !== "scalar",
    relaxedSimd: runtime.backend === "relaxed-simd",
    threads: activePool(runtime) !== undefined,
    threadCount: activePool(runtime)?.threads ?? 1,
    engine: engineFeatures(),
    memoryBytes: runtime.memory.buffer.byteLength,
  };
}

/** Upper bound of `options.threads`. */
const MAX_THREADS = 64;

/** Cap of the default thread count: beyond it each thread's share of a GEMM or conversion gets small. */
const MAX_DEFAULT_THREADS = 8;

/**
 * Maximum size of the threaded build's shared memory, in 64 KiB pages: 65,536 pages, the 4 GiB that
 * wasm32 can address, as the other builds may grow to. A shared memory cannot move when it grows, so
 * engines reserve the whole maximum as address space up front (not as memory in use); a host that
 * cannot reserve that much (a 32-bit one) gets FALLBACK_MAXIMUM_PAGES (1 GiB). It must not exceed the
 * `maximumMemory` the threads target of asconfig.json declares.
 */
const SHARED_MAXIMUM_PAGES = 65536;
const FALLBACK_MAXIMUM_PAGES = 16384;

/** Returns the number of logical cores, or 1 when the host does not report it. */
async function coreCount(): Promise<number> {
  const host = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { versions?: { node?: string } } };
  if (typeof host.navigator?.hardwareConcurrency === "number") return host.navigator.hardwareConcurrency;
  if (typeof host.process?.versions?.node === "string") {
    const osModule = "node:os";
    const os = (await import(/* @vite-ignore */ osModule)) as typeof import("node:os");
    return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  }
  return 1;
}

/** Creates the shared memory of the threaded build. */
function sharedMemory(): WebAssembly.Memory {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAXIMUM_PAGES, shared: true });
  } catch {
    return new WebAssembly.Memory({ initial: 1, maximum: FALLBACK_MAXIMUM_PAGES, shared: true });
  }
}

async function instantiate(module: WebAssembly.Module, requested: BackendName | undefined, threads: number): Promise<Runtime> {
  const threaded = threads > 1;
  const memory = threaded ? sharedMemory() : new WebAssembly.Memory({ initial: 1 });
  // The threaded build's kernels reach the pool through these imports once the runtime is installed.
  let installed: Runtime | undefined;
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      ...poolImports(() => installed),
      abort(): never {
        throw new Error("lowrank: a WebAssembly kernel aborted; this is a bug in lowrank, please report it");
      },
    },
  });
  const exports = instance.exports as unknown as KernelExports;
  for (const name of REQUIRED_EXPORTS) {
    if (typeof exports[name] !== "function") {
      throw typeError("ready", "options.source", `be a lowrank build exporting ${name}() (is it from this version?)`, module);
    }
  }
  const built = SIMD_LEVEL_BACKEND[exports.simd_level()];
  if (built === undefined) throw new Error(`ready: the module reports an unknown SIMD level ${exports.simd_level()}`);
  if (requested !== undefined && requested !== built) {
    throw rangeError("ready", "options.backend", `match the build passed in options.source ("${built}")`, requested);
  }
  if (threaded && exports.thread_support() !== 1) {
    throw rangeError("ready", "options.threads", "be 1 unless the module passed is a threaded build", threads);
  }
  const heap = new HeapAllocator(memory, exports.heap_base());
  const pool = threaded ? await ThreadPool.start(module, memory, exports, heap, threads) : undefined;
  installed = installRuntime({ backend: built, exports, memory, heap, ...(pool !== undefined ? { pool } : {}) });
  return installed;
}

let pending: Promise<BackendInfo> | undefined;

// Compiled modules of the package's own builds, so that switching back to a build re-instantiates it
// without fetching and compiling again (and keeps the code V8 has already optimised).
const compiled = new Map<BuildName, WebAssembly.Module>();

async function compiledBuild(build: BuildName): Promise<WebAssembly.Module> {
  const module = compiled.get(build) ?? (await compileFromUrl(defaultUrl(build)));
  compiled.set(build, module);
  return module;
}

/**
 * Decides how many threads to use: `options.threads` where shared memory exists, else 1; without it,
 * the core count (capped) when the build is left to the library and the engine has SIMD and shared
 * memory, else 1.
 */
async function threadCount(options: ReadyOptions, engine: EngineFeatures): Promise<number> {
  if (!engine.sharedMemory) return 1;
  if (options.threads !== undefined) return options.threads;
  if (options.backend !== undefined || options.source !== undefined || options.url !== undefined || !engine.simd) return 1;
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, await coreCount()));
}

async function load(options: ReadyOptions): Promise<BackendInfo> {
  const engine = engineFeatures();
  let module: WebAssembly.Module;
  let requested = options.backend;
  const threads = await threadCount(options, engine);
  const existing = currentRuntime();

  if (options.source !== undefined) {
    module = options.source instanceof WebAssembly.Module ? options.source : await WebAssembly.compile(options.source);
  } else {
    if (requested !== undefined && !supports(requested, engine)) {
      const missing = requested === "relaxed-simd" ? "relaxed SIMD" : "SIMD";
      throw rangeError("ready", "options.backend", `name a build this engine can run (it lacks ${missing})`, requested);
    }
    // Threads run the relaxed-simd kernels where the engine has them, unless `backend` requests simd.
    const threadedDefault = supports("relaxed-simd", engine) ? "relaxed-simd" : "simd";
    const backend = requested ?? (threads > 1 ? threadedDefault : BACKENDS.find((name) => supports(name, engine))!);
    requested = backend;
    const sameThreads = (existing === undefined ? 1 : (activePool(existing)?.threads ?? 1)) === threads;
    if (existing !== undefined && existing.backend === backend && sameThreads && options.url === undefined) return describe(existing);
    if (options.url !== undefined) {
      module = await compileFromUrl(new URL(options.url));
    } else {
      let build: BuildName = backend;
      if (threads > 1) build = backend === "relaxed-simd" ? "threads-relaxed" : "threads";
      module = await compiledBuild(build);
    }
  }

  let runtime: Runtime;
  try {
    runtime = await instantiate(module, requested, threads);
  } catch (error) {
    // A pool that cannot start where threads were not asked for (a page whose content security policy
    // forbids blob: workers, say) falls back to the best single-threaded build.
    if (threads === 1 || options.threads !== undefined) throw error;
    const backend = BACKENDS.find((name) => supports(name, engine))!;
    runtime = await instantiate(await compiledBuild(backend), backend, 1);
  }
  existing?.pool?.close();
  if (options.skipWarmUp !== true) await warmUp(runtime);
  return describe(runtime);
}

/**
 * Loads and instantiates a WebAssembly build, and resolves to what `backend()` returns. Call it once,
 * and await it, before any kernel; later calls with the same options resolve at once. Calling it with
 * another backend or thread count replaces the loaded build (stopping the old one's worker threads),
 * and resident matrices of the old one become unusable.
 *
 * With more than one thread (`options.threads`, or by default where the engine has shared memory),
 * a threaded build is loaded (relaxed-simd's where the engine has relaxed SIMD, unless `backend` is
 * "simd") and `threads - 1` worker threads are started once (Node's
 * worker_threads, or module Web Workers). They do not keep a Node process alive; `close()` stops them
 * at once. Large matrix products (`matmul`, `matvec` and the blocked updates inside `svd` and `qr`)
 * and number-format conversions are then split across the threads;
 * calls stay synchronous, because the calling thread computes its own share and waits for the
 * others (on a browser's main thread by spinning, since it may not block).
 *
 * Throws (rejects with) a TypeError for malformed options, and a RangeError when the requested build
 * needs a feature the engine lacks.
 *
 * @example
 * import { ready, backend } from "lowrank";
 * await ready();                        // best build: relaxed-simd, simd or scalar
 * await ready({ backend: "scalar" });   // force one
 * await ready({ threads: 1 });          // no worker threads
 * console.log(backend().name);
 */
export async function ready(options?: ReadyOptions): Promise<BackendInfo> {
  const checked = checkOptions(options);
  // Serialise loads so that two concurrent calls do not instantiate twice.
  const previous = pending ?? Promise.resolve(undefined);
  const next = previous.catch(() => undefined).then(() => load(checked));
  pending = next;
  return next;
}

/**
 * Describes the loaded build: its name, whether SIMD and relaxed SIMD are in use, threads, what the
 * engine supports and the module's memory size. Throws NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * backend(); // { name: "simd", simd: true, relaxedSimd: false, threads: false, threadCount: 1, ... }
 */
export function backend(): BackendInfo {
  return describe(requireRuntime("backend"));
}

/**
 * Stops the worker threads of the threaded build, if any. Kernels keep working afterwards, on the
 * calling thread only, and `backend().threads` turns false; `ready()` with more threads starts a new
 * pool. Node programs need not call it (idle workers do not keep a process alive); it is for freeing
 * the threads early, and for tests. Calling it again, or before `ready()`, does nothing.
 *
 * @example
 * await ready({ threads: 4 });
 * matmul(a, b);
 * close();   // workers stopped; matmul(a, b) still works, on one thread
 */
export function close(): void {
  currentRuntime()?.pool?.close();
}

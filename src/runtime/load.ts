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
import { detectFeatures, type EngineFeatures } from "./probe.js";
import { BACKENDS, currentRuntime, installRuntime, requireRuntime, type BackendName, type Runtime } from "./state.js";
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
}

/** Description of the build in use and of the engine's features. */
export interface BackendInfo {
  /** The loaded build. */
  name: BackendName;
  /** True for the simd and relaxed-simd builds. */
  simd: boolean;
  /** True for the relaxed-simd build (fused multiply-add, results may differ in the last bits). */
  relaxedSimd: boolean;
  /** True when kernels run on several threads. This release always runs on the calling thread. */
  threads: boolean;
  /** Number of threads kernels use. */
  threadCount: number;
  /** Features of the engine, whichever build is loaded. */
  engine: EngineFeatures;
  /** Current size of the module's memory in bytes. */
  memoryBytes: number;
}

const SIMD_LEVEL_BACKEND: Record<number, BackendName> = { 0: "scalar", 1: "simd", 2: "relaxed-simd" };

/** Returns the default location of a build. The URLs are literal so that bundlers see and copy the files. */
function defaultUrl(backend: BackendName): URL {
  switch (backend) {
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
  const { backend, source, url } = options as ReadyOptions;
  if (backend !== undefined && !(BACKENDS as ReadonlyArray<unknown>).includes(backend)) {
    throw typeError("ready", "options.backend", `be one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}`, backend);
  }
  if (source !== undefined && !(source instanceof WebAssembly.Module) && !ArrayBuffer.isView(source) && !(source instanceof ArrayBuffer)) {
    throw typeError("ready", "options.source", "be an ArrayBuffer, a typed array or a WebAssembly.Module", source);
  }
  if (url !== undefined && typeof url !== "string" && !(url instanceof URL)) {
    throw typeError("ready", "options.url", "be a string or a URL", url);
  }
  return options as ReadyOptions;
}

function describe(runtime: Runtime): BackendInfo {
  return {
    name: runtime.backend,
    simd: runtime.backend !== "scalar",
    relaxedSimd: runtime.backend === "relaxed-simd",
    threads: false,
    threadCount: 1,
    engine: engineFeatures(),
    memoryBytes: runtime.memory.buffer.byteLength,
  };
}

async function instantiate(module: WebAssembly.Module, requested: BackendName | undefined): Promise<Runtime> {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
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
  const heap = new HeapAllocator(memory, exports.heap_base());
  return installRuntime({ backend: built, exports, memory, heap });
}

let pending: Promise<BackendInfo> | undefined;

// Compiled modules of the package's own builds, so that switching back to a build re-instantiates it
// without fetching and compiling again (and keeps the code V8 has already optimised).
const compiled = new Map<BackendName, WebAssembly.Module>();

async function load(options: ReadyOptions): Promise<BackendInfo> {
  const engine = engineFeatures();
  let module: WebAssembly.Module;
  let requested = options.backend;

  if (options.source !== undefined) {
    module = options.source instanceof WebAssembly.Module ? options.source : await WebAssembly.compile(options.source);
  } else {
    if (requested !== undefined && !supports(requested, engine)) {
      const missing = requested === "relaxed-simd" ? "relaxed SIMD" : "SIMD";
      throw rangeError("ready", "options.backend", `name a build this engine can run (it lacks ${missing})`, requested);
    }
    const backend = requested ?? BACKENDS.find((name) => supports(name, engine))!;
    requested = backend;
    const existing = currentRuntime();
    if (existing !== undefined && existing.backend === backend && options.url === undefined) return describe(existing);
    if (options.url !== undefined) {
      module = await compileFromUrl(new URL(options.url));
    } else {
      module = compiled.get(backend) ?? (await compileFromUrl(defaultUrl(backend)));
      compiled.set(backend, module);
    }
  }

  const runtime = await instantiate(module, requested);
  if (options.skipWarmUp !== true) await warmUp(runtime);
  return describe(runtime);
}

/**
 * Loads and instantiates a WebAssembly build, and resolves to what `backend()` returns. Call it once,
 * and await it, before any kernel; later calls with the same options resolve at once. Calling it with
 * another backend replaces the loaded build, and resident matrices of the old one become unusable.
 *
 * Throws (rejects with) a TypeError for malformed options, and a RangeError when the requested build
 * needs a feature the engine lacks.
 *
 * @example
 * import { ready, backend } from "lowrank";
 * await ready();                        // best build: relaxed-simd, simd or scalar
 * await ready({ backend: "scalar" });   // force one
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

/**
 * The worker pool of the threaded build: `threads - 1` workers, each running its own instance of the
 * threaded module on the one shared memory, plus the calling thread, which always takes the first
 * share of a job itself.
 *
 * Jobs travel through a small control block per worker in the shared memory (see worker-source.ts).
 * Atomics.notify wakes the worker, and Atomics.wait waits for its reply. A browser's main thread may
 * not call Atomics.wait, so there the pool spins on Atomics.load instead. A job is one call of a kernel
 * export with numeric arguments, so the public functions stay synchronous: the calling thread splits
 * the work, hands out the shares, computes its own and waits for the others.
 *
 * Only the main thread allocates: the control blocks are allocated here when the pool starts, and
 * each job's scratch space by the caller before the job is handed out.
 */
import type { HeapAllocator } from "./allocator.js";
import type { KernelExports } from "./exports.js";
import { BROWSER_WORKER_SOURCE, CONTROL, NODE_WORKER_SOURCE } from "./worker-source.js";

/** Name of a kernel export that the pool can run on a worker. */
export type KernelName = keyof KernelExports;

/** One kernel call: the export's name and its arguments (addresses, sizes and scalars). */
export interface Job {
  readonly kernel: KernelName;
  readonly args: readonly number[];
}

/** Kernels a worker may be asked to run; a job names one by its index in this list. */
export const POOL_KERNELS: readonly KernelName[] = [
  "gemm_f64",
  "gemm_f32",
  "gemv_f64",
  "gemv_f32",
  "f32_to_f16",
  "f64_to_f16",
  "f16_to_f32",
  "f16_to_f64",
  "f32_to_bf16",
  "f64_to_bf16",
  "bf16_to_f32",
  "bf16_to_f64",
  "quantize_int8_f32",
  "quantize_int8_f64",
  "dequantize_int8_f32",
  "dequantize_int8_f64",
  "quantize_uint8_f32",
  "quantize_uint8_f64",
  "dequantize_uint8_f32",
  "dequantize_uint8_f64",
  "quantize_4bit",
  "dequantize_4bit",
  "fourbit_matvec_f32",
];

/**
 * Microseconds a thread polls for its next job (a worker) or for a worker's reply (the calling
 * thread) before it sleeps in Atomics.wait. Tests and benchmarks may change it, and each job carries the
 * current value to its worker.
 */
export const POOL_PARAMS = {
  spinMicroseconds: 10_000,
};

const KERNEL_INDEX = new Map<KernelName, number>(POOL_KERNELS.map((name, index) => [name, index]));

/** The parts of a Node `Worker` or a browser `Worker` the pool uses. */
interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** Error classes a worker's error is rebuilt as, by the name it reported. */
const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  RuntimeError: WebAssembly.RuntimeError,
  CompileError: WebAssembly.CompileError,
  LinkError: WebAssembly.LinkError,
  RangeError,
  TypeError,
  Error,
};

/** Rebuilds an error a worker reported as an instance of the same class (Error for unknown names). */
function rebuildError(name: string, message: string): Error {
  const ErrorClass = ERROR_CLASSES[name];
  if (ErrorClass !== undefined) return new ErrorClass(message);
  const error = new Error(message);
  error.name = name;
  return error;
}

/** True where Atomics.wait may block this thread (Node's main thread, workers); false on a browser's main thread. */
function canBlock(probe: Int32Array): boolean {
  try {
    // The slot contains 0, so this returns "not-equal" at once where waiting is allowed.
    Atomics.wait(probe, 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function isNode(): boolean {
  const runtime = globalThis as { process?: { versions?: { node?: string } } };
  return typeof runtime.process?.versions?.node === "string";
}

/** Starts one worker and resolves once it has instantiated the module on the shared memory. */
async function startWorker(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number): Promise<WorkerHandle> {
  const message = { module, memory, control, kernels: POOL_KERNELS };
  if (isNode()) {
    // A variable specifier keeps bundlers from trying to resolve a Node built-in for the browser.
    const threadsModule = "node:worker_threads";
    const { Worker } = (await import(/* @vite-ignore */ threadsModule)) as typeof import("node:worker_threads");
    const worker = new Worker(NODE_WORKER_SOURCE, { eval: true });
    // An idle worker must not keep the process alive: a program that never calls close() still exits.
    worker.unref();
    await new Promise<void>((resolve, reject) => {
      worker.once("message", (reply: { ready: boolean; name?: string; message?: string }) => {
        if (reply.ready) resolve();
        else reject(rebuildError(reply.name ?? "Error", `a worker thread could not instantiate the threaded build: ${reply.message}`));
      });
      worker.once("error", reject);
      worker.postMessage(message);
    });
    return worker;
  }

  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: "text/javascript" }));
  try {
    const worker = new Worker(url, { type: "module" });
    await new Promise<void>((resolve, reject) => {
      worker.addEventListener("message", (event: MessageEvent<{ ready: boolean; name?: string; message?: string }>) => {
        const reply = event.data;
        if (reply.ready) resolve();
        else reject(rebuildError(reply.name ?? "Error", `a worker thread could not instantiate the threaded build: ${reply.message}`));
      }, { once: true });
      worker.addEventListener("error", (event) => reject(new Error(`a worker thread failed to start: ${event.message}`)), { once: true });
      worker.postMessage(message);
    });
    return worker;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * A started pool. `run` hands jobs out and returns their results; `close` stops the workers. Use
 * `ThreadPool.start`.
 */
export class ThreadPool {
  /** Threads a job list may use: the workers plus the calling thread. */
  readonly threads: number;
  private readonly memory: WebAssembly.Memory;
  private readonly exports: KernelExports;
  private readonly workers: WorkerHandle[];
  private readonly controls: number[];
  private readonly blocking: boolean;
  #closed = false;

  private constructor(memory: WebAssembly.Memory, exports: KernelExports, workers: WorkerHandle[], controls: number[], blocking: boolean) {
    this.memory = memory;
    this.exports = exports;
    this.workers = workers;
    this.controls = controls;
    this.blocking = blocking;
    this.threads = workers.length + 1;
  }

  /**
   * Starts `threads - 1` workers on `memory` (shared) with `module` (the threaded build). The control
   * blocks come from `heap`. Rejects, with every started worker stopped again, when one fails.
   */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, exports: KernelExports, heap: HeapAllocator, threads: number): Promise<ThreadPool> {
    const controls: number[] = [];
    for (let i = 1; i < threads; i++) {
      const address = heap.allocate(CONTROL.BYTES, "ready");
      new Uint8Array(memory.buffer, address, CONTROL.BYTES).fill(0);
      controls.push(address);
    }
    const started = await Promise.allSettled(controls.map((control) => startWorker(module, memory, control)));
    const workers = started.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    const failure = started.find((outcome) => outcome.status === "rejected");
    if (failure !== undefined) {
      for (const worker of workers) worker.terminate();
      for (const control of controls) heap.release(control);
      throw (failure as PromiseRejectedResult).reason;
    }
    const probe = new Int32Array(memory.buffer, controls[0] ?? 0, 1);
    return new ThreadPool(memory, exports, workers, controls, controls.length === 0 || canBlock(probe));
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Workers started, not counting the calling thread. */
  get workerCount(): number {
    return this.workers.length;
  }

  /**
   * Runs `jobs[0]` on the calling thread and `jobs[1..]` on workers 0, 1, ..., waits for all of them
   * and returns each kernel's result (0 for kernels that return nothing). At most `threads` jobs.
   * When a kernel throws, every other job still finishes first, then the error is thrown: the calling
   * thread's own, else the first worker's, rebuilt as the same class. The pool stays usable.
   */
  run(jobs: readonly Job[]): number[] {
    if (this.#closed) throw new Error("lowrank: the thread pool was closed; call ready() again to start a new one");
    if (jobs.length > this.threads) throw new Error(`ThreadPool.run: ${jobs.length} jobs for ${this.threads} threads`);
    const results = new Array<number>(jobs.length).fill(0);
    const requests: number[] = [];
    for (let w = 1; w < jobs.length; w++) requests.push(this.post(w - 1, jobs[w]!));

    let own: unknown;
    let ownFailed = false;
    try {
      if (jobs.length > 0) {
        const kernel = this.exports[jobs[0]!.kernel] as (...args: number[]) => unknown;
        const value = kernel(...jobs[0]!.args);
        results[0] = typeof value === "number" ? value : 0;
      }
    } catch (error) {
      own = error;
      ownFailed = true;
    }

    let workerError: Error | undefined;
    for (let w = 1; w < jobs.length; w++) {
      const control = this.wait(w - 1, requests[w - 1]!);
      if (control[CONTROL.OUTCOME] === 0) {
        results[w] = control[CONTROL.RESULT]!;
      } else if (workerError === undefined) {
        workerError = this.readError(w - 1, control);
      }
    }
    if (ownFailed) throw own;
    if (workerError !== undefined) throw workerError;
    return results;
  }

  /**
   * Stops the workers and releases nothing else; the pool cannot run jobs afterwards. Calling it again
   * does nothing.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      const control = this.control(w);
      control[CONTROL.KERNEL] = -1;
      Atomics.add(control, CONTROL.REQUEST, 1);
      Atomics.notify(control, CONTROL.REQUEST);
      this.workers[w]!.terminate();
    }
  }

  /** Returns a fresh view of worker w's control block, because the memory's buffer object changes when it grows. */
  private control(w: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.controls[w]!, CONTROL.BYTES / 4);
  }

  /** Writes a job into worker w's control block, wakes the worker and returns the request number. */
  private post(w: number, job: Job): number {
    const index = KERNEL_INDEX.get(job.kernel);
    if (index === undefined) throw new Error(`ThreadPool.run: ${job.kernel} is not in POOL_KERNELS`);
    if (job.args.length > CONTROL.MAX_ARGUMENTS) throw new Error(`ThreadPool.run: ${job.kernel} has more than ${CONTROL.MAX_ARGUMENTS} arguments`);
    const control = this.control(w);
    new Float64Array(this.memory.buffer, this.controls[w]! + CONTROL.ARGUMENTS, job.args.length).set(job.args);
    control[CONTROL.KERNEL] = index;
    control[CONTROL.COUNT] = job.args.length;
    control[CONTROL.SPIN] = POOL_PARAMS.spinMicroseconds;
    const request = Atomics.add(control, CONTROL.REQUEST, 1) + 1;
    Atomics.notify(control, CONTROL.REQUEST);
    return request;
  }

  /** Waits until worker w has finished `request` and returns its control block. */
  private wait(w: number, request: number): Int32Array {
    const control = this.control(w);
    if (this.blocking) {
      // Poll first, for the reason the workers do (see waitForRequest in worker-source.ts).
      const deadline = performance.now() + POOL_PARAMS.spinMicroseconds / 1000;
      for (let polls = 1, done = Atomics.load(control, CONTROL.DONE); done !== request; polls++, done = Atomics.load(control, CONTROL.DONE)) {
        if (polls % 1024 === 0 && performance.now() >= deadline) Atomics.wait(control, CONTROL.DONE, done);
      }
    } else {
      // A browser's main thread may not block: spin. The calling thread computed its own share first,
      // so this waits only for the difference between the shares.
      while (Atomics.load(control, CONTROL.DONE) !== request);
    }
    // NOTE: a worker that died (killed, out of memory) never replies, so this waits forever. Waiting
    // with a timeout and checking a heartbeat slot would turn that into an error.
    return control;
  }

  private readError(w: number, control: Int32Array): Error {
    const text = new Uint8Array(this.memory.buffer, this.controls[w]! + CONTROL.TEXT, CONTROL.BYTES - CONTROL.TEXT);
    const nameBytes = control[CONTROL.NAME_BYTES]!;
    const messageBytes = control[CONTROL.MESSAGE_BYTES]!;
    const decoder = new TextDecoder();
    // TextDecoder does not read views of a SharedArrayBuffer, so the bytes are copied out first.
    const name = decoder.decode(text.slice(0, nameBytes));
    const message = decoder.decode(text.slice(nameBytes, nameBytes + messageBytes));
    return rebuildError(name, message);
  }
}

/**
 * The code each worker thread of the pool runs, as JavaScript text. Node starts it with
 * `new Worker(text, { eval: true })`, browsers as a module Worker on a blob: URL. Starting from text
 * instead of a file means that no extra file has to be found next to the library after bundling. The
 * same code also runs whether the library is loaded from `src/` (tests) or `dist/`.
 *
 * A worker receives one message, `{ module, memory, control, kernels }`: the compiled threaded build,
 * the shared memory, the address of its control block in that memory and the names of the exports it
 * may be asked to run. It instantiates the module on the shared memory, answers "ready" (or the
 * error), then waits on its control block for jobs until the pool stops it. The worker never
 * allocates: every address it gets was allocated by the main thread.
 *
 * Control block (Int32 slots; the layout is shared with pool.ts through CONTROL):
 *   request  job counter, raised by the main thread for each job (the worker waits on it)
 *   done     the request number the worker finished last (the main thread waits on it)
 *   kernel   index into `kernels`, or -1 to stop the worker
 *   count    number of arguments, stored as float64 from byte ARGUMENTS on
 *   outcome  0 when the kernel returned, 1 when it threw
 *   result   the kernel's i32 result (0 for kernels without one)
 *   nameBytes, messageBytes  lengths of the error's class name and message, UTF-8 from byte TEXT on
 *   spin     microseconds the worker polls `request` after a job before it sleeps in Atomics.wait
 */

/** Layout of a worker's control block: Int32 slot indices and byte offsets. */
export const CONTROL = {
  BYTES: 1024,
  REQUEST: 0,
  DONE: 1,
  KERNEL: 2,
  COUNT: 3,
  OUTCOME: 4,
  RESULT: 5,
  NAME_BYTES: 6,
  MESSAGE_BYTES: 7,
  SPIN: 8,
  ARGUMENTS: 64,
  MAX_ARGUMENTS: 16,
  TEXT: 256,
} as const;

/** The job loop, shared by the Node and the browser preludes below. `post` sends a reply to the main thread. */
const WORKER_BODY = `
const CONTROL = ${JSON.stringify(CONTROL)};

function start(message, post) {
  let control;
  let kernels;
  try {
    const instance = new WebAssembly.Instance(message.module, {
      env: {
        memory: message.memory,
        // Workers run only the kernels in \`kernels\`, which never call these. Only the main
        // thread's kernels hand products to the pool.
        gemm_pool_f64: () => 0,
        gemm_pool_f32: () => 0,
        gemv_pool_f64: () => 0,
        gemv_pool_f32: () => 0,
        abort() {
          throw new Error("lowrank: a WebAssembly kernel aborted in a worker thread; this is a bug in lowrank, please report it");
        },
      },
    });
    control = new Int32Array(message.memory.buffer, message.control, CONTROL.BYTES / 4);
    kernels = message.kernels.map((name) => instance.exports[name]);
  } catch (error) {
    post({ ready: false, name: String(error && error.name), message: String(error && error.message) });
    return;
  }
  post({ ready: true });
  serve(message.memory, message.control, control, kernels);
}

// Polls the request slot for up to control[SPIN] microseconds, then sleeps in Atomics.wait until the
// slot differs from \`seen\`. On a virtual machine whose idle CPU the host has descheduled, a sleeping
// thread can take a millisecond or more to wake, longer than a typical share of a product. A worker
// that polls starts the closely spaced jobs of an SVD at once.
function waitForRequest(control, seen) {
  const deadline = performance.now() + control[CONTROL.SPIN] / 1000;
  for (let polls = 1; Atomics.load(control, CONTROL.REQUEST) === seen; polls++) {
    if (polls % 1024 === 0 && performance.now() >= deadline) Atomics.wait(control, CONTROL.REQUEST, seen);
  }
}

function serve(memory, address, control, kernels) {
  const encoder = new TextEncoder();
  // The pool zeroes the block before the worker starts, and may post a job before this line runs.
  let seen = 0;
  for (;;) {
    waitForRequest(control, seen);
    seen = Atomics.load(control, CONTROL.REQUEST);
    const kernel = control[CONTROL.KERNEL];
    if (kernel < 0) {
      Atomics.store(control, CONTROL.DONE, seen);
      Atomics.notify(control, CONTROL.DONE);
      return;
    }
    // A view made now, because the buffer of a shared memory object changes when the memory grows.
    const args = Array.from(new Float64Array(memory.buffer, address + CONTROL.ARGUMENTS, control[CONTROL.COUNT]));
    try {
      const result = kernels[kernel](...args);
      control[CONTROL.RESULT] = typeof result === "number" ? result : 0;
      control[CONTROL.OUTCOME] = 0;
    } catch (error) {
      control[CONTROL.OUTCOME] = 1;
      control[CONTROL.NAME_BYTES] = 0;
      control[CONTROL.MESSAGE_BYTES] = 0;
      // The worker must reply whatever happens here, or the main thread waits forever.
      try {
        // encodeInto rejects views of a SharedArrayBuffer in browsers, so the text is encoded apart
        // and copied in, the message cut to the room left.
        const text = new Uint8Array(memory.buffer, address + CONTROL.TEXT, CONTROL.BYTES - CONTROL.TEXT);
        const name = encoder.encode(String(error && error.name)).subarray(0, 64);
        const message = encoder.encode(String(error && error.message)).subarray(0, text.length - name.length);
        text.set(name);
        text.set(message, name.length);
        control[CONTROL.NAME_BYTES] = name.length;
        control[CONTROL.MESSAGE_BYTES] = message.length;
      } catch {}
    }
    Atomics.store(control, CONTROL.DONE, seen);
    Atomics.notify(control, CONTROL.DONE);
  }
}
`;

/**
 * Worker code for Node's worker_threads. Node evaluates it as a CommonJS script, or as an ES module
 * when the process was started with --input-type=module (workers inherit the flag), so it loads
 * worker_threads with import(), which both accept.
 */
export const NODE_WORKER_SOURCE = `${WORKER_BODY}
import("node:worker_threads").then(({ parentPort }) => {
  parentPort.once("message", (message) => {
    start(message, (reply) => parentPort.postMessage(reply));
    parentPort.close();
  });
});
`;

/** Worker code for browsers' module Workers. */
export const BROWSER_WORKER_SOURCE = `${WORKER_BODY}
self.addEventListener("message", (event) => {
  start(event.data, (reply) => self.postMessage(reply));
  self.close();
}, { once: true });
`;

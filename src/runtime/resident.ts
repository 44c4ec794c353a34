/**
 * Matrices kept in wasm memory across calls, so that repeated calls on the same weights copy nothing.
 */
import { typeError } from "../errors.js";
import { allocateMatrix, checkMatrix, type DType, type Matrix } from "../matrix.js";
import { copyRowsIn, copyRowsOut, elementBytes } from "./views.js";
import { requireRuntime, currentRuntime, type Runtime } from "./state.js";

interface HeldBlock {
  runtime: Runtime;
  address: number;
}

// Frees the block of a resident matrix that was garbage-collected without dispose(). Collection is
// up to the engine, so this is a safety net, not a substitute for dispose().
const registry = new FinalizationRegistry<HeldBlock>((held) => {
  if (currentRuntime() === held.runtime) held.runtime.heap.release(held.address);
});

/**
 * A dense (stride = cols) copy of a matrix held in wasm memory. Every function that takes a matrix
 * also takes one of these, and reads it in place. Call `dispose()` when done; a forgotten one is freed
 * when it is garbage-collected. It becomes unusable after `dispose()` or after `ready()` loads another
 * build.
 *
 * @example
 * const w = resident(weights);       // copied into wasm memory once
 * for (const x of batches) matmul(x, w, { transB: true });
 * w.dispose();
 */
export class ResidentMatrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns; also the stride of the stored copy. */
  readonly cols: number;
  /** Element type of the stored copy. */
  readonly dtype: DType;
  #runtime: Runtime;
  #address: number;
  #disposed = false;

  /** Use `resident(m)`; this constructor takes an already-filled block. */
  constructor(runtime: Runtime, address: number, rows: number, cols: number, dtype: DType) {
    this.rows = rows;
    this.cols = cols;
    this.dtype = dtype;
    this.#runtime = runtime;
    this.#address = address;
    registry.register(this, { runtime, address }, this);
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Returns the address of the stored copy for a kernel call. Throws an Error when the matrix was
   * disposed or belongs to a build that `ready()` has since replaced.
   */
  addressFor(functionName: string): number {
    if (this.#disposed) throw new Error(`${functionName}: this resident matrix was disposed; create a new one with resident(m)`);
    if (currentRuntime() !== this.#runtime) {
      throw new Error(`${functionName}: this resident matrix belongs to a build that ready() has since replaced; create a new one with resident(m)`);
    }
    return this.#address;
  }

  /** Copies the stored values out into a new plain matrix. */
  toMatrix(): Matrix {
    const address = this.addressFor("ResidentMatrix.toMatrix");
    const out = allocateMatrix(this.rows, this.cols, this.dtype);
    copyRowsOut(this.#runtime, address, this.cols, { ...out, stride: this.cols, dtype: this.dtype });
    return out;
  }

  /** Frees the wasm memory it holds. Calling it again does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    registry.unregister(this);
    if (currentRuntime() === this.#runtime) this.#runtime.heap.release(this.#address);
  }
}

/**
 * Copies a matrix into wasm memory and returns a handle that every function accepts in place of a
 * matrix. Throws TypeError or RangeError for an invalid matrix, NotReadyError before `ready()`, and a
 * RangeError when the copy does not fit in wasm memory.
 *
 * @example
 * const w = resident({ rows: 2, cols: 2, data: new Float32Array([1, 2, 3, 4]) });
 * w.toMatrix(); // a plain copy back
 * w.dispose();
 */
export function resident(m: Matrix): ResidentMatrix {
  if (m instanceof ResidentMatrix) throw typeError("resident", "m", "be a plain matrix, not a resident one", m);
  const checked = checkMatrix("resident", "m", m);
  const runtime = requireRuntime("resident");
  const address = runtime.heap.allocate(checked.rows * checked.cols * elementBytes(checked.dtype), "resident");
  copyRowsIn(runtime, checked, address, checked.cols);
  return new ResidentMatrix(runtime, address, checked.rows, checked.cols, checked.dtype);
}

/**
 * QLoRA's forward pass: a frozen base weight held in blockwise 4-bit codes (NF4 or FP4, from
 * `quantize4bit`) and a float32 LoRA adapter,
 *
 *   Y = X dequant(W)^T + scaling (X A^T) B^T,
 *
 * with the weight decoded on the fly inside the matrix-vector kernel, 32 values at a time, so that the
 * float32 weight never exists in memory. A 4-bit weight occupies about 1/8 of its float32 bytes, plus
 * 4 bytes of absmax per block.
 */
import { rangeErrorDescribed, typeError, typeErrorDescribed } from "../errors.js";
import { shapeText, type Matrix } from "../matrix.js";
import { checkOptions } from "../linalg/checks.js";
import { checkFourBitQuantized, FORMAT_NUMBER, type FourBitQuantized, type FourBitType } from "../quant/fourbit-layout.js";
import { checkInput, withScope, type CheckedInput, type MatrixInput } from "../runtime/operands.js";
import { parallelFourbitMatvec, parallelGemm } from "../runtime/parallel.js";
import { currentRuntime, requireRuntime, type Runtime } from "../runtime/state.js";
import { copyRowsOut, viewOf } from "../runtime/views.js";
import { checkAdapter, checkLoraOut, type CheckedAdapter, type LoraFactors, type LoraOutOptions } from "./checks.js";

interface HeldBlock {
  runtime: Runtime;
  address: number;
}

// Frees the block of a resident 4-bit weight that was garbage-collected without dispose().
const registry = new FinalizationRegistry<HeldBlock>((held) => {
  if (currentRuntime() === held.runtime) held.runtime.heap.release(held.address);
});

/** Bytes of the codes part of a resident block, rounded up so that the absmax values are 16-byte aligned. */
function codeBytes(length: number): number {
  return Math.ceil(Math.ceil(length / 2) / 16) * 16;
}

/**
 * A 4-bit weight (codes and float32 absmax values, double quantization decoded) held in wasm memory
 * for `qloraApply`, so that repeated calls copy nothing of the weight. Call `dispose()` when done; a
 * forgotten one is freed when it is garbage-collected. It becomes unusable after `dispose()` or after
 * `ready()` loads another build.
 *
 * @example
 * const w = residentQuantized(quantize4bit(weight));   // weight out x in, float32
 * for (const x of batches) qloraApply(x, w, pair);
 * w.dispose();
 */
export class ResidentQuantized {
  /** Rows of the weight (out features). */
  readonly rows: number;
  /** Columns of the weight (in features). */
  readonly cols: number;
  readonly format: FourBitType;
  readonly blockSize: number;
  /** Bytes held in wasm memory: packed codes (padded to 16 bytes) and one float32 absmax per block. */
  readonly byteLength: number;
  #runtime: Runtime;
  #address: number;
  #disposed = false;

  /** Use `residentQuantized(q)`; this constructor takes an already-filled block. */
  constructor(runtime: Runtime, address: number, q: FourBitQuantized, byteLength: number) {
    this.rows = q.rows;
    this.cols = q.cols;
    this.format = q.format;
    this.blockSize = q.blockSize;
    this.byteLength = byteLength;
    this.#runtime = runtime;
    this.#address = address;
    registry.register(this, { runtime, address }, this);
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Returns the addresses of the codes and of the absmax values. Throws an Error when the weight was
   * disposed or belongs to a build that `ready()` has since replaced.
   */
  addressesFor(functionName: string): { codes: number; absmax: number } {
    if (this.#disposed) throw new Error(`${functionName}: this resident 4-bit weight was disposed; create a new one with residentQuantized(q)`);
    if (currentRuntime() !== this.#runtime) {
      throw new Error(`${functionName}: this resident 4-bit weight belongs to a build that ready() has since replaced; create a new one with residentQuantized(q)`);
    }
    return { codes: this.#address, absmax: this.#address + codeBytes(this.rows * this.cols) };
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
 * Copies a 4-bit weight from `quantize4bit` into wasm memory and returns a handle that `qloraApply`
 * reads in place. Double-quantized block scales are decoded to float32 on the way. Throws TypeError or
 * RangeError when `q` is not a consistent quantize4bit result, NotReadyError before `ready()`, and a
 * RangeError when the copy does not fit in wasm memory.
 *
 * @example
 * const held = residentQuantized(quantize4bit(w, { type: "nf4" }));
 * held.byteLength;    // about w.rows * w.cols / 2 + 4 per 64 values
 * held.dispose();
 */
export function residentQuantized(q: FourBitQuantized): ResidentQuantized {
  const { q: checked, absmax } = checkFourBitQuantized("residentQuantized", q);
  const runtime = requireRuntime("residentQuantized");
  const codesLength = codeBytes(checked.length);
  const byteLength = codesLength + absmax.length * 4;
  const address = runtime.heap.allocate(Math.max(byteLength, 16), "residentQuantized");
  new Uint8Array(runtime.memory.buffer, address, checked.codes.length).set(checked.codes);
  new Float32Array(runtime.memory.buffer, address + codesLength, absmax.length).set(absmax);
  return new ResidentQuantized(runtime, address, checked, byteLength);
}

/** A validated 4-bit weight: its shape and format, and either the caller's arrays or a resident copy. */
export interface CheckedFourBit {
  rows: number;
  cols: number;
  format: FourBitType;
  blockSize: number;
  plain?: { codes: Uint8Array; absmax: Float32Array };
  resident?: ResidentQuantized;
}

function checkFourBitWeight(functionName: string, weight: unknown): CheckedFourBit {
  if (weight instanceof ResidentQuantized) {
    weight.addressesFor(functionName);
    return { rows: weight.rows, cols: weight.cols, format: weight.format, blockSize: weight.blockSize, resident: weight };
  }
  const { q, absmax } = checkFourBitQuantized(functionName, weight);
  return { rows: q.rows, cols: q.cols, format: q.format, blockSize: q.blockSize, plain: { codes: q.codes, absmax } };
}

/** Checks that the batch and the adapter are float32 and fit a 4-bit weight of out x in. */
export function checkQloraShapes(functionName: string, x: CheckedInput, weight: CheckedFourBit, lora: CheckedAdapter): void {
  if (lora.dtype !== "f32") {
    throw typeErrorDescribed(functionName, "adapter.A", "be float32 (a Float32Array matrix), as QLoRA keeps its adapter", "Float64Array data");
  }
  if (x.dtype !== "f32") throw typeErrorDescribed(functionName, "x", "be float32 (a Float32Array matrix or vector)", "Float64Array data");
  // NOTE: an in x out (fanInFanOut) 4-bit weight would need a transposed decoding kernel; callers
  // quantize the transposed weight instead.
  if (lora.fanInFanOut) {
    throw rangeErrorDescribed(functionName, "adapter.fanInFanOut", "be false: quantize the weight as out x in (transpose an in x out weight first)", "true");
  }
  if (weight.rows !== lora.outFeatures || weight.cols !== lora.inFeatures) {
    throw rangeErrorDescribed(
      functionName,
      "weight",
      `be ${lora.outFeatures}x${lora.inFeatures} (out x in) to fit the adapter (A ${shapeText(lora.A)}, B ${shapeText(lora.B)})`,
      shapeText(weight),
    );
  }
  if (x.cols !== lora.inFeatures) {
    throw rangeErrorDescribed(functionName, "x", `have ${lora.inFeatures} columns, the input features of the adapter (A ${shapeText(lora.A)}); rows are samples`, shapeText(x));
  }
}

/**
 * Applies a linear layer whose base weight is held in 4-bit codes, with a float32 LoRA adapter, as
 * QLoRA's forward pass does:
 *
 *   Y = X dequant(W)^T + scaling (X A^T) B^T
 *
 * X is batch x in, a float32 matrix (plain or resident), or a Float32Array of `in` values for one
 * sample, which gives a Float32Array. W is the out x in weight as `quantize4bit` returns it (NF4 or
 * FP4, any block size, double quantization allowed) or as `residentQuantized` holds it. A (r x in) and
 * B (out x r) are float32 factors, plain or resident. The weight is decoded inside the kernel, 32 values at a time,
 * to the same float32 values `dequantize4bit` gives, so the result equals dequantize-then-multiply up
 * to the order of the float32 sums. The adapter part runs on the GEMM kernels without forming B A.
 * Y is `options.out` when given (overwritten), otherwise new; no input is modified.
 *
 * Throws TypeError for a malformed weight, batch or adapter, or float64 data; RangeError, naming the
 * shapes, when the weight, X or B do not fit the adapter, for an adapter with fanInFanOut, or for an
 * `out` of the wrong shape or sharing memory with an input; NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const w4 = residentQuantized(quantize4bit(weight, { type: "nf4", doubleQuant: true }));
 * const y = qloraApply(x, w4, { A, B, scaling: 2 });      // x 1x4096 -> y 1x4096
 */
export function qloraApply(x: Float32Array, weight: FourBitQuantized | ResidentQuantized, adapter: LoraFactors, options?: { out?: Float32Array }): Float32Array;
export function qloraApply(x: MatrixInput, weight: FourBitQuantized | ResidentQuantized, adapter: LoraFactors, options?: LoraOutOptions): Matrix;
export function qloraApply(x: MatrixInput | Float32Array, weight: FourBitQuantized | ResidentQuantized, adapter: LoraFactors, options?: { out?: Matrix | Float32Array }): Matrix | Float32Array {
  const functionName = "qloraApply";
  const lora = checkAdapter(functionName, adapter, true);
  const vector = ArrayBuffer.isView(x);
  if (vector && !(x instanceof Float32Array)) throw typeError(functionName, "x", "be a float32 matrix or a Float32Array", x);
  const input = checkInput(functionName, "x", vector ? { rows: 1, cols: (x as Float32Array).length, data: x } : x);
  const w = checkFourBitWeight(functionName, weight);
  checkQloraShapes(functionName, input, w, lora);
  const opts = checkOptions<{ out?: Matrix | Float32Array }>(functionName, options);
  const batch = input.rows;
  const { inFeatures, outFeatures, rank } = lora;
  const outMatrix = vector && opts.out !== undefined ? checkVectorOut(functionName, opts.out, outFeatures) : opts.out;
  const inputs: Array<[string, CheckedInput]> = [["x", input], ["adapter.A", lora.A], ["adapter.B", lora.B]];
  const out = checkLoraOut(functionName, outMatrix, batch, outFeatures, "f32", `batch x out: x is ${batch}x${inFeatures}`, inputs);
  const runtime = requireRuntime(functionName);
  if (batch === 0 || outFeatures === 0) {
    if (opts.out !== undefined) return opts.out;
    return vector ? new Float32Array(outFeatures) : { rows: batch, cols: outFeatures, data: new Float32Array(batch * outFeatures) };
  }

  const result = withScope(runtime, functionName, (scope) => {
    const xs = scope.place(input);
    let codes: number;
    let absmax: number;
    if (w.resident !== undefined) {
      ({ codes, absmax } = w.resident.addressesFor(functionName));
    } else {
      codes = scope.allocate(Math.max(w.plain!.codes.length, 1));
      absmax = scope.allocate(Math.max(w.plain!.absmax.length * 4, 4));
      new Uint8Array(runtime.memory.buffer, codes, w.plain!.codes.length).set(w.plain!.codes);
      new Float32Array(runtime.memory.buffer, absmax, w.plain!.absmax.length).set(w.plain!.absmax);
    }
    const as = scope.place(lora.A);
    const bs = scope.place(lora.B);
    const t = scope.allocateMatrix(batch, rank, "f32");
    const y = scope.allocateMatrix(batch, outFeatures, "f32");

    // Y = X dequant(W)^T, decoded in the kernel; then T = X A^T and Y += scaling T B^T.
    parallelFourbitMatvec(runtime, scope, {
      x: xs.address, batch, n: inFeatures, ldx: xs.ld, codes, absmax, blockSize: w.blockSize,
      format: FORMAT_NUMBER[w.format], m: outFeatures, y: y.address, ldy: y.ld,
    });
    parallelGemm(runtime, scope, {
      dtype: "f32", transA: false, transB: true, m: batch, n: rank, k: inFeatures, alpha: 1,
      a: xs.address, lda: xs.ld, b: as.address, ldb: as.ld, beta: 0, c: t.address, ldc: t.ld,
    });
    parallelGemm(runtime, scope, {
      dtype: "f32", transA: false, transB: true, m: batch, n: outFeatures, k: rank, alpha: lora.scaling,
      a: t.address, lda: t.ld, b: bs.address, ldb: bs.ld, beta: 1, c: y.address, ldc: y.ld,
    });

    if (out !== undefined) {
      copyRowsOut(runtime, y.address, y.ld, out);
      return undefined;
    }
    return viewOf(runtime, "f32", y.address, batch * outFeatures).slice() as Float32Array;
  });

  if (vector) return (opts.out as Float32Array | undefined) ?? result!;
  return (opts.out as Matrix | undefined) ?? { rows: batch, cols: outFeatures, data: result! };
}

/** Wraps a Float32Array `out` of a one-sample call as a 1 x out matrix. */
export function checkVectorOut(functionName: string, out: unknown, outFeatures: number): Matrix {
  if (!(out instanceof Float32Array)) throw typeError(functionName, "options.out", "be a Float32Array when x is a vector", out);
  if (out.length !== outFeatures) throw rangeErrorDescribed(functionName, "options.out", `hold ${outFeatures} elements (the adapter's out features)`, `${out.length} elements`);
  return { rows: 1, cols: outFeatures, data: out };
}

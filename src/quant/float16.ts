/**
 * Half-precision formats: IEEE float16 and bfloat16, held as bit patterns in a Uint16Array on every
 * engine (Node 20 has no Float16Array), converted by the WebAssembly kernels.
 *
 * float16: round to nearest, ties to even, from float32 and from float64 with a single rounding;
 * gradual underflow to subnormals; overflow to infinity from 65520 up; signed zeros and infinities
 * kept; a NaN keeps its sign and the top 10 bits of its payload (0x7c01 with its sign when those are
 * all zero), as numpy does, so every one of the 65,536 halves converts to float32 and back unchanged.
 *
 * bfloat16: the top 16 bits of a float32, rounded to nearest even; a NaN is never rounded into an
 * infinity: it keeps its sign and top 7 payload bits (0x7f81 with its sign when those are all zero).
 * Widening either format is exact.
 */
import { typeError, rangeErrorDescribed } from "../errors.js";
import type { FloatArray } from "../matrix.js";
import { withScope } from "../runtime/operands.js";
import { parallelConvert } from "../runtime/parallel.js";
import type { KernelName } from "../runtime/pool.js";
import { requireRuntime } from "../runtime/state.js";
import { checkChoice, checkOptionsObject, checkValues, MAX_VALUES, type ValuesInput } from "./inputs.js";

/** The parts of a Float16Array this module uses; the type is not in TypeScript's ES2022 library. */
export interface Float16ArrayLike extends ArrayBufferView {
  readonly length: number;
  [index: number]: number;
}

type Float16ArrayConstructorLike = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Float16ArrayLike;

/** The engine's Float16Array constructor, or undefined where it has none (Node 20). */
export function float16ArrayConstructor(): Float16ArrayConstructorLike | undefined {
  return (globalThis as { Float16Array?: Float16ArrayConstructorLike }).Float16Array;
}

/** Options of `toFloat16` and `toBfloat16`. */
export interface ToHalfOptions {
  /** Where to write the bits: a Uint16Array of the input's length. A new one is returned otherwise. */
  out?: Uint16Array;
}

/** Options of `fromFloat16` and `fromBfloat16`. */
export interface FromHalfOptions {
  /** Element type of the result: "f32" (default) or "f64". Ignored when `out` is given. */
  dtype?: "f32" | "f64";
  /** Where to write the values: a Float32Array or Float64Array of the input's length. */
  out?: Float32Array | Float64Array;
}

/** Returns the bits of a Uint16Array or Float16Array argument, as a Uint16Array over the same bytes. */
export function checkHalfBits(functionName: string, value: unknown, acceptFloat16Array: boolean): Uint16Array {
  if (value instanceof Uint16Array) return value;
  const Float16 = float16ArrayConstructor();
  if (acceptFloat16Array && Float16 !== undefined && value instanceof Float16) {
    return new Uint16Array(value.buffer, value.byteOffset, value.length);
  }
  const rule = acceptFloat16Array && Float16 !== undefined ? "be a Uint16Array of float16 bits or a Float16Array" : "be a Uint16Array of 16-bit patterns";
  throw typeError(functionName, "bits", rule, value);
}

/** Validates `options.out` of a narrowing conversion. */
function checkBitsOut(functionName: string, out: unknown, length: number): Uint16Array | undefined {
  if (out === undefined) return undefined;
  if (!(out instanceof Uint16Array)) throw typeError(functionName, "options.out", "be a Uint16Array", out);
  if (out.length !== length) throw rangeErrorDescribed(functionName, "options.out", `hold ${length} elements (the input's length)`, `${out.length} elements`);
  return out;
}

/** Validates `options.out` of a widening conversion. */
function checkValuesOut(functionName: string, out: unknown, length: number): FloatArray {
  if (!(out instanceof Float32Array || out instanceof Float64Array)) throw typeError(functionName, "options.out", "be a Float32Array or a Float64Array", out);
  if (out.length !== length) throw rangeErrorDescribed(functionName, "options.out", `hold ${length} elements (the input's length)`, `${out.length} elements`);
  return out;
}

/** Picks the kernel export for an element type; every one has the signature (source, target, n). */
type KernelFor = (dtype: "f32" | "f64") => KernelName;

function narrow(functionName: string, kernel: KernelFor, x: ValuesInput, options: ToHalfOptions | undefined): Uint16Array {
  const values = checkValues(functionName, "x", x);
  const opts = checkOptionsObject<ToHalfOptions>(functionName, options);
  const out = checkBitsOut(functionName, opts.out, values.length);
  const runtime = requireRuntime(functionName);
  const n = values.length;
  if (n === 0) return out ?? new Uint16Array(0);
  return withScope(runtime, functionName, (scope) => {
    const source = scope.allocate(n * values.dense.BYTES_PER_ELEMENT);
    const target = scope.allocate(n * 2);
    const memory = runtime.memory.buffer;
    if (values.dtype === "f64") new Float64Array(memory, source, n).set(values.dense);
    else new Float32Array(memory, source, n).set(values.dense);
    parallelConvert(runtime, kernel(values.dtype), source, values.dense.BYTES_PER_ELEMENT, target, 2, n);
    const bits = new Uint16Array(runtime.memory.buffer, target, n);
    if (out === undefined) return bits.slice();
    out.set(bits);
    return out;
  });
}

function widen(functionName: string, kernel: KernelFor, bits: Uint16Array, options: FromHalfOptions | undefined): FloatArray {
  const opts = checkOptionsObject<FromHalfOptions>(functionName, options);
  const n = bits.length;
  if (n > MAX_VALUES) throw rangeErrorDescribed(functionName, "bits", "hold at most 2^31 - 1 values", `${n} values`);
  let out: FloatArray | undefined;
  let dtype: "f32" | "f64";
  if (opts.out !== undefined) {
    out = checkValuesOut(functionName, opts.out, n);
    dtype = out instanceof Float64Array ? "f64" : "f32";
  } else {
    dtype = checkChoice(functionName, "options.dtype", opts.dtype, ["f32", "f64"] as const, "f32");
  }
  const runtime = requireRuntime(functionName);
  if (n === 0) return out ?? (dtype === "f64" ? new Float64Array(0) : new Float32Array(0));
  return withScope(runtime, functionName, (scope) => {
    const source = scope.allocate(n * 2);
    const target = scope.allocate(n * (dtype === "f64" ? 8 : 4));
    new Uint16Array(runtime.memory.buffer, source, n).set(bits);
    parallelConvert(runtime, kernel(dtype), source, 2, target, dtype === "f64" ? 8 : 4, n);
    const memory = runtime.memory.buffer;
    const values = dtype === "f64" ? new Float64Array(memory, target, n) : new Float32Array(memory, target, n);
    if (out === undefined) return values.slice();
    out.set(values);
    return out;
  });
}

/**
 * Converts float32 or float64 values to IEEE float16, returned as bit patterns in a Uint16Array (one
 * rounding, to nearest even; the rules are in this module's header). Takes a Float32Array, a
 * Float64Array or a matrix (read row by row, stride honoured); writes to `options.out` when given.
 * Throws TypeError for another input type or a non-Uint16Array `out`, RangeError when `out`'s length
 * differs, NotReadyError before `ready()`.
 *
 * @example
 * await ready();
 * const bits = toFloat16(new Float32Array([1, 65520, 1e-8]));   // Uint16Array [0x3c00, 0x7c00, 0x00a8]
 */
export function toFloat16(x: ValuesInput, options?: ToHalfOptions): Uint16Array {
  return narrow("toFloat16", (dtype) => (dtype === "f64" ? "f64_to_f16" : "f32_to_f16"), x, options);
}

/**
 * Converts IEEE float16 bit patterns (a Uint16Array, or a Float16Array where the engine has one) to
 * float32 values, or float64 with `dtype: "f64"`; exact, NaN payloads kept. Writes to `options.out`
 * when given. Throws TypeError for another input type, RangeError when `out`'s length differs,
 * NotReadyError before `ready()`.
 *
 * @example
 * fromFloat16(new Uint16Array([0x3c00, 0xfc00]));   // Float32Array [1, -Infinity]
 */
export function fromFloat16(bits: Uint16Array | Float16ArrayLike, options?: FromHalfOptions): Float32Array | Float64Array {
  const checked = checkHalfBits("fromFloat16", bits, true);
  return widen("fromFloat16", (dtype) => (dtype === "f64" ? "f16_to_f64" : "f16_to_f32"), checked, options);
}

/**
 * Converts float32 or float64 values to bfloat16, returned as bit patterns in a Uint16Array (one
 * rounding, to nearest even). Inputs, `options.out` and errors as for `toFloat16`.
 *
 * @example
 * toBfloat16(new Float32Array([1, 3.14159]));   // Uint16Array [0x3f80, 0x4049]
 */
export function toBfloat16(x: ValuesInput, options?: ToHalfOptions): Uint16Array {
  return narrow("toBfloat16", (dtype) => (dtype === "f64" ? "f64_to_bf16" : "f32_to_bf16"), x, options);
}

/**
 * Converts bfloat16 bit patterns (a Uint16Array) to float32 values, or float64 with `dtype: "f64"`;
 * exact. Options and errors as for `fromFloat16`.
 *
 * @example
 * fromBfloat16(new Uint16Array([0x3f80]));   // Float32Array [1]
 */
export function fromBfloat16(bits: Uint16Array, options?: FromHalfOptions): Float32Array | Float64Array {
  const checked = checkHalfBits("fromBfloat16", bits, false);
  return widen("fromBfloat16", (dtype) => (dtype === "f64" ? "bf16_to_f64" : "bf16_to_f32"), checked, options);
}

/**
 * Wraps float16 bits in the engine's Float16Array, sharing their memory (no copy), so that the
 * values read as numbers. Throws an Error on engines without Float16Array (Node 20 has none; use
 * `fromFloat16` there), TypeError unless `bits` is a Uint16Array.
 *
 * @example
 * const halves = asFloat16Array(toFloat16(weights));   // halves[0] is a number
 */
export function asFloat16Array(bits: Uint16Array): Float16ArrayLike {
  if (!(bits instanceof Uint16Array)) throw typeError("asFloat16Array", "bits", "be a Uint16Array of float16 bits", bits);
  const Float16 = float16ArrayConstructor();
  if (Float16 === undefined) {
    throw new Error("asFloat16Array: this JavaScript engine has no Float16Array; read the values with fromFloat16(bits) instead");
  }
  return new Float16(bits.buffer, bits.byteOffset, bits.length);
}

/**
 * The int8 / uint8 quantized layout shared by the wasm-backed functions and their pure-JavaScript
 * twins: options, the result object, and its validation on the way back in.
 */
import { rangeErrorDescribed, typeError } from "../errors.js";
import type { FloatArray } from "../matrix.js";
import { checkBlockSize, checkChoice, checkOptionsObject, type CheckedValues } from "./inputs.js";

/** Grouping of the values under one scale: all of them, each row, or each block of `blockSize` consecutive values. */
export type Int8Granularity = "tensor" | "row" | "block";

/** "absmax": symmetric int8 codes; "affine": uint8 codes with a zero point. */
export type Int8Scheme = "absmax" | "affine";

/** Options of `quantizeInt8`. */
export interface QuantizeInt8Options {
  /** Default "row" for a matrix (one scale per output channel), "tensor" for a typed array; "block" when only blockSize is given. */
  granularity?: Int8Granularity;
  /** Values per scale with granularity "block" (row-major, the last block may be shorter). Default 64. */
  blockSize?: number;
  /** Default "absmax". */
  scheme?: Int8Scheme;
}

interface Int8QuantizedBase {
  /** Shape of the input: rows x cols, 1 x n for a typed array. */
  readonly rows: number;
  readonly cols: number;
  /** Number of values, rows * cols. */
  readonly length: number;
  readonly granularity: Int8Granularity;
  /** Consecutive values (row-major) sharing one scale: n, cols or blockSize. */
  readonly groupSize: number;
  /** One float32 scale per group. */
  readonly scales: Float32Array;
  /** Element type of the input, and the default of the dequantized result. */
  readonly dtype: "f32" | "f64";
}

/** Symmetric int8 codes: value = code * scale. */
export interface Int8AbsmaxQuantized extends Int8QuantizedBase {
  readonly format: "int8";
  readonly codes: Int8Array;
}

/** Affine uint8 codes: value = (code - zeroPoint) * scale. */
export interface Uint8AffineQuantized extends Int8QuantizedBase {
  readonly format: "uint8";
  readonly codes: Uint8Array;
  /** One zero point per group. */
  readonly zeroPoints: Uint8Array;
}

/** The result of `quantizeInt8`: int8 codes, or uint8 codes with zero points. */
export type Int8Quantized = Int8AbsmaxQuantized | Uint8AffineQuantized;

/** The validated options of a quantization: the scheme, granularity and group size. */
export interface Int8Plan {
  readonly scheme: Int8Scheme;
  readonly granularity: Int8Granularity;
  readonly groupSize: number;
  readonly groups: number;
}

/** Default block size of granularity "block". */
export const DEFAULT_INT8_BLOCK = 64;

/** Validates the options of `quantizeInt8` for the given input. */
export function planInt8(functionName: string, values: CheckedValues, options: unknown): Int8Plan {
  const opts = checkOptionsObject<QuantizeInt8Options>(functionName, options);
  const scheme = checkChoice(functionName, "options.scheme", opts.scheme, ["absmax", "affine"] as const, "absmax");
  let implied: Int8Granularity = values.isMatrix ? "row" : "tensor";
  if (opts.blockSize !== undefined) implied = "block";
  const granularity = checkChoice(functionName, "options.granularity", opts.granularity, ["tensor", "row", "block"] as const, implied);
  const blockSize = checkBlockSize(functionName, "options.blockSize", opts.blockSize, DEFAULT_INT8_BLOCK);
  let groupSize = blockSize;
  if (granularity === "tensor") groupSize = values.length;
  else if (granularity === "row") groupSize = values.cols;
  // An empty input still gets a group size of 1, so that the group count is 0 rather than NaN.
  groupSize = Math.max(1, groupSize);
  return { scheme, granularity, groupSize, groups: Math.ceil(values.length / groupSize) };
}

/** Checks that a value is an `Int8Quantized` whose arrays agree with its shape. */
export function checkInt8Quantized(functionName: string, q: unknown): Int8Quantized {
  if (typeof q !== "object" || q === null) throw typeError(functionName, "q", "be the result of quantizeInt8", q);
  const candidate = q as Partial<Int8Quantized> & { zeroPoints?: unknown };
  if (candidate.format !== "int8" && candidate.format !== "uint8") throw typeError(functionName, "q.format", 'be "int8" or "uint8"', candidate.format);
  const length = candidate.length;
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0) throw typeError(functionName, "q.length", "be a non-negative integer", length);
  const groupSize = candidate.groupSize;
  if (typeof groupSize !== "number" || !Number.isInteger(groupSize) || groupSize < 1) throw typeError(functionName, "q.groupSize", "be a positive integer", groupSize);
  const codesType = candidate.format === "int8" ? Int8Array : Uint8Array;
  if (!(candidate.codes instanceof codesType)) throw typeError(functionName, "q.codes", `be a ${codesType.name}`, candidate.codes);
  if (candidate.codes.length !== length) throw rangeErrorDescribed(functionName, "q.codes", `hold q.length = ${length} codes`, `${candidate.codes.length}`);
  const groups = Math.ceil(length / groupSize);
  if (!(candidate.scales instanceof Float32Array)) throw typeError(functionName, "q.scales", "be a Float32Array", candidate.scales);
  if (candidate.scales.length !== groups) throw rangeErrorDescribed(functionName, "q.scales", `hold one scale per group (${groups})`, `${candidate.scales.length}`);
  if (candidate.format === "uint8") {
    if (!(candidate.zeroPoints instanceof Uint8Array)) throw typeError(functionName, "q.zeroPoints", "be a Uint8Array", candidate.zeroPoints);
    if (candidate.zeroPoints.length !== groups) throw rangeErrorDescribed(functionName, "q.zeroPoints", `hold one zero point per group (${groups})`, `${candidate.zeroPoints.length}`);
  }
  return candidate as Int8Quantized;
}

/** Options of `dequantizeInt8`. */
export interface DequantizeInt8Options {
  /** Element type of a new result: "f32" or "f64"; by default the type of the quantized input. */
  dtype?: "f32" | "f64";
  /** Destination of the values, a Float32Array or Float64Array of q.length; its type sets the element type. */
  out?: Float32Array | Float64Array;
}

/** Validates dequantization options: returns the element type and `options.out`, if given. */
export function dequantizeTarget(functionName: string, options: unknown, length: number, fallback: "f32" | "f64"): { dtype: "f32" | "f64"; out?: FloatArray } {
  const opts = checkOptionsObject<DequantizeInt8Options>(functionName, options);
  if (opts.out === undefined) return { dtype: checkChoice(functionName, "options.dtype", opts.dtype, ["f32", "f64"] as const, fallback) };
  const out = opts.out as unknown;
  if (!(out instanceof Float32Array || out instanceof Float64Array)) throw typeError(functionName, "options.out", "be a Float32Array or a Float64Array", out);
  if (out.length !== length) throw rangeErrorDescribed(functionName, "options.out", `hold q.length = ${length} elements`, `${out.length} elements`);
  return { dtype: out instanceof Float64Array ? "f64" : "f32", out };
}

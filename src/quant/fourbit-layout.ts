/**
 * The blockwise 4-bit layout shared by the wasm-backed functions and their pure-JavaScript twins:
 * options, the result object, its validation, and the double quantization of the block scales.
 *
 * Double quantization follows QLoRA, with a linear code in place of bitsandbytes' non-linear 8-bit
 * one. The float32 absmax values of the blocks are centred on their mean. Then they are quantized with
 * symmetric absmax int8 codes in groups of 256, with one float32 scale per group:
 *
 *   mean = f32(sum of absmax / count), the sum taken in float64 from first to last
 *   c = f32(absmax - mean), s = f32(max |c| / 127) per 256, code = clamp(rint(c / s), -127, 127)
 *   absmax' = f32(code * s + mean)
 *
 * Each decoded absmax is off by at most s / 2 (half a step of its group), so a value decodes within
 * |level| * s / 2 of what the float32 absmax gives, on top of the 4-bit error. Storage drops from
 * 32 / blockSize to 8 / blockSize + 32 / (256 * blockSize) bits per value: 4.127 bits per parameter
 * in all for blocks of 64.
 */
import { rangeErrorDescribed, typeError } from "../errors.js";
import { checkBlockSize, checkChoice, checkFlag, checkOptionsObject } from "./inputs.js";
import { clamp, roundHalfEven } from "./rounding.js";

/** The 4-bit formats: NF4 (4-bit NormalFloat) and bitsandbytes' FP4. */
export type FourBitType = "nf4" | "fp4";

/** Options of `quantize4bit`. */
export interface Quantize4bitOptions {
  /** Default "nf4". */
  type?: FourBitType;
  /** Values per absmax, row-major (the last block may be shorter). Default 64. */
  blockSize?: number;
  /** Quantize the block scales to 8 bits as well. Default false. */
  doubleQuant?: boolean;
}

/** Block scales stored with double quantization. */
export interface QuantizedAbsmax {
  /** One int8 code per 4-bit block. */
  readonly codes: Int8Array;
  /** One float32 scale per group of `groupSize` codes. */
  readonly scales: Float32Array;
  /** The float32 mean the codes are centred on. */
  readonly mean: number;
  /** Codes per scale: 256. */
  readonly groupSize: number;
}

/** The result of `quantize4bit`: packed codes, block scales and the input's shape. */
export interface FourBitQuantized {
  readonly format: FourBitType;
  /** Shape of the input: rows x cols, 1 x n for a typed array. */
  readonly rows: number;
  readonly cols: number;
  /** Number of values, rows * cols. */
  readonly length: number;
  readonly blockSize: number;
  /** ceil(length / 2) bytes: two codes each, the first of each pair in the high nibble. */
  readonly codes: Uint8Array;
  /** One float32 absmax per block; absent with double quantization. */
  readonly absmax?: Float32Array;
  /** The block scales, double-quantized; present only with `doubleQuant`. */
  readonly quantizedAbsmax?: QuantizedAbsmax;
  /** Element type of the input (the codes are computed from its float32 rounding). */
  readonly dtype: "f32" | "f64";
}

/** Validated options of a 4-bit quantization. */
export interface FourBitPlan {
  readonly type: FourBitType;
  readonly blockSize: number;
  readonly doubleQuant: boolean;
}

/** Default values per absmax. */
export const DEFAULT_4BIT_BLOCK = 64;

/** Block scales per double-quantization group. */
export const ABSMAX_GROUP = 256;

/** Kernel number of each format. */
export const FORMAT_NUMBER: Record<FourBitType, number> = { nf4: 0, fp4: 1 };

/** Validates the options of `quantize4bit`. */
export function plan4bit(functionName: string, options: unknown): FourBitPlan {
  const opts = checkOptionsObject<Quantize4bitOptions>(functionName, options);
  return {
    type: checkChoice(functionName, "options.type", opts.type, ["nf4", "fp4"] as const, "nf4"),
    blockSize: checkBlockSize(functionName, "options.blockSize", opts.blockSize, DEFAULT_4BIT_BLOCK),
    doubleQuant: checkFlag(functionName, "options.doubleQuant", opts.doubleQuant, false),
  };
}

/** Double-quantizes block scales (see this module's header). */
export function quantizeAbsmax(absmax: Float32Array): QuantizedAbsmax {
  const count = absmax.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += absmax[i]!;
  const mean = count === 0 ? 0 : Math.fround(sum / count);
  const groups = Math.ceil(count / ABSMAX_GROUP);
  const codes = new Int8Array(count);
  const scales = new Float32Array(groups);
  const centred = new Float32Array(count);
  for (let i = 0; i < count; i++) centred[i] = absmax[i]! - mean;
  for (let g = 0; g < groups; g++) {
    const start = g * ABSMAX_GROUP;
    const end = Math.min(count, start + ABSMAX_GROUP);
    let largest = 0;
    for (let i = start; i < end; i++) largest = Math.max(largest, Math.abs(centred[i]!));
    const scale = Math.fround(largest / 127);
    scales[g] = scale;
    if (scale === 0) continue;
    for (let i = start; i < end; i++) codes[i] = clamp(roundHalfEven(centred[i]! / scale), -127, 127);
  }
  return { codes, scales, mean, groupSize: ABSMAX_GROUP };
}

/** Decodes double-quantized block scales: absmax' = f32(code * scale + mean). */
export function dequantizeAbsmax(q: QuantizedAbsmax): Float32Array {
  const absmax = new Float32Array(q.codes.length);
  for (let i = 0; i < absmax.length; i++) {
    absmax[i] = q.codes[i]! * q.scales[Math.floor(i / q.groupSize)]! + q.mean;
  }
  return absmax;
}

/** Checks that a value is a `FourBitQuantized` whose arrays agree; returns it with its block scales decoded. */
export function checkFourBitQuantized(functionName: string, q: unknown): { q: FourBitQuantized; absmax: Float32Array } {
  if (typeof q !== "object" || q === null) throw typeError(functionName, "q", "be the result of quantize4bit", q);
  const candidate = q as Partial<FourBitQuantized>;
  if (candidate.format !== "nf4" && candidate.format !== "fp4") throw typeError(functionName, "q.format", 'be "nf4" or "fp4"', candidate.format);
  const length = candidate.length;
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0) throw typeError(functionName, "q.length", "be a non-negative integer", length);
  if (candidate.blockSize === undefined) throw typeError(functionName, "q.blockSize", "be a positive integer", candidate.blockSize);
  const blockSize = checkBlockSize(functionName, "q.blockSize", candidate.blockSize, DEFAULT_4BIT_BLOCK);
  if (!(candidate.codes instanceof Uint8Array)) throw typeError(functionName, "q.codes", "be a Uint8Array", candidate.codes);
  const bytes = Math.ceil(length / 2);
  if (candidate.codes.length !== bytes) throw rangeErrorDescribed(functionName, "q.codes", `hold ceil(q.length / 2) = ${bytes} bytes`, `${candidate.codes.length}`);
  const blocks = Math.ceil(length / blockSize);
  let absmax: Float32Array;
  if (candidate.quantizedAbsmax !== undefined) {
    const dq = candidate.quantizedAbsmax;
    if (!(dq.codes instanceof Int8Array) || dq.codes.length !== blocks) throw typeError(functionName, "q.quantizedAbsmax.codes", `be an Int8Array of ${blocks} codes`, dq.codes);
    if (dq.groupSize === undefined) throw typeError(functionName, "q.quantizedAbsmax.groupSize", "be a positive integer", dq.groupSize);
    const groupSize = checkBlockSize(functionName, "q.quantizedAbsmax.groupSize", dq.groupSize, ABSMAX_GROUP);
    const groups = Math.ceil(blocks / groupSize);
    if (!(dq.scales instanceof Float32Array) || dq.scales.length !== groups) throw typeError(functionName, "q.quantizedAbsmax.scales", `be a Float32Array of ${groups} scales`, dq.scales);
    if (typeof dq.mean !== "number") throw typeError(functionName, "q.quantizedAbsmax.mean", "be a number", dq.mean);
    absmax = dequantizeAbsmax(dq);
  } else {
    if (!(candidate.absmax instanceof Float32Array)) throw typeError(functionName, "q.absmax", "be a Float32Array (or q.quantizedAbsmax given)", candidate.absmax);
    if (candidate.absmax.length !== blocks) throw rangeErrorDescribed(functionName, "q.absmax", `hold one absmax per block (${blocks})`, `${candidate.absmax.length}`);
    absmax = candidate.absmax;
  }
  return { q: candidate as FourBitQuantized, absmax };
}

/** Options of `dequantize4bit`. */
export interface Dequantize4bitOptions {
  /** Destination of the values, a Float32Array of q.length; a new array is returned without it. */
  out?: Float32Array;
}

/** Validates `options.out` of `dequantize4bit`. */
export function check4bitOut(functionName: string, options: unknown, length: number): Float32Array | undefined {
  const opts = checkOptionsObject<Dequantize4bitOptions>(functionName, options);
  if (opts.out === undefined) return undefined;
  const out = opts.out as unknown;
  if (!(out instanceof Float32Array)) throw typeError(functionName, "options.out", "be a Float32Array", out);
  if (out.length !== length) throw rangeErrorDescribed(functionName, "options.out", `hold q.length = ${length} elements`, `${out.length} elements`);
  return out;
}

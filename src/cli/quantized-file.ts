/**
 * Quantized tensors in a safetensors file, as `lowrank quantize -o` writes them and every command
 * reads them back.
 *
 * Layout, for a source tensor NAME of shape S:
 *   f16 / bf16: NAME is an F16 / BF16 tensor of shape S (a plain half-precision file).
 *   int8:       NAME is an I8 tensor of shape S; NAME.scales is F32, one scale per group.
 *   nf4 / fp4:  NAME is a U8 tensor of ceil(n / 2) bytes, two codes each, the first of each pair in the
 *               high nibble; NAME.absmax is F32, one absmax per block.
 * The `__metadata__` entry "lowrank.quantization" is a JSON string describing every quantized tensor:
 *   { "version": 1, "tensors": { NAME: { "format", "shape", "source_dtype",
 *     "block_size" (nf4 / fp4), "granularity" and "group_size" (int8) } } }
 * Tensors of the source that were not floating point are copied unchanged and are not listed.
 */
import { FormatError } from "../errors.js";
import type { SafetensorsFile, SafetensorsTensorInput } from "../io/safetensors.js";
import { dequantize4bit, quantize4bit } from "../quant/fourbit.js";
import { fromBfloat16, fromFloat16, toBfloat16, toFloat16 } from "../quant/float16.js";
import { dequantizeInt8, quantizeInt8 } from "../quant/int8.js";
import type { Int8Granularity } from "../quant/int8-layout.js";
import type { Matrix } from "../matrix.js";

/** The formats `lowrank quantize` offers. */
export type CliFormat = "f16" | "bf16" | "int8" | "nf4" | "fp4";

export const CLI_FORMATS: readonly CliFormat[] = ["f16", "bf16", "int8", "nf4", "fp4"];

/** The `__metadata__` key that describes the quantized tensors. */
export const QUANTIZATION_KEY = "lowrank.quantization";

/** The storage of one tensor, as the metadata describes it. */
export interface QuantizedEntry {
  format: CliFormat;
  /** Shape of the original tensor. */
  shape: number[];
  /** dtype of the original tensor, e.g. "F32". */
  sourceDtype: string;
  /** nf4 / fp4: values per absmax. */
  blockSize?: number;
  /** int8: how values are grouped under one scale. */
  granularity?: Int8Granularity;
  /** int8: consecutive values per scale. */
  groupSize?: number;
}

/** One tensor encoded in a format: the tensors to write and the metadata entry describing them. */
export interface EncodedTensor {
  tensors: Array<[string, SafetensorsTensorInput]>;
  entry: QuantizedEntry;
  /** The values decoded again, row-major, for measuring the error. */
  decoded: Float32Array | Float64Array;
  /** Bytes of everything written for this tensor. */
  bytes: number;
}

/**
 * Encodes a tensor (given as a matrix: leading axis rows, the rest columns) in a format.
 * `blockSize` sets the 4-bit block, and for int8 switches from one scale per row to one per block.
 */
export function encodeTensor(name: string, shape: readonly number[], sourceDtype: string, w: Matrix, format: CliFormat, blockSize?: number): EncodedTensor {
  const entry: QuantizedEntry = { format, shape: [...shape], sourceDtype };
  if (format === "f16" || format === "bf16") {
    const bits = format === "f16" ? toFloat16(w) : toBfloat16(w);
    const decoded = format === "f16" ? fromFloat16(bits) : fromBfloat16(bits);
    return { tensors: [[name, { dtype: format === "f16" ? "F16" : "BF16", shape, data: bits }]], entry, decoded, bytes: bits.byteLength };
  }
  if (format === "int8") {
    const q = quantizeInt8(w, blockSize === undefined ? { granularity: "row" } : { granularity: "block", blockSize });
    if (q.format !== "int8") throw new Error("quantizeInt8 returned uint8 codes for the absmax scheme");
    entry.granularity = q.granularity;
    entry.groupSize = q.groupSize;
    return {
      tensors: [
        [name, { dtype: "I8", shape, data: q.codes }],
        [`${name}.scales`, { dtype: "F32", shape: [q.scales.length], data: q.scales }],
      ],
      entry,
      decoded: dequantizeInt8(q),
      bytes: q.codes.byteLength + q.scales.byteLength,
    };
  }
  const q = quantize4bit(w, { type: format, ...(blockSize === undefined ? {} : { blockSize }) });
  entry.blockSize = q.blockSize;
  return {
    tensors: [
      [name, { dtype: "U8", shape: [q.codes.length], data: q.codes }],
      [`${name}.absmax`, { dtype: "F32", shape: [q.absmax!.length], data: q.absmax! }],
    ],
    entry,
    decoded: dequantize4bit(q),
    bytes: q.codes.byteLength + q.absmax!.byteLength,
  };
}

/** Builds the metadata value that describes `entries`. */
export function quantizationMetadata(entries: ReadonlyMap<string, QuantizedEntry>): string {
  const tensors: Record<string, unknown> = {};
  for (const [name, entry] of entries) {
    tensors[name] = {
      format: entry.format,
      shape: entry.shape,
      source_dtype: entry.sourceDtype,
      ...(entry.blockSize === undefined ? {} : { block_size: entry.blockSize }),
      ...(entry.granularity === undefined ? {} : { granularity: entry.granularity, group_size: entry.groupSize }),
    };
  }
  return JSON.stringify({ version: 1, tensors });
}

/**
 * Reads the quantization metadata of a file: the entries by tensor name, and the names of the
 * companion tensors (scales, absmax) that belong to them. Returns empty collections for a file that
 * lowrank did not quantize. Throws FormatError when the metadata is malformed or disagrees with the
 * tensors.
 */
export function readQuantization(file: SafetensorsFile): { entries: Map<string, QuantizedEntry>; companions: Set<string> } {
  const entries = new Map<string, QuantizedEntry>();
  const companions = new Set<string>();
  const text = file.metadata[QUANTIZATION_KEY];
  if (text === undefined) return { entries, companions };

  const fail = (problem: string): never => {
    throw new FormatError("safetensors", `__metadata__ ${JSON.stringify(QUANTIZATION_KEY)}: ${problem}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail("is not valid JSON");
  }
  const tensors = (parsed as { tensors?: unknown } | null)?.tensors;
  if (typeof tensors !== "object" || tensors === null || Array.isArray(tensors)) return fail('has no "tensors" object');

  for (const [name, raw] of Object.entries(tensors as Record<string, unknown>)) {
    const value = raw as Record<string, unknown>;
    const format = value?.format as CliFormat;
    const shape = value?.shape;
    if (!CLI_FORMATS.includes(format)) fail(`tensor ${JSON.stringify(name)} has unknown format ${JSON.stringify(format)}`);
    if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) fail(`tensor ${JSON.stringify(name)} has an invalid shape`);
    if (!file.has(name)) fail(`lists tensor ${JSON.stringify(name)}, which the file does not have`);
    const entry: QuantizedEntry = { format, shape: shape as number[], sourceDtype: String(value.source_dtype ?? "F32") };
    if (format === "nf4" || format === "fp4") {
      entry.blockSize = positiveInteger(value.block_size, name, "block_size", fail);
      companions.add(requireCompanion(file, `${name}.absmax`, fail));
    } else if (format === "int8") {
      const granularity = value.granularity;
      if (granularity !== "tensor" && granularity !== "row" && granularity !== "block") fail(`tensor ${JSON.stringify(name)} has an invalid granularity`);
      entry.granularity = granularity as Int8Granularity;
      entry.groupSize = positiveInteger(value.group_size, name, "group_size", fail);
      companions.add(requireCompanion(file, `${name}.scales`, fail));
    }
    entries.set(name, entry);
  }
  return { entries, companions };
}

function positiveInteger(value: unknown, name: string, field: string, fail: (problem: string) => never): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) fail(`tensor ${JSON.stringify(name)} has an invalid ${field}`);
  return value as number;
}

function requireCompanion(file: SafetensorsFile, name: string, fail: (problem: string) => never): string {
  if (!file.has(name) || file.info(name).dtype !== "F32") fail(`the F32 tensor ${JSON.stringify(name)} is missing`);
  return name;
}

/**
 * Decodes a quantized tensor of a file back to float32 values in C order (float64 for int8 codes of a
 * float64 source). Throws FormatError when the stored tensors do not fit the entry.
 */
export function decodeTensor(file: SafetensorsFile, name: string, entry: QuantizedEntry): Float32Array | Float64Array {
  const length = entry.shape.reduce((product, n) => product * n, 1);
  const rows = entry.shape.length <= 1 ? 1 : entry.shape[0]!;
  const cols = rows === 0 ? 0 : length / rows;
  const stored = file.tensor(name);
  const fail = (problem: string): never => {
    throw new FormatError("safetensors", `quantized tensor ${JSON.stringify(name)}: ${problem}`);
  };

  if (entry.format === "f16" || entry.format === "bf16") {
    const dtype = entry.format === "f16" ? "F16" : "BF16";
    if (stored.dtype !== dtype || stored.data.length !== length) fail(`expected ${dtype} with ${length} values, found ${stored.dtype} with ${stored.data.length}`);
    return entry.format === "f16" ? fromFloat16(stored.data as Uint16Array) : fromBfloat16(stored.data as Uint16Array);
  }

  if (entry.format === "int8") {
    const scales = file.tensor(`${name}.scales`).data as Float32Array;
    const groupSize = entry.groupSize!;
    if (stored.dtype !== "I8" || stored.data.length !== length) fail(`expected I8 codes for ${length} values, found ${stored.dtype} with ${stored.data.length}`);
    if (scales.length !== Math.ceil(length / groupSize)) fail(`expected ${Math.ceil(length / groupSize)} scales, found ${scales.length}`);
    const dtype = entry.sourceDtype === "F64" ? "f64" : "f32";
    return dequantizeInt8({ format: "int8", rows, cols, length, granularity: entry.granularity!, groupSize, scales, dtype, codes: stored.data as Int8Array });
  }

  const absmax = file.tensor(`${name}.absmax`).data as Float32Array;
  const blockSize = entry.blockSize!;
  if (stored.dtype !== "U8" || stored.data.length !== Math.ceil(length / 2)) fail(`expected ${Math.ceil(length / 2)} U8 bytes of codes, found ${stored.dtype} with ${stored.data.length}`);
  if (absmax.length !== Math.ceil(length / blockSize)) fail(`expected ${Math.ceil(length / blockSize)} absmax values, found ${absmax.length}`);
  return dequantize4bit({ format: entry.format, rows, cols, length, blockSize, codes: stored.data as Uint8Array, absmax, dtype: "f32" });
}

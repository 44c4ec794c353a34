/**
 * Storage accounting: how many bytes a tensor takes in each number format, its scales and zero points
 * included, as the article counts them (KB = 1024 bytes).
 */
import { rangeError, typeError } from "../errors.js";
import { checkBlockSize, checkChoice, checkFlag, checkOptionsObject } from "./inputs.js";
import { DEFAULT_INT8_BLOCK, type Int8Granularity } from "./int8-layout.js";
import { ABSMAX_GROUP, DEFAULT_4BIT_BLOCK } from "./fourbit-layout.js";

/** Storage formats that `byteSize` accounts for. */
export type StorageFormat = "float64" | "float32" | "float16" | "bfloat16" | "int8" | "uint8" | "nf4" | "fp4";

const FORMATS: readonly StorageFormat[] = ["float64", "float32", "float16", "bfloat16", "int8", "uint8", "nf4", "fp4"];

const PLAIN_BYTES: Partial<Record<StorageFormat, number>> = { float64: 8, float32: 4, float16: 2, bfloat16: 2 };

/** Options of `byteSize`, as `quantizeInt8` and `quantize4bit` take them. */
export interface ByteSizeOptions {
  /** int8 / uint8: "row" (default for 2 or more dimensions, one scale per row of the last dimension), "tensor" (default for 1), "block". */
  granularity?: Int8Granularity;
  /** Values per scale: int8 / uint8 with "block" (default 64), nf4 / fp4 (default 64). */
  blockSize?: number;
  /** nf4 / fp4: scales double-quantized to 8 bits in groups of 256. Default false. */
  doubleQuant?: boolean;
}

/** Storage of a tensor in one format, as `byteSize` returns it. */
export interface ByteSize {
  /** Number of values. */
  parameters: number;
  /** Bytes of the values themselves (codes for the quantized formats). */
  valueBytes: number;
  /** Bytes of scales, zero points, absmax values and their own scales. */
  scaleBytes: number;
  /** valueBytes + scaleBytes. */
  bytes: number;
  /** bytes / 1024. */
  kilobytes: number;
  /** bytes * 8 / parameters (0 for no parameters). */
  bitsPerParameter: number;
}

function checkShape(shape: unknown): { count: number; rows: number; dimensions: number } {
  if (typeof shape === "number") shape = [shape];
  if (typeof shape === "object" && shape !== null && !Array.isArray(shape) && "rows" in shape && "cols" in shape) {
    shape = [(shape as { rows: unknown }).rows, (shape as { cols: unknown }).cols];
  }
  if (!Array.isArray(shape)) throw typeError("byteSize", "shape", "be a number, an array of dimensions or a { rows, cols } object", shape);
  let count = 1;
  for (let i = 0; i < shape.length; i++) {
    const dimension = shape[i];
    if (typeof dimension !== "number") throw typeError("byteSize", `shape[${i}]`, "be a non-negative integer", dimension);
    if (!Number.isSafeInteger(dimension) || dimension < 0) throw rangeError("byteSize", `shape[${i}]`, "be a non-negative integer", dimension);
    count *= dimension;
  }
  if (!Number.isSafeInteger(count)) throw rangeError("byteSize", "shape", "have a product below 2^53", count);
  const cols = shape.length === 0 ? 1 : (shape[shape.length - 1] as number);
  return { count, rows: cols === 0 ? 0 : count / cols, dimensions: shape.length };
}

/**
 * Returns the storage of a tensor of the given shape in a number format: value bytes, scale bytes
 * (int8: one float32 per group; uint8: one float32 and one zero-point byte per group; nf4 / fp4: one
 * float32 absmax per block, or with `doubleQuant` one int8 code per block, one float32 per 256 blocks
 * and a float32 mean), their sum, KB (1024 bytes) and bits per parameter. `shape` is a count, an
 * array of dimensions (row-major; "row" grouping is per index of the leading dimensions) or a matrix.
 * Throws TypeError for an unknown format or a malformed shape, RangeError for negative dimensions or
 * a block size that is not a positive integer.
 *
 * @example
 * byteSize([10, 10], "float64").bytes;                                  // 800
 * byteSize([4096, 4096], "nf4").bitsPerParameter;                       // 4.5
 * byteSize([4096, 4096], "nf4", { doubleQuant: true }).bitsPerParameter; // 4.127...
 */
export function byteSize(shape: number | readonly number[] | { rows: number; cols: number }, format: StorageFormat, options?: ByteSizeOptions): ByteSize {
  const { count, rows, dimensions } = checkShape(shape);
  if (format === undefined) throw typeError("byteSize", "format", `be one of ${FORMATS.map((f) => `"${f}"`).join(", ")}`, format);
  const name = checkChoice("byteSize", "format", format, FORMATS, "float64");
  const opts = checkOptionsObject<ByteSizeOptions>("byteSize", options);
  let valueBytes: number;
  let scaleBytes = 0;
  const plain = PLAIN_BYTES[name];
  if (plain !== undefined) {
    valueBytes = count * plain;
  } else if (name === "int8" || name === "uint8") {
    let implied: Int8Granularity = dimensions >= 2 ? "row" : "tensor";
    if (opts.blockSize !== undefined) implied = "block";
    const granularity = checkChoice("byteSize", "options.granularity", opts.granularity, ["tensor", "row", "block"] as const, implied);
    const blockSize = checkBlockSize("byteSize", "options.blockSize", opts.blockSize, DEFAULT_INT8_BLOCK);
    let groups = Math.ceil(count / blockSize);
    if (granularity === "row") groups = rows;
    if (granularity === "tensor") groups = 1;
    if (count === 0) groups = 0;
    valueBytes = count;
    scaleBytes = groups * (name === "uint8" ? 5 : 4);
  } else {
    const blockSize = checkBlockSize("byteSize", "options.blockSize", opts.blockSize, DEFAULT_4BIT_BLOCK);
    const doubleQuant = checkFlag("byteSize", "options.doubleQuant", opts.doubleQuant, false);
    const blocks = Math.ceil(count / blockSize);
    valueBytes = Math.ceil(count / 2);
    // Double quantization keeps one int8 code per block, a float32 scale per group of absmax values
    // and one float32 mean; without it, one float32 absmax per block.
    scaleBytes = blocks * 4;
    if (doubleQuant) scaleBytes = blocks === 0 ? 0 : blocks + Math.ceil(blocks / ABSMAX_GROUP) * 4 + 4;
  }
  const bytes = valueBytes + scaleBytes;
  return { parameters: count, valueBytes, scaleBytes, bytes, kilobytes: bytes / 1024, bitsPerParameter: count === 0 ? 0 : (bytes * 8) / count };
}

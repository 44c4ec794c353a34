/**
 * Opening the files the commands take: a safetensors file (plain, a PEFT adapter, or quantized by
 * `lowrank quantize -o`) or a .npy file, with errors worded for the command line.
 */
import { stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { readNpy } from "../io/npy.js";
import { readSafetensors, type SafetensorsFile } from "../io/safetensors.js";
import { tensorAsMatrix } from "../io/tensor.js";
import type { Matrix } from "../matrix.js";
import { readBytes } from "../node.js";
import { fromBfloat16, fromFloat16 } from "../quant/float16.js";
import { UsageError } from "./args.js";
import { decodeTensor, readQuantization, type QuantizedEntry } from "./quantized-file.js";

/** An error reading or parsing an input file: printed as one line, exit code 1. */
export class FileError extends Error {
  override name = "FileError";
}

/** A tensor as a file lists it. */
export interface TensorEntry {
  name: string;
  /** dtype as stored ("F32", "U8", "f4", ...). */
  dtype: string;
  /** Shape as stored. */
  shape: readonly number[];
  /** Bytes as stored, companions (scales, absmax) of a quantized tensor included. */
  bytes: number;
  /** The quantization of a tensor in a file written by `lowrank quantize -o`. */
  quantized?: QuantizedEntry;
}

/** The dtypes whose values the commands can analyse. */
const FLOAT_DTYPES = new Set(["F64", "F32", "F16", "BF16", "f8", "f4", "f2"]);

/** The dtypes that the commands cannot read as numbers. */
const NON_NUMERIC_DTYPES = new Set(["BOOL", "b1", "F8_E4M3", "F8_E5M2"]);

/** An opened tensor file: its entries, and each tensor's values on request. */
export class TensorFile {
  readonly path: string;
  readonly kind: "safetensors" | "npy";
  readonly entries: TensorEntry[];
  readonly metadata: Readonly<Record<string, string>>;
  /** The parsed safetensors file (undefined for .npy). */
  readonly safetensors: SafetensorsFile | undefined;
  readonly #values: (name: string) => { shape: readonly number[]; data: Float32Array | Float64Array; dtype: string };

  constructor(
    path: string,
    kind: "safetensors" | "npy",
    entries: TensorEntry[],
    metadata: Readonly<Record<string, string>>,
    safetensors: SafetensorsFile | undefined,
    values: (name: string) => { shape: readonly number[]; data: Float32Array | Float64Array; dtype: string },
  ) {
    this.path = path;
    this.kind = kind;
    this.entries = entries;
    this.metadata = metadata;
    this.safetensors = safetensors;
    this.#values = values;
  }

  /** Returns the entry of a tensor. Throws UsageError, listing some names, when there is none. */
  entry(command: string, name: string): TensorEntry {
    const found = this.entries.find((entry) => entry.name === name);
    if (found !== undefined) return found;
    const names = this.entries.map((entry) => entry.name);
    const listed = names.slice(0, 5).join(", ") + (names.length > 5 ? `, ... (${names.length} in all; run "lowrank inspect ${this.path}")` : "");
    throw new UsageError(`${command}: no tensor ${JSON.stringify(name)} in ${this.path}; it has ${listed}`);
  }

  /** Returns true when the tensor contains numbers a matrix can take: any dtype but booleans and 8-bit floats. */
  isNumeric(entry: TensorEntry): boolean {
    return entry.quantized !== undefined || !NON_NUMERIC_DTYPES.has(entry.dtype);
  }

  /** Returns true when the tensor contains floating-point values (quantized ones included). */
  isFloat(entry: TensorEntry): boolean {
    return entry.quantized !== undefined || FLOAT_DTYPES.has(entry.dtype);
  }

  /**
   * Returns a tensor's values as a matrix (leading axis rows, the other axes columns: a convolution
   * kernel [out, in, k] becomes out x (in * k)), decoding half precision and quantized tensors.
   */
  matrix(name: string): { matrix: Matrix; shape: readonly number[]; dtype: string } {
    const { shape, data, dtype } = this.#values(name);
    return { matrix: tensorAsMatrix({ dtype: "F64", shape, data }), shape, dtype };
  }
}

/** Reads a file for a command, turning Node's and the parsers' errors into one-line FileErrors. */
export async function openTensorFile(given: string): Promise<TensorFile> {
  const path = await adapterPath(given);
  const bytes = await readInput(path);
  const isNpy = bytes.length >= 6 && bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === "NUMPY";
  try {
    return isNpy ? openNpy(path, bytes) : openSafetensors(path, bytes);
  } catch (error) {
    throw asFileError(path, error);
  }
}

/** Reads a whole file, with a one-line FileError when it cannot be read. */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new FileError(`cannot read ${path}: it is a directory`);
    return await readBytes(path);
  } catch (error) {
    if (error instanceof FileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new FileError(`cannot read ${path}: ${reason}`);
  }
}

/** Wraps a parser's error (FormatError, or a TypeError / RangeError on bad contents) as a FileError naming the file. */
export function asFileError(path: string, error: unknown): Error {
  if (error instanceof FileError || error instanceof UsageError) return error;
  return new FileError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * Returns the path of the file a command should read: `path/adapter_model.safetensors` when `path`
 * is a directory containing one (a PEFT adapter), `path` itself otherwise.
 */
export async function adapterPath(path: string): Promise<string> {
  const inside = join(path, "adapter_model.safetensors");
  try {
    if ((await stat(path)).isDirectory() && (await stat(inside)).isFile()) return inside;
  } catch {
    // A missing path is reported by the read that follows.
  }
  return path;
}

/** Returns the path of the `adapter_config.json` beside an adapter file. */
export function adapterConfigPath(path: string): string {
  return join(dirname(path), "adapter_config.json");
}

function openNpy(path: string, bytes: Uint8Array): TensorFile {
  const array = readNpy(bytes);
  const name = basename(path).replace(/\.npy$/, "");
  const entry: TensorEntry = { name, dtype: array.dtype, shape: array.shape, bytes: array.data.byteLength };
  const values = (): { shape: readonly number[]; data: Float32Array | Float64Array; dtype: string } => {
    const data = array.data;
    if (array.dtype === "f2") return { shape: array.shape, data: fromFloat16(data as Uint16Array), dtype: array.dtype };
    if (data instanceof Float32Array || data instanceof Float64Array) return { shape: array.shape, data, dtype: array.dtype };
    return { shape: array.shape, data: tensorAsMatrix(array).data, dtype: array.dtype };
  };
  return new TensorFile(path, "npy", [entry], Object.create(null) as Record<string, string>, undefined, values);
}

function openSafetensors(path: string, bytes: Uint8Array): TensorFile {
  const file = readSafetensors(bytes);
  const { entries: quantized, companions } = readQuantization(file);
  const entries: TensorEntry[] = [];
  for (const name of file.names) {
    if (companions.has(name)) continue;
    const info = file.info(name);
    const q = quantized.get(name);
    let size = info.byteLength;
    if (q !== undefined) {
      for (const suffix of [".scales", ".absmax"]) if (companions.has(name + suffix)) size += file.info(name + suffix).byteLength;
    }
    entries.push({ name, dtype: info.dtype, shape: info.shape, bytes: size, ...(q === undefined ? {} : { quantized: q }) });
  }

  const values = (name: string): { shape: readonly number[]; data: Float32Array | Float64Array; dtype: string } => {
    const q = quantized.get(name);
    if (q !== undefined) return { shape: q.shape, data: decodeTensor(file, name, q), dtype: q.format };
    const tensor = file.tensor(name);
    if (tensor.dtype === "F16") return { shape: tensor.shape, data: fromFloat16(tensor.data as Uint16Array), dtype: tensor.dtype };
    if (tensor.dtype === "BF16") return { shape: tensor.shape, data: fromBfloat16(tensor.data as Uint16Array), dtype: tensor.dtype };
    if (tensor.data instanceof Float32Array || tensor.data instanceof Float64Array) return { shape: tensor.shape, data: tensor.data, dtype: tensor.dtype };
    return { shape: tensor.shape, data: tensorAsMatrix(tensor).data, dtype: tensor.dtype };
  };
  return new TensorFile(path, "safetensors", entries, file.metadata, file, values);
}

/**
 * safetensors files: read from bytes with tensors materialized on demand, and write.
 *
 * Layout (huggingface/safetensors): an unsigned 64-bit little-endian header length N, N bytes of
 * UTF-8 JSON mapping each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` plus an
 * optional `__metadata__` map of strings, then the data section. Offsets are relative to the start
 * of the data section. The tensors must cover it exactly, without gaps or overlaps, and every element
 * is stored little-endian in C order.
 *
 * The reader treats the file as hostile: it rejects headers over 100 MB (the limit of the reference
 * reader), checks every offset and shape against the file size before anything is allocated, and
 * keeps names and metadata in Maps and null-prototype objects.
 */
import { FormatError, rangeError, typeError, typeErrorDescribed } from "../errors.js";
import { asBytes, readElements, shapeProduct, writeElements, type TensorData, type TensorDataConstructor } from "./elements.js";
import { JsonObject, parseJson, type JsonValue } from "./json.js";
import { checkTensorInput, type CheckedTensorInput, type Tensor, type TensorInput } from "./tensor.js";

/** The element types the reader and writer support: every byte-aligned safetensors dtype. */
export type SafetensorsDType =
  | "F64"
  | "F32"
  | "F16"
  | "BF16"
  | "F8_E4M3"
  | "F8_E5M2"
  | "I64"
  | "I32"
  | "I16"
  | "I8"
  | "U64"
  | "U32"
  | "U16"
  | "U8"
  | "BOOL";

/** Typed array used for each dtype. F16, BF16 and the F8 types are raw bit patterns. */
const DTYPE_ARRAYS: ReadonlyMap<SafetensorsDType, TensorDataConstructor> = new Map<SafetensorsDType, TensorDataConstructor>([
  ["F64", Float64Array],
  ["F32", Float32Array],
  ["F16", Uint16Array],
  ["BF16", Uint16Array],
  ["F8_E4M3", Uint8Array],
  ["F8_E5M2", Uint8Array],
  ["I64", BigInt64Array],
  ["I32", Int32Array],
  ["I16", Int16Array],
  ["I8", Int8Array],
  ["U64", BigUint64Array],
  ["U32", Uint32Array],
  ["U16", Uint16Array],
  ["U8", Uint8Array],
  ["BOOL", Uint8Array],
]);

/** The dtype a writer picks for data given without one; Uint16Array is ambiguous and has none. */
const DEFAULT_DTYPES = new Map<TensorDataConstructor, SafetensorsDType>([
  [Float64Array, "F64"],
  [Float32Array, "F32"],
  [BigInt64Array, "I64"],
  [Int32Array, "I32"],
  [Int16Array, "I16"],
  [Int8Array, "I8"],
  [BigUint64Array, "U64"],
  [Uint32Array, "U32"],
  [Uint8Array, "U8"],
]);

/** A tensor read from a safetensors file. */
export type SafetensorsTensor = Tensor<SafetensorsDType>;

/** Location and type of a tensor, from the header. */
export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Offset of the first byte from the start of the file (not of the data section). */
  readonly byteOffset: number;
  readonly byteLength: number;
}

/** Largest header accepted, in bytes: the reference reader's limit. */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

const FORMAT = "safetensors";
const METADATA_KEY = "__metadata__";

/**
 * A parsed safetensors file: the validated header, with tensors read from the bytes on request.
 * Made by `readSafetensors`; it keeps a reference to the caller's bytes, which it never modifies.
 */
export class SafetensorsFile {
  /** Tensor names in the order their data lies in the file. */
  readonly names: readonly string[];
  /** The `__metadata__` map (empty when absent), a null-prototype object of strings. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Offset of the data section from the start of the file: 8 + header length. */
  readonly dataOffset: number;

  readonly #bytes: Uint8Array;
  readonly #infos: Map<string, SafetensorsTensorInfo>;

  /** @internal Use `readSafetensors`. */
  constructor(bytes: Uint8Array, infos: Map<string, SafetensorsTensorInfo>, metadata: Record<string, string>, dataOffset: number) {
    this.#bytes = bytes;
    this.#infos = infos;
    this.names = Object.freeze([...infos.keys()]);
    this.metadata = Object.freeze(metadata);
    this.dataOffset = dataOffset;
  }

  /** Returns true when the file has a tensor of that name. */
  has(name: string): boolean {
    return this.#infos.has(name);
  }

  /**
   * Returns a tensor's dtype, shape and byte range without touching its data.
   * Throws RangeError for a name the file does not have.
   */
  info(name: string): SafetensorsTensorInfo {
    const info = typeof name === "string" ? this.#infos.get(name) : undefined;
    if (info === undefined) {
      if (typeof name !== "string") throw typeError("SafetensorsFile.info", "name", "be a string", name);
      throw rangeError("SafetensorsFile.info", "name", `name one of the file's ${this.names.length} tensors (see .names)`, name);
    }
    return info;
  }

  /**
   * Returns a tensor's elements as a typed array in C order: Float64Array for F64, Float32Array for
   * F32, Uint16Array of raw bits for F16, BF16 and U16, Uint8Array for U8, BOOL and the F8 types,
   * BigInt64Array for I64, and so on. The array is a view on the file's bytes when the tensor's
   * address is a multiple of its element size (so writing to it writes to the bytes), a copy
   * otherwise. Throws TypeError or RangeError for a name the file does not have.
   *
   * @example
   * const w = file.tensor("decoder.rnn.weight_hh");   // { dtype: "F32", shape: [512, 128], data }
   */
  tensor(name: string): SafetensorsTensor {
    const { dtype, shape, byteOffset, byteLength } = this.info(name);
    const type = DTYPE_ARRAYS.get(dtype)!;
    const data = readElements(this.#bytes, byteOffset, byteLength / type.BYTES_PER_ELEMENT, type, true);
    return { dtype, shape, data };
  }

  /** Yields `[name, tensor]` for every tensor, in file order, reading each as it goes. */
  *entries(): IterableIterator<[string, SafetensorsTensor]> {
    for (const name of this.names) yield [name, this.tensor(name)];
  }
}

/**
 * Parses a safetensors file held in memory and validates its header completely: the header length
 * (at most 100 MB and inside the file), the JSON, every dtype and shape, and that the tensors' byte
 * ranges tile the data section exactly. Tensor data is not read until `tensor(name)` is called.
 *
 * `bytes` is a Uint8Array (a Node Buffer is one) or an ArrayBuffer. The returned file keeps a
 * reference to it and returns views of it where alignment allows.
 * Throws TypeError when `bytes` is not binary data and FormatError, with the byte offset, for any
 * malformed or truncated file.
 *
 * @example
 * const file = readSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * file.names;                       // ["decoder.rnn.weight_hh", ...]
 * file.tensor(file.names[0]).shape; // [512, 128]
 */
export function readSafetensors(bytes: Uint8Array | ArrayBufferLike): SafetensorsFile {
  const file = asBytes("readSafetensors", "bytes", bytes);
  const fileLength = file.length;

  // 8-byte little-endian header length.
  if (fileLength < 8) {
    throw new FormatError(FORMAT, `the file is ${fileLength} bytes, too short for the 8-byte header length`, { byteOffset: 0 });
  }
  const view = new DataView(file.buffer, file.byteOffset, 8);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_SAFETENSORS_HEADER) {
    throw new FormatError(FORMAT, `the header length ${headerLength} exceeds the limit of ${MAX_SAFETENSORS_HEADER} bytes`, { byteOffset: 0 });
  }
  if (8 + headerLength > fileLength) {
    throw new FormatError(FORMAT, `the header length ${headerLength} runs past the end of the file (${fileLength} bytes)`, { byteOffset: 0 });
  }

  // The JSON header.
  const headerBytes = file.subarray(8, 8 + headerLength);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new FormatError(FORMAT, "the header is not valid UTF-8", { byteOffset: 8 + firstInvalidUtf8(headerBytes) });
  }
  const root = parseJson(text, (problem, position) => {
    throw new FormatError(FORMAT, `invalid JSON header: ${problem}`, { byteOffset: 8 + utf8Length(text, 0, position) });
  });
  if (!(root instanceof JsonObject)) {
    throw new FormatError(FORMAT, "the header must be a JSON object", { byteOffset: 8 });
  }

  // Tensor entries, each checked against the data section's size.
  const dataOffset = 8 + headerLength;
  const dataLength = fileLength - dataOffset;
  const infos: SafetensorsTensorInfo[] = [];
  let metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  // Keys come in document order, so their byte offsets are found with one pass over the text.
  let position = 0;
  let at = 8;
  for (const [name, entry] of root.entries) {
    const keyPosition = root.keyPositions.get(name)!;
    at += utf8Length(text, position, keyPosition);
    position = keyPosition;
    if (name === METADATA_KEY) metadata = readMetadata(entry, at);
    else infos.push(readTensorInfo(name, entry, at, dataOffset, dataLength));
  }

  // The byte ranges must tile the data section: sorted by offset, each begins where the last ended.
  infos.sort((a, b) => a.byteOffset - b.byteOffset || a.byteLength - b.byteLength);
  let expected = dataOffset;
  let previous = "";
  for (const info of infos) {
    if (info.byteOffset > expected) {
      throw new FormatError(FORMAT, `${info.byteOffset - expected} bytes before tensor ${quote(info.name)} belong to no tensor`, { byteOffset: expected });
    }
    if (info.byteOffset < expected) {
      throw new FormatError(FORMAT, `tensor ${quote(info.name)} overlaps tensor ${quote(previous)}`, { byteOffset: info.byteOffset });
    }
    expected = info.byteOffset + info.byteLength;
    previous = info.name;
  }
  if (expected !== fileLength) {
    throw new FormatError(FORMAT, `the last ${fileLength - expected} bytes of the file belong to no tensor`, { byteOffset: expected });
  }

  const byName = new Map<string, SafetensorsTensorInfo>();
  for (const info of infos) byName.set(info.name, info);
  return new SafetensorsFile(file, byName, metadata, dataOffset);
}

function readMetadata(entry: JsonValue, at: number): Record<string, string> {
  if (!(entry instanceof JsonObject)) {
    throw new FormatError(FORMAT, `${METADATA_KEY} must be an object of strings`, { byteOffset: at });
  }
  const metadata = Object.create(null) as Record<string, string>;
  for (const [key, value] of entry.entries) {
    if (typeof value !== "string") {
      throw new FormatError(FORMAT, `${METADATA_KEY} value ${quote(key)} must be a string`, { byteOffset: at });
    }
    metadata[key] = value;
  }
  return metadata;
}

function readTensorInfo(name: string, entry: JsonValue, at: number, dataOffset: number, dataLength: number): SafetensorsTensorInfo {
  const fail = (problem: string): never => {
    throw new FormatError(FORMAT, `tensor ${quote(name)}: ${problem}`, { byteOffset: at });
  };
  if (!(entry instanceof JsonObject)) return fail("the entry must be an object { dtype, shape, data_offsets }");

  const dtype = entry.entries.get("dtype");
  if (typeof dtype !== "string") return fail("dtype must be a string");
  const type = DTYPE_ARRAYS.get(dtype as SafetensorsDType);
  if (type === undefined) return fail(`unsupported dtype ${quote(dtype)}`);

  const shape = entry.entries.get("shape");
  if (!Array.isArray(shape) || !shape.every(isSize)) return fail("shape must be an array of non-negative integers");
  const count = shapeProduct(shape as number[]);
  if (count < 0) return fail(`the shape [${shape.join(", ")}] has more elements than any file can hold`);

  const offsets = entry.entries.get("data_offsets");
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    return fail("data_offsets must be two non-negative integers [begin, end]");
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) return fail(`data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) return fail(`data_offsets [${begin}, ${end}] run past the end of the data section (${dataLength} bytes)`);
  const byteLength = end - begin;
  if (count * type.BYTES_PER_ELEMENT !== byteLength) {
    return fail(`shape [${shape.join(", ")}] of ${dtype} needs ${count * type.BYTES_PER_ELEMENT} bytes but data_offsets give ${byteLength}`);
  }
  return { name, dtype: dtype as SafetensorsDType, shape: Object.freeze([...(shape as number[])]), byteOffset: dataOffset + begin, byteLength };
}

function isSize(value: JsonValue): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function quote(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name);
}

/** Returns the number of UTF-8 bytes encoding `text[from..to)`, which contains no lone surrogates. */
function utf8Length(text: string, from: number, to: number): number {
  let length = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdfff) length += 2; // each half of a surrogate pair: 4 bytes in all
    else length += 3;
  }
  return length;
}

/** Returns the index of the first byte where `bytes` stops being valid UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let low = 0;
  let high = bytes.length;
  // Binary search for the maximum valid prefix; streaming mode allows a cut inside a character.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    let valid = false;
    try {
      decoder.decode(bytes.subarray(0, middle), { stream: true });
      valid = true;
    } catch {
      valid = false;
    }
    if (valid) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Options of `writeSafetensors`. */
export interface WriteSafetensorsOptions {
  /** Free-form string map stored under `__metadata__`. */
  metadata?: Readonly<Record<string, string>>;
}

/** A tensor for `writeSafetensors`: dtype optional except for Uint16Array data. */
export type SafetensorsTensorInput = TensorInput<SafetensorsDType>;

/**
 * Serializes tensors into the bytes of a safetensors file, following the format's rules: an 8-byte
 * little-endian header length, a JSON header padded with spaces to a multiple of 8 bytes, then the
 * tensors little-endian in C order, contiguous and in header order.
 *
 * `tensors` maps names to tensors `{ dtype?, shape?, data }` or lowrank matrices (written as 2-D F64
 * or F32); a Map keeps any name as plain data, including `__proto__`. The dtype defaults from the
 * data type (Float32Array to F32, Int8Array to I8, Uint8Array to U8, BigInt64Array to I64, ...);
 * Uint16Array data needs an explicit "F16", "BF16" or "U16". Tensors are laid out by element size,
 * largest first, keeping the caller's order among equal sizes, so that every tensor is aligned to
 * its element size in the file (the reference writer also orders by dtype, then by name).
 * Throws TypeError for a non-tensor, a dtype that does not fit the data type or metadata that are
 * not strings, and RangeError for the name `__metadata__` or a shape that disagrees with the data.
 *
 * @example
 * const bytes = writeSafetensors({ "lora_A.weight": { shape: [8, 512], data: a } }, { metadata: { format: "pt" } });
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsTensorInput> | Readonly<Record<string, SafetensorsTensorInput>>,
  options: WriteSafetensorsOptions = {},
): Uint8Array {
  const name = "writeSafetensors";
  if (typeof tensors !== "object" || tensors === null) throw typeError(name, "tensors", "be a Map or an object of tensors", tensors);
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);

  // Check every tensor and settle its dtype.
  const prepared: Array<{ name: string; dtype: SafetensorsDType; tensor: CheckedTensorInput }> = [];
  for (const [key, value] of entries) {
    if (typeof key !== "string") throw typeError(name, "tensors", "have string keys", key);
    if (key === METADATA_KEY) throw rangeError(name, "tensors", `not use the reserved name ${METADATA_KEY}`, key);
    const tensor = checkTensorInput(name, `tensors[${JSON.stringify(key)}]`, value);
    prepared.push({ name: key, dtype: dtypeFor(`tensors[${JSON.stringify(key)}]`, tensor), tensor });
  }

  // Largest element size first, so that each tensor starts at a multiple of its size.
  prepared.sort((a, b) => b.tensor.data.BYTES_PER_ELEMENT - a.tensor.data.BYTES_PER_ELEMENT);

  // Header: __metadata__ first, then the tensors in data order.
  const members: string[] = [];
  if (options.metadata !== undefined) {
    members.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(checkMetadata(options.metadata))}`);
  }
  let offset = 0;
  for (const { name: key, dtype, tensor } of prepared) {
    const end = offset + tensor.data.byteLength;
    members.push(`${JSON.stringify(key)}:${JSON.stringify({ dtype, shape: tensor.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${members.join(",")}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  // Assemble: length, padded header, data.
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const { tensor } of prepared) {
    writeElements(out, position, tensor.data, true);
    position += tensor.data.byteLength;
  }
  return out;
}

function dtypeFor(argument: string, tensor: CheckedTensorInput): SafetensorsDType {
  const type = tensor.data.constructor as TensorDataConstructor;
  if (tensor.dtype === undefined) {
    const dtype = DEFAULT_DTYPES.get(type);
    if (dtype === undefined) {
      throw typeErrorDescribed("writeSafetensors", `${argument}.dtype`, 'be given for Uint16Array data ("F16", "BF16" or "U16")', "undefined");
    }
    return dtype;
  }
  const expected = DTYPE_ARRAYS.get(tensor.dtype as SafetensorsDType);
  if (expected === undefined) {
    throw rangeError("writeSafetensors", `${argument}.dtype`, `be one of ${[...DTYPE_ARRAYS.keys()].join(", ")}`, tensor.dtype);
  }
  if (expected !== type) {
    throw typeErrorDescribed("writeSafetensors", `${argument}.data`, `be a ${expected.name} for dtype ${tensor.dtype}`, `a ${type.name}`);
  }
  return tensor.dtype as SafetensorsDType;
}

function checkMetadata(metadata: unknown): Record<string, string> {
  if (typeof metadata !== "object" || metadata === null) {
    throw typeError("writeSafetensors", "options.metadata", "be an object of strings", metadata);
  }
  const entries = metadata instanceof Map ? [...metadata.entries()] : Object.entries(metadata);
  const result = Object.create(null) as Record<string, string>;
  for (const [key, value] of entries) {
    if (typeof value !== "string") {
      throw typeError("writeSafetensors", `options.metadata[${JSON.stringify(key)}]`, "be a string", value);
    }
    result[key as string] = value;
  }
  return result;
}

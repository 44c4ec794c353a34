/**
 * numpy's .npy files: read and write format versions 1.0, 2.0 and 3.0, little- and big-endian, C
 * and Fortran order, for the numeric dtypes f2, f4, f8, i1..i8, u1..u8 and b1.
 *
 * Layout (numpy.lib.format): the magic `\x93NUMPY`, a major and a minor version byte, the header
 * length (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), then a Python dict
 * literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces
 * and a final newline so that the data starts at a multiple of 64 bytes, then the raw elements.
 * Version 3 differs from 2 only in allowing UTF-8 in the header.
 */
import { FormatError, rangeError, typeError, typeErrorDescribed } from "../errors.js";
import { asBytes, readElements, reorder, shapeProduct, writeElements, type TensorDataConstructor } from "./elements.js";
import { checkTensorInput, type Tensor, type TensorInput } from "./tensor.js";

/** The element types supported, as numpy's type code without the byte-order character. */
export type NpyDType = "f2" | "f4" | "f8" | "i1" | "i2" | "i4" | "i8" | "u1" | "u2" | "u4" | "u8" | "b1";

/** Typed array used for each dtype; f2 is raw float16 bits, b1 one byte per boolean. */
const DTYPE_ARRAYS: ReadonlyMap<NpyDType, TensorDataConstructor> = new Map<NpyDType, TensorDataConstructor>([
  ["f2", Uint16Array],
  ["f4", Float32Array],
  ["f8", Float64Array],
  ["i1", Int8Array],
  ["i2", Int16Array],
  ["i4", Int32Array],
  ["i8", BigInt64Array],
  ["u1", Uint8Array],
  ["u2", Uint16Array],
  ["u4", Uint32Array],
  ["u8", BigUint64Array],
  ["b1", Uint8Array],
]);

/** The dtype a writer picks for data given without one; Uint16Array is ambiguous and has none. */
const DEFAULT_DTYPES = new Map<TensorDataConstructor, NpyDType>([
  [Float32Array, "f4"],
  [Float64Array, "f8"],
  [Int8Array, "i1"],
  [Int16Array, "i2"],
  [Int32Array, "i4"],
  [BigInt64Array, "i8"],
  [Uint8Array, "u1"],
  [Uint32Array, "u4"],
  [BigUint64Array, "u8"],
]);

/** An array read from a .npy file, its data always in C order. */
export interface NpyArray extends Tensor<NpyDType> {
  /** True when the file stored the elements in Fortran order (the data here is reordered to C). */
  readonly fortranOrder: boolean;
  /** True when the file stored the elements little-endian. */
  readonly littleEndian: boolean;
  /** The file's format version: 1, 2 or 3. */
  readonly version: 1 | 2 | 3;
}

/** Options of `readNpy`. */
export interface ReadNpyOptions {
  /** Largest header accepted, in bytes; default 10000, the limit numpy's `np.load` applies. */
  maxHeaderSize?: number;
}

const FORMAT = ".npy";
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const DEFAULT_MAX_HEADER = 10_000;

/**
 * Parses a .npy file held in memory. The result's `data` is in C order (last index fastest)
 * whatever order the file used: Float64Array for f8, Float32Array for f4, Uint16Array of raw
 * float16 bits for f2, Uint8Array for b1 (one byte per element, passed through as stored: numpy
 * writes 0 and 1), BigInt64Array for i8, and so on.
 *
 * `data` is a view on `bytes` when the file is C-ordered, its byte order matches the engine's
 * (little-endian everywhere in practice) and the data address is a multiple of the element size;
 * otherwise it is a copy (byte-swapped or reordered as needed).
 * Throws TypeError when `bytes` is not binary data, and FormatError, with the byte offset, for a bad
 * magic string, an unknown version, a header over `options.maxHeaderSize` bytes, a malformed
 * header, an unsupported dtype (structured, object, complex, string) or a data length that
 * disagrees with the shape.
 *
 * @example
 * const image = readNpy(bytes);            // { dtype: "u1", shape: [512, 512], data: Uint8Array }
 * const m = tensorAsMatrix(image);         // 512 x 512 Float64Array matrix
 */
export function readNpy(bytes: Uint8Array | ArrayBufferLike, options: ReadNpyOptions = {}): NpyArray {
  const file = asBytes("readNpy", "bytes", bytes);
  const maxHeaderSize = options.maxHeaderSize ?? DEFAULT_MAX_HEADER;
  if (typeof maxHeaderSize !== "number" || !Number.isSafeInteger(maxHeaderSize) || maxHeaderSize < 0) {
    throw rangeError("readNpy", "options.maxHeaderSize", "be a non-negative integer", maxHeaderSize);
  }

  // Magic string and version.
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= file.length) throw new FormatError(FORMAT, `the file is ${file.length} bytes, too short for the magic string`, { byteOffset: i });
    if (file[i] !== MAGIC[i]) throw new FormatError(FORMAT, "the file does not start with the magic string \\x93NUMPY", { byteOffset: i });
  }
  if (file.length < 8) throw new FormatError(FORMAT, "the file ends inside the version bytes", { byteOffset: file.length });
  const major = file[6]!;
  const minor = file[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    throw new FormatError(FORMAT, `unsupported format version ${major}.${minor} (1.0, 2.0 and 3.0 are supported)`, { byteOffset: 6 });
  }
  const version = major as 1 | 2 | 3;

  // Header length and header.
  const lengthBytes = version === 1 ? 2 : 4;
  if (file.length < 8 + lengthBytes) throw new FormatError(FORMAT, "the file ends inside the header length", { byteOffset: file.length });
  const view = new DataView(file.buffer, file.byteOffset + 8, lengthBytes);
  const headerLength = version === 1 ? view.getUint16(0, true) : view.getUint32(0, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > maxHeaderSize) {
    throw new FormatError(FORMAT, `the header length ${headerLength} exceeds the limit of ${maxHeaderSize} bytes (options.maxHeaderSize)`, { byteOffset: 8 });
  }
  if (headerStart + headerLength > file.length) {
    throw new FormatError(FORMAT, `the header length ${headerLength} runs past the end of the file (${file.length} bytes)`, { byteOffset: 8 });
  }
  const header = parseHeader(file.subarray(headerStart, headerStart + headerLength), headerStart, version);

  // Data: exactly count * itemsize bytes after the header.
  const type = DTYPE_ARRAYS.get(header.dtype)!;
  const count = shapeProduct(header.shape);
  const dataStart = headerStart + headerLength;
  const available = file.length - dataStart;
  if (count < 0 || count * type.BYTES_PER_ELEMENT !== available) {
    const needed = count < 0 ? "more bytes than any file holds" : `${count * type.BYTES_PER_ELEMENT} bytes`;
    throw new FormatError(FORMAT, `shape (${header.shape.join(", ")}) of ${header.descr} needs ${needed} of data, the file has ${available}`, { byteOffset: dataStart });
  }
  let data = readElements(file, dataStart, count, type, header.littleEndian);
  if (header.fortranOrder && header.shape.length > 1) data = reorder(data, header.shape, false);
  return { dtype: header.dtype, shape: header.shape, data, fortranOrder: header.fortranOrder, littleEndian: header.littleEndian, version };
}

interface NpyHeader {
  descr: string;
  dtype: NpyDType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: readonly number[];
}

/**
 * Parses the header's dict literal. It must have exactly the keys descr, fortran_order and shape, as
 * numpy requires; trailing spaces and the final newline are allowed.
 */
function parseHeader(bytes: Uint8Array, offset: number, version: 1 | 2 | 3): NpyHeader {
  const text = new TextDecoder(version === 3 ? "utf-8" : "latin1").decode(bytes);
  let p = 0;
  const fail = (problem: string): never => {
    throw new FormatError(FORMAT, `invalid header: ${problem}`, { byteOffset: offset + Math.min(p, bytes.length) });
  };
  const skipSpaces = (): void => {
    while (p < text.length && (text[p] === " " || text[p] === "\t" || text[p] === "\n" || text[p] === "\r")) p++;
  };
  const expect = (c: string): void => {
    skipSpaces();
    if (text[p] !== c) fail(`expected '${c}'`);
    p++;
  };
  const readString = (): string => {
    skipSpaces();
    const quote = text[p];
    if (quote !== "'" && quote !== '"') return fail("expected a quoted string");
    const end = text.indexOf(quote, p + 1);
    if (end < 0) return fail("unterminated string");
    const value = text.slice(p + 1, end);
    if (value.includes("\\")) return fail("escape sequences are not supported in header strings");
    p = end + 1;
    return value;
  };
  const readInteger = (): number => {
    skipSpaces();
    const match = /^[0-9]+L?/.exec(text.slice(p, p + 24));
    if (match === null) return fail("expected a non-negative integer");
    const value = Number(match[0].replace("L", ""));
    if (!Number.isSafeInteger(value)) return fail(`dimension ${match[0]} is too large`);
    p += match[0].length;
    return value;
  };

  const entries = new Map<string, unknown>();
  expect("{");
  for (;;) {
    skipSpaces();
    if (text[p] === "}") break;
    const key = readString();
    if (entries.has(key)) fail(`duplicate key '${key}'`);
    expect(":");
    skipSpaces();
    if (key === "descr") {
      if (text[p] === "[") fail("structured dtypes are not supported");
      entries.set(key, readString());
    } else if (key === "fortran_order") {
      if (text.startsWith("True", p)) entries.set(key, true);
      else if (text.startsWith("False", p)) entries.set(key, false);
      else fail("fortran_order must be True or False");
      p += entries.get(key) ? 4 : 5;
    } else if (key === "shape") {
      expect("(");
      const shape: number[] = [];
      let commas = 0;
      for (;;) {
        skipSpaces();
        if (text[p] === ")") break;
        shape.push(readInteger());
        skipSpaces();
        if (text[p] === ",") {
          p++;
          commas++;
        } else if (text[p] !== ")") {
          fail("expected ',' or ')' in the shape");
        }
      }
      // Python reads (5) as the integer 5: a one-element tuple needs its comma, as in (5,).
      if (shape.length === 1 && commas === 0) fail("the shape (n) is not a tuple; numpy writes (n,)");
      p++;
      entries.set(key, shape);
    } else {
      fail(`unexpected key '${key.slice(0, 40)}' (the header has only descr, fortran_order and shape)`);
    }
    skipSpaces();
    if (text[p] === ",") p++;
    else if (text[p] !== "}") fail("expected ',' or '}'");
  }
  p++;
  skipSpaces();
  if (p < text.length) fail("unexpected text after the header dict");
  for (const key of ["descr", "fortran_order", "shape"]) {
    if (!entries.has(key)) {
      p = 0;
      fail(`missing key '${key}'`);
    }
  }

  // descr: byte-order character and type code, such as '<f4', '>i8', '|u1'.
  const descr = entries.get("descr") as string;
  const order = descr[0];
  const code = descr.slice(1) as NpyDType;
  if (order === undefined || !"<>|=".includes(order) || !DTYPE_ARRAYS.has(code)) {
    p = 0;
    fail(`unsupported dtype '${descr.slice(0, 40)}' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)`);
  }
  return {
    descr,
    dtype: code,
    littleEndian: order !== ">",
    fortranOrder: entries.get("fortran_order") as boolean,
    shape: Object.freeze(entries.get("shape") as number[]),
  };
}

/** Options of `writeNpy`. */
export interface WriteNpyOptions {
  /** Format version; default 1, or 2 when the header does not fit version 1's 65535 bytes. */
  version?: 1 | 2 | 3;
  /** Store the elements in Fortran order (first index fastest). Default false: C order. */
  fortranOrder?: boolean;
  /** Byte order of the stored elements. Default true: little-endian, as numpy writes on x86 and ARM. */
  littleEndian?: boolean;
}

/** An array for `writeNpy`: data in C order, dtype optional except for Uint16Array data. */
export type NpyArrayInput = TensorInput<NpyDType>;

/**
 * Serializes an array into the bytes of a .npy file that `np.load` reads. `array` is a tensor
 * `{ dtype?, shape?, data }` with `data` in C order (shape defaults to 1-D) or a lowrank matrix,
 * written as a 2-D f8 or f4 array. The dtype defaults from the data type (Float64Array to f8,
 * Float32Array to f4, Int8Array to i1, Uint8Array to u1, BigInt64Array to i8, ...); Uint16Array
 * data needs an explicit "f2" or "u2", and booleans are Uint8Array data with dtype "b1".
 * The header is padded so that the data starts at a multiple of 64 bytes, as numpy does.
 * Throws TypeError for a non-tensor or a dtype that does not fit the data type, and RangeError for a
 * shape that disagrees with the data, an unknown version, or b1 data holding values other than 0 and 1.
 *
 * @example
 * const bytes = writeNpy({ shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
 * const bytesF = writeNpy(matrix, { fortranOrder: true, littleEndian: false });
 */
export function writeNpy(array: NpyArrayInput, options: WriteNpyOptions = {}): Uint8Array {
  const name = "writeNpy";
  const tensor = checkTensorInput(name, "array", array);
  if (typeof options !== "object" || options === null) throw typeError(name, "options", "be an object", options);
  const type = tensor.data.constructor as TensorDataConstructor;
  const dtype = dtypeFor(tensor.dtype, type);
  if (dtype === "b1" && tensor.data.some((x) => x !== 0 && x !== 1)) {
    throw rangeError(name, "array.data", "hold only 0 and 1 for dtype b1", "other values");
  }
  const fortranOrder = options.fortranOrder ?? false;
  const littleEndian = options.littleEndian ?? true;
  if (typeof fortranOrder !== "boolean") throw typeError(name, "options.fortranOrder", "be a boolean", fortranOrder);
  if (typeof littleEndian !== "boolean") throw typeError(name, "options.littleEndian", "be a boolean", littleEndian);

  // The dict literal, in numpy's own spelling.
  let order = littleEndian ? "<" : ">";
  if (type.BYTES_PER_ELEMENT === 1) order = "|";
  const shape = tensor.shape.length === 1 ? `(${tensor.shape[0]},)` : `(${tensor.shape.join(", ")})`;
  const dict = `{'descr': '${order}${dtype}', 'fortran_order': ${fortranOrder ? "True" : "False"}, 'shape': ${shape}, }`;

  // Version: 1 unless the header needs a 4-byte length.
  let version = options.version;
  if (version === undefined) version = 10 + dict.length + 1 <= 0xffff ? 1 : 2;
  if (version !== 1 && version !== 2 && version !== 3) throw rangeError(name, "options.version", "be 1, 2 or 3", version);
  const prefix = version === 1 ? 10 : 12;
  const headerLength = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  if (version === 1 && headerLength > 0xffff) {
    throw rangeError(name, "options.version", `be 2 or 3 for a header of ${headerLength} bytes (version 1 holds at most 65535)`, version);
  }

  // Assemble: magic, version, header length, padded dict, data.
  const data = tensor.shape.length > 1 && fortranOrder ? reorder(tensor.data, tensor.shape, true) : tensor.data;
  const out = new Uint8Array(prefix + headerLength + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  out.fill(0x20, prefix + dict.length, prefix + headerLength - 1);
  out[prefix + headerLength - 1] = 0x0a;
  writeElements(out, prefix + headerLength, data, littleEndian);
  return out;
}

function dtypeFor(dtype: string | undefined, type: TensorDataConstructor): NpyDType {
  if (dtype === undefined) {
    const inferred = DEFAULT_DTYPES.get(type);
    if (inferred === undefined) throw typeErrorDescribed("writeNpy", "array.dtype", 'be given for Uint16Array data ("f2" or "u2")', "undefined");
    return inferred;
  }
  const expected = DTYPE_ARRAYS.get(dtype as NpyDType);
  if (expected === undefined) throw rangeError("writeNpy", "array.dtype", `be one of ${[...DTYPE_ARRAYS.keys()].join(", ")}`, dtype);
  if (expected !== type) throw typeErrorDescribed("writeNpy", "array.data", `be a ${expected.name} for dtype ${dtype}`, `a ${type.name}`);
  return dtype as NpyDType;
}

/**
 * Matrix Market (.mtx) files, read into a dense row-major Float64Array matrix.
 *
 * Layout (NIST's Matrix Market exchange format): a banner line
 * `%%MatrixMarket matrix <coordinate|array> <real|integer|pattern> <general|symmetric|skew-symmetric>`,
 * comment lines starting with `%`, a size line, then the entries. Coordinate files give
 * `rows cols entries` and one `i j value` line per entry (1-based indices, no value for pattern);
 * array files give `rows cols` and one value per line in column-major order. Symmetric and
 * skew-symmetric files store only the lower triangle (skew-symmetric without the diagonal).
 */
import { FormatError, rangeError, typeError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import { asBytes } from "./elements.js";

/** Storage scheme of a Matrix Market file. */
export type MatrixMarketFormat = "coordinate" | "array";
/** Element type of a Matrix Market file (complex is not supported). */
export type MatrixMarketField = "real" | "integer" | "pattern";
/** Symmetry of a Matrix Market file (hermitian applies only to complex and is not supported). */
export type MatrixMarketSymmetry = "general" | "symmetric" | "skew-symmetric";

/** A dense matrix read from a Matrix Market file, with the banner's description. */
export interface MatrixMarketMatrix extends Matrix<Float64Array> {
  readonly format: MatrixMarketFormat;
  readonly field: MatrixMarketField;
  readonly symmetry: MatrixMarketSymmetry;
  /** Number of entries stored in the file (before symmetric entries are mirrored). */
  readonly entries: number;
}

/** Options of `readMatrixMarket`. */
export interface ReadMatrixMarketOptions {
  /**
   * Largest dense matrix accepted, in bytes (8 per element). Default 2^31 (2 GiB): half of the
   * 4 GiB a wasm32 memory can address, so that the matrix still fits beside a result of its size.
   */
  maxBytes?: number;
}

const FORMAT = "Matrix Market";
const DEFAULT_MAX_BYTES = 2 ** 31;
const INTEGER = /^[+-]?[0-9]+$/;
const REAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$|^[+-]?(?:inf|infinity|nan)$/i;

/**
 * Parses a Matrix Market file into a dense row-major `{ rows, cols, data: Float64Array }` matrix,
 * usable by every lowrank function. Coordinate entries that repeat a position are summed;
 * symmetric files are mirrored (a_ji = a_ij) and skew-symmetric ones negated (a_ji = -a_ij).
 * Pattern entries become 1. Integer entries beyond 2^53 are rounded to the nearest double.
 *
 * `input` is the file's bytes (Uint8Array or ArrayBuffer, decoded as UTF-8) or its text.
 * Throws TypeError for other input. Throws FormatError, with the line number, for a bad banner or
 * size line, an entry with the wrong number of fields, an index out of range, a value that is not a
 * number, or too few or too many entries. A matrix larger than `options.maxBytes` is also a
 * FormatError, raised before anything is allocated.
 *
 * @example
 * const a = readMatrixMarket(bytes);      // { rows: 1033, cols: 320, data: Float64Array, field: "real", ... }
 * const { S } = svd(a);
 */
export function readMatrixMarket(input: Uint8Array | ArrayBufferLike | string, options: ReadMatrixMarketOptions = {}): MatrixMarketMatrix {
  const name = "readMatrixMarket";
  const text = typeof input === "string" ? input : new TextDecoder("utf-8").decode(asBytes(name, "input", input));
  if (typeof options !== "object" || options === null) throw typeError(name, "options", "be an object", options);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof maxBytes !== "number" || !(maxBytes >= 0)) throw rangeError(name, "options.maxBytes", "be a non-negative number", maxBytes);

  const lines = new LineReader(text);

  // Banner.
  const banner = lines.next();
  if (banner === undefined) throw new FormatError(FORMAT, "the file is empty", { line: 1 });
  const words = banner.trim().split(/\s+/).map((word) => word.toLowerCase());
  if (words[0] !== "%%matrixmarket") {
    throw new FormatError(FORMAT, "the first line must start with %%MatrixMarket", { line: 1 });
  }
  if (words.length !== 5 || words[1] !== "matrix") {
    throw new FormatError(FORMAT, "the banner must read %%MatrixMarket matrix <format> <field> <symmetry>", { line: 1 });
  }
  const format = words[2] as MatrixMarketFormat;
  const field = words[3] as MatrixMarketField;
  const symmetry = words[4] as MatrixMarketSymmetry;
  if (format !== "coordinate" && format !== "array") {
    throw new FormatError(FORMAT, `unknown format ${quote(words[2]!)} (expected coordinate or array)`, { line: 1 });
  }
  if (field !== "real" && field !== "integer" && field !== "pattern") {
    const hint = words[3] === "complex" ? "complex matrices are not supported" : "expected real, integer or pattern";
    throw new FormatError(FORMAT, `unsupported field ${quote(words[3]!)} (${hint})`, { line: 1 });
  }
  if (symmetry !== "general" && symmetry !== "symmetric" && symmetry !== "skew-symmetric") {
    throw new FormatError(FORMAT, `unsupported symmetry ${quote(words[4]!)} (expected general, symmetric or skew-symmetric)`, { line: 1 });
  }
  if (field === "pattern" && (format === "array" || symmetry === "skew-symmetric")) {
    throw new FormatError(FORMAT, `the field pattern cannot be combined with ${format === "array" ? "the array format" : "skew-symmetric"}`, { line: 1 });
  }

  // Size line: the first line after the comments.
  const sizeFields = lines.nextFields();
  if (sizeFields === undefined) throw new FormatError(FORMAT, "the file ends before the size line", { line: lines.number + 1 });
  const sizeLine = lines.number;
  const expectedFields = format === "coordinate" ? 3 : 2;
  if (sizeFields.length !== expectedFields) {
    const spelled = format === "coordinate" ? "rows, columns and entries" : "rows and columns";
    throw new FormatError(FORMAT, `the size line must have ${expectedFields} fields (${spelled}), found ${sizeFields.length}`, { line: sizeLine });
  }
  const [rows, cols, declared] = sizeFields.map((word) => {
    if (!INTEGER.test(word) || word.startsWith("-") || !Number.isSafeInteger(Number(word))) {
      throw new FormatError(FORMAT, `size ${quote(word)} is not a non-negative integer`, { line: sizeLine });
    }
    return Number(word);
  }) as [number, number, number | undefined];
  if (symmetry !== "general" && rows !== cols) {
    throw new FormatError(FORMAT, `a ${symmetry} matrix must be square, the size line gives ${rows}x${cols}`, { line: sizeLine });
  }
  const bytes = rows * cols * 8;
  if (bytes > maxBytes) {
    throw new FormatError(
      FORMAT,
      `the ${rows}x${cols} matrix needs ${bytes} bytes as a dense Float64Array, over the limit of ${maxBytes} (options.maxBytes)`,
      { line: sizeLine },
    );
  }

  // Entries.
  const data = new Float64Array(rows * cols);
  const entries =
    format === "coordinate"
      ? readCoordinate(lines, data, rows, cols, declared!, field, symmetry)
      : readArray(lines, data, rows, cols, field, symmetry);
  const extra = lines.nextFields();
  if (extra !== undefined) throw new FormatError(FORMAT, `unexpected data after the ${entries} entries`, { line: lines.number });
  return { rows, cols, data, format, field, symmetry, entries };
}

function readCoordinate(
  lines: LineReader,
  data: Float64Array,
  rows: number,
  cols: number,
  declared: number,
  field: MatrixMarketField,
  symmetry: MatrixMarketSymmetry,
): number {
  const fieldCount = field === "pattern" ? 2 : 3;
  for (let k = 0; k < declared; k++) {
    const fields = lines.nextFields();
    if (fields === undefined) {
      throw new FormatError(FORMAT, `the file ends after ${k} of the ${declared} entries`, { line: lines.number + 1 });
    }
    if (fields.length !== fieldCount) {
      throw new FormatError(FORMAT, `an entry must have ${fieldCount} fields (${field === "pattern" ? "i j" : "i j value"}), found ${fields.length}`, {
        line: lines.number,
      });
    }
    const i = parseIndex(fields[0]!, rows, "row", lines.number);
    const j = parseIndex(fields[1]!, cols, "column", lines.number);
    const value = field === "pattern" ? 1 : parseValue(fields[2]!, field, lines.number);
    if (symmetry === "skew-symmetric" && i === j) {
      throw new FormatError(FORMAT, `a skew-symmetric file cannot store the diagonal entry (${i + 1}, ${j + 1})`, { line: lines.number });
    }

    data[i * cols + j]! += value;
    if (symmetry !== "general" && i !== j) data[j * cols + i]! += symmetry === "symmetric" ? value : -value;
  }
  return declared;
}

function readArray(
  lines: LineReader,
  data: Float64Array,
  rows: number,
  cols: number,
  field: MatrixMarketField,
  symmetry: MatrixMarketSymmetry,
): number {
  // Column-major; symmetric files list each column from the diagonal down, skew-symmetric from below it.
  let count = 0;
  for (let j = 0; j < cols; j++) {
    let first = 0;
    if (symmetry === "symmetric") first = j;
    if (symmetry === "skew-symmetric") first = j + 1;
    for (let i = first; i < rows; i++) {
      const fields = lines.nextFields();
      if (fields === undefined) throw new FormatError(FORMAT, `the file ends after ${count} values`, { line: lines.number + 1 });
      if (fields.length !== 1) {
        throw new FormatError(FORMAT, `an array entry must have 1 field, found ${fields.length}`, { line: lines.number });
      }
      const value = parseValue(fields[0]!, field, lines.number);
      data[i * cols + j] = value;
      if (symmetry !== "general" && i !== j) data[j * cols + i] = symmetry === "symmetric" ? value : -value;
      count++;
    }
  }
  return count;
}

function parseIndex(word: string, size: number, what: string, line: number): number {
  if (!INTEGER.test(word)) throw new FormatError(FORMAT, `${what} index ${quote(word)} is not an integer`, { line });
  const index = Number(word);
  if (!(index >= 1 && index <= size)) {
    throw new FormatError(FORMAT, `${what} index ${quote(word)} is outside 1..${size}`, { line });
  }
  return index - 1;
}

function parseValue(word: string, field: MatrixMarketField, line: number): number {
  const valid = field === "integer" ? INTEGER.test(word) : REAL.test(word);
  if (!valid) throw new FormatError(FORMAT, `value ${quote(word)} is not ${field === "integer" ? "an integer" : "a real number"}`, { line });
  const lower = word.toLowerCase().replace(/^[+]/, "");
  if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
  if (lower.endsWith("nan")) return NaN;
  return Number(word);
}

function quote(word: string): string {
  return JSON.stringify(word.length > 40 ? `${word.slice(0, 37)}...` : word);
}

/** Walks the text line by line (LF or CRLF), counting one-based line numbers. */
class LineReader {
  /** Number of the line last returned; 0 before the first. */
  number = 0;
  private position = 0;

  constructor(private readonly text: string) {}

  /** Returns the next line without its terminator, or undefined at the end of the text. */
  next(): string | undefined {
    if (this.position >= this.text.length) return undefined;
    let end = this.text.indexOf("\n", this.position);
    if (end < 0) end = this.text.length;
    let line = this.text.slice(this.position, end);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    this.position = end + 1;
    this.number++;
    return line;
  }

  /** Returns the whitespace-separated fields of the next line that is neither blank nor a comment. */
  nextFields(): string[] | undefined {
    for (;;) {
      const line = this.next();
      if (line === undefined) return undefined;
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("%")) continue;
      return trimmed.split(/\s+/);
    }
  }
}

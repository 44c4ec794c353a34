/**
 * The library's error classes and the helpers that word argument errors.
 *
 * Misuse (a wrong type, shape or value) throws the built-in `TypeError` or `RangeError`; the classes
 * here are for what is not misuse: a call before `ready()`, a malformed file, an iteration that did not
 * converge. Every message names the function, the argument, the rule and the value received, as in
 * `matmul: b must have 3 rows to match the columns of a (2x3), received 4x5`.
 */

/**
 * Thrown when a kernel is called before `await ready()` has loaded the WebAssembly module.
 *
 * @example
 * try { add(a, b); } catch (e) { if (e instanceof NotReadyError) await ready(); }
 */
export class NotReadyError extends Error {
  constructor(functionName: string) {
    super(`${functionName}: the WebAssembly module is not loaded yet; call "await ready()" once before using lowrank's kernels`);
    this.name = "NotReadyError";
  }
}

/** Where a file reader found a problem: a byte offset, a line number, or both. */
export interface FormatErrorLocation {
  /** Byte offset from the start of the file. */
  byteOffset?: number;
  /** One-based line number, for text formats. */
  line?: number;
}

/**
 * Thrown by the file readers for a malformed or truncated file. The message and the `byteOffset` or
 * `line` property give the location of the problem.
 *
 * @example
 * try { readNpy(bytes); } catch (e) { if (e instanceof FormatError) console.error(e.message, e.byteOffset); }
 */
export class FormatError extends Error {
  /** Byte offset of the problem from the start of the file, when known. */
  readonly byteOffset?: number;
  /** One-based line number of the problem, for text formats. */
  readonly line?: number;

  constructor(format: string, problem: string, location: FormatErrorLocation = {}) {
    const where = [
      location.line !== undefined ? `line ${location.line}` : "",
      location.byteOffset !== undefined ? `byte ${location.byteOffset}` : "",
    ].filter((part) => part !== "").join(", ");
    super(`${format}: ${problem}${where === "" ? "" : ` (at ${where})`}`);
    this.name = "FormatError";
    if (location.byteOffset !== undefined) this.byteOffset = location.byteOffset;
    if (location.line !== undefined) this.line = location.line;
  }
}

/**
 * Thrown when an iterative algorithm (the bidiagonal SVD's QR sweeps, for example) does not converge
 * within its iteration limit. `iterations` is how many it ran and `progress` how far it got, in the
 * algorithm's own terms (for the SVD, how many singular values had converged).
 *
 * @example
 * try { svd(a); } catch (e) { if (e instanceof ConvergenceError) console.error(e.progress); }
 */
export class ConvergenceError extends Error {
  /** Iterations run before giving up. */
  readonly iterations: number;
  /** How far the algorithm got, described in its own terms. */
  readonly progress: string;

  constructor(functionName: string, iterations: number, progress: string) {
    super(`${functionName}: did not converge after ${iterations} iterations (${progress})`);
    this.name = "ConvergenceError";
    this.iterations = iterations;
    this.progress = progress;
  }
}

const MAX_DESCRIBED_STRING = 40;

/**
 * Describes a received value for an error message: numbers and short strings as they are, typed
 * arrays by type and length, other objects by constructor name.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "string") {
    const shown = value.length > MAX_DESCRIBED_STRING ? `${value.slice(0, MAX_DESCRIBED_STRING)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "function") return "a function";
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  }
  if (Array.isArray(value)) return `an Array(${value.length})`;
  const name = (value as object).constructor?.name;
  return name === undefined || name === "Object" ? "an object" : `a ${name}`;
}

/**
 * Builds the `TypeError` for an argument of the wrong type.
 *
 * @example
 * throw typeError("matmul", "a", "be a matrix { rows, cols, data }", a);
 */
export function typeError(functionName: string, argument: string, rule: string, received: unknown): TypeError {
  return new TypeError(`${functionName}: ${argument} must ${rule}, received ${describeValue(received)}`);
}

/**
 * Builds the `RangeError` for an argument of the right type with a value out of range.
 *
 * @example
 * throw rangeError("lowRank", "k", "be an integer from 1 to 10", 11);
 */
export function rangeError(functionName: string, argument: string, rule: string, received: unknown): RangeError {
  return new RangeError(`${functionName}: ${argument} must ${rule}, received ${describeValue(received)}`);
}

/**
 * Builds a `RangeError` whose received value is already worded (a shape such as `4x5`, say).
 */
export function rangeErrorDescribed(functionName: string, argument: string, rule: string, received: string): RangeError {
  return new RangeError(`${functionName}: ${argument} must ${rule}, received ${received}`);
}

/**
 * Builds a `TypeError` whose received value is already worded.
 */
export function typeErrorDescribed(functionName: string, argument: string, rule: string, received: string): TypeError {
  return new TypeError(`${functionName}: ${argument} must ${rule}, received ${received}`);
}

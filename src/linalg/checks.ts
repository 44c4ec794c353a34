/**
 * Argument checks shared by the elementwise operations and their pure-JavaScript baselines.
 */
import { rangeErrorDescribed, typeError } from "../errors.js";
import { checkMatrix, checkSameDType, shapeText, type CheckedMatrix } from "../matrix.js";

/** Options every operation that writes a matrix takes. */
export interface OutOptions {
  /** Destination of the result (its stride is honoured); a new dense matrix is returned when absent. */
  out?: import("../matrix.js").Matrix;
}

/** Validates an options object, which may be absent. */
export function checkOptions<T extends object>(functionName: string, options: unknown): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) throw typeError(functionName, "options", "be an object", options);
  return options as Partial<T>;
}

/** Throws a RangeError unless `operand` is rows x cols. */
export function checkShape(functionName: string, argument: string, operand: { rows: number; cols: number }, rows: number, cols: number, reason: string): void {
  if (operand.rows !== rows || operand.cols !== cols) {
    throw rangeErrorDescribed(functionName, argument, `be ${rows}x${cols} (${reason})`, shapeText(operand));
  }
}

/**
 * Validates `options.out` for a result of the given shape and dtype, and returns it checked, or
 * undefined when the caller gave none.
 */
export function checkOut(functionName: string, options: OutOptions, rows: number, cols: number, like: { dtype: "f64" | "f32" }, reason: string): CheckedMatrix | undefined {
  if (options.out === undefined) return undefined;
  const out = checkMatrix(functionName, "options.out", options.out);
  checkShape(functionName, "options.out", out, rows, cols, reason);
  checkSameDType(functionName, ["the input", like], ["options.out", out]);
  return out;
}

/** Throws a TypeError unless `alpha` is a number. */
export function checkScalar(functionName: string, argument: string, value: unknown): number {
  if (typeof value !== "number") throw typeError(functionName, argument, "be a number", value);
  return value;
}

/** True when two arrays share any bytes of the same buffer. */
export function overlaps(x: ArrayBufferView, y: ArrayBufferView): boolean {
  if (x.buffer !== y.buffer) return false;
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}

/**
 * Argument checks of the LoRA operations, shared by the wasm-backed functions and their
 * pure-JavaScript twins so that both throw the same errors.
 *
 * An adapter is given as its factors: A (lora_A, r x in), B (lora_B, out x r), the scaling of B A
 * (default 1) and whether the base weight is stored in x out (`fanInFanOut`, default false). A
 * `LoraPair` from `readLoraAdapter` has these fields.
 */
import { rangeErrorDescribed, typeError } from "../errors.js";
import { checkMatrix, checkSameDType, shapeText, type DType, type Matrix } from "../matrix.js";
import { checkInput, type CheckedInput, type MatrixInput } from "../runtime/operands.js";
import { overlaps } from "../linalg/checks.js";

/** The factors of a LoRA update dW = scaling * B A (out x in), as PEFT stores them. */
export interface LoraFactors {
  /** lora_A: r x in. */
  A: MatrixInput;
  /** lora_B: out x r. */
  B: MatrixInput;
  /** Factor of B A: lora_alpha / r, or lora_alpha / sqrt(r) with rsLoRA. Default 1. */
  scaling?: number;
  /** The base weight is stored in x out (GPT-2's Conv1D), so dW is applied transposed. Default false. */
  fanInFanOut?: boolean;
}

/** An adapter after validation. */
export interface CheckedAdapter {
  readonly A: CheckedInput;
  readonly B: CheckedInput;
  readonly rank: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly scaling: number;
  readonly fanInFanOut: boolean;
  readonly dtype: DType;
}

/** Validates a matrix operand; resident ones only where the implementation can read them. */
export function checkOperand(functionName: string, argument: string, value: unknown, allowResident: boolean): CheckedInput {
  if (allowResident) return checkInput(functionName, argument, value);
  const plain = checkMatrix(functionName, argument, value);
  return { rows: plain.rows, cols: plain.cols, dtype: plain.dtype, plain };
}

/**
 * Checks an adapter's factors and settings. Throws TypeError for a missing or malformed factor, mixed
 * element types or settings of the wrong type; RangeError when B's columns are not A's rows (the rank),
 * for a rank of 0, or for a scaling that is not finite.
 */
export function checkAdapter(functionName: string, value: unknown, allowResident: boolean, argument = "adapter"): CheckedAdapter {
  if (typeof value !== "object" || value === null) {
    throw typeError(functionName, argument, "be LoRA factors { A, B, scaling?, fanInFanOut? }", value);
  }
  const candidate = value as Partial<LoraFactors>;
  const A = checkOperand(functionName, `${argument}.A`, candidate.A, allowResident);
  const B = checkOperand(functionName, `${argument}.B`, candidate.B, allowResident);
  checkSameDType(functionName, [`${argument}.A`, A], [`${argument}.B`, B]);
  if (A.rows === 0) {
    throw rangeErrorDescribed(functionName, `${argument}.A`, "have at least one row (the rank r of lora_A, r x in)", shapeText(A));
  }
  if (B.cols !== A.rows) {
    throw rangeErrorDescribed(
      functionName,
      `${argument}.B`,
      `have ${A.rows} columns, the rank of ${argument}.A (${shapeText(A)}, lora_A is r x in and lora_B out x r)`,
      shapeText(B),
    );
  }
  const scaling = candidate.scaling ?? 1;
  if (typeof scaling !== "number") throw typeError(functionName, `${argument}.scaling`, "be a number", scaling);
  if (!Number.isFinite(scaling)) throw rangeErrorDescribed(functionName, `${argument}.scaling`, "be finite", String(scaling));
  const fanInFanOut = candidate.fanInFanOut ?? false;
  if (typeof fanInFanOut !== "boolean") throw typeError(functionName, `${argument}.fanInFanOut`, "be a boolean", fanInFanOut);
  return { A, B, rank: A.rows, inFeatures: A.cols, outFeatures: B.rows, scaling, fanInFanOut, dtype: A.dtype };
}

/** The shape the base weight must have for an adapter: out x in, or in x out with fanInFanOut. */
export function weightShape(adapter: CheckedAdapter): { rows: number; cols: number } {
  return adapter.fanInFanOut
    ? { rows: adapter.inFeatures, cols: adapter.outFeatures }
    : { rows: adapter.outFeatures, cols: adapter.inFeatures };
}

/** Throws a RangeError unless the weight has the shape the adapter needs, and a TypeError for another element type. */
export function checkWeightFits(functionName: string, argument: string, weight: { rows: number; cols: number; dtype: DType }, adapter: CheckedAdapter): void {
  const shape = weightShape(adapter);
  if (weight.rows !== shape.rows || weight.cols !== shape.cols) {
    const layout = adapter.fanInFanOut ? "in x out, as fanInFanOut stores it" : "out x in";
    throw rangeErrorDescribed(
      functionName,
      argument,
      `be ${shape.rows}x${shape.cols} (${layout}) to fit the adapter (A ${shapeText(adapter.A)}, B ${shapeText(adapter.B)})`,
      shapeText(weight),
    );
  }
  checkSameDType(functionName, ["adapter.A", adapter.A], [argument, weight]);
}

/** Validates `options.out` of a LoRA operation and returns it checked, or undefined when absent. */
export function checkLoraOut(functionName: string, out: unknown, rows: number, cols: number, dtype: DType, reason: string, inputs: Array<[string, CheckedInput]>) {
  if (out === undefined) return undefined;
  const checked = checkMatrix(functionName, "options.out", out);
  if (checked.rows !== rows || checked.cols !== cols) {
    throw rangeErrorDescribed(functionName, "options.out", `be ${rows}x${cols} (${reason})`, shapeText(checked));
  }
  checkSameDType(functionName, ["the inputs", { dtype }], ["options.out", checked]);
  for (const [name, input] of inputs) {
    if (input.plain !== undefined && overlaps(checked.data, input.plain.data)) {
      throw rangeErrorDescribed(functionName, "options.out", `not share memory with ${name} (${shapeText(input)})`, `a ${shapeText(checked)} matrix over the same buffer`);
    }
  }
  return checked;
}

/** Checks the batch X of an apply: batch x in, the adapter's element type. */
export function checkBatch(functionName: string, x: CheckedInput, adapter: CheckedAdapter): void {
  if (x.cols !== adapter.inFeatures) {
    throw rangeErrorDescribed(
      functionName,
      "x",
      `have ${adapter.inFeatures} columns, the input features of the adapter (A ${shapeText(adapter.A)}); rows are samples`,
      shapeText(x),
    );
  }
  checkSameDType(functionName, ["adapter.A", adapter.A], ["x", x]);
}

/** Options of `loraApply` and `loraMerge` / `loraUnmerge`. */
export interface LoraOutOptions {
  /** Where to write the result (overwritten, its stride honoured); see each function for the default. */
  out?: Matrix;
}

/**
 * Turning the caller's matrices into kernel operands: an address and a leading dimension in wasm
 * memory, with the copy in (for plain matrices) and the release afterwards. Resident matrices are used
 * in place.
 */
import { checkMatrix, type CheckedMatrix, type DType, type Matrix } from "../matrix.js";
import { ResidentMatrix } from "./resident.js";
import { copyRowsIn, elementBytes } from "./views.js";
import type { Runtime } from "./state.js";

/** A matrix or a resident copy of one: what every public function accepts as an input. */
export type MatrixInput = Matrix | ResidentMatrix;

/** An input after validation: its shape and dtype, and the plain matrix when it is not resident. */
export interface CheckedInput {
  readonly rows: number;
  readonly cols: number;
  readonly dtype: DType;
  readonly plain?: CheckedMatrix;
  readonly resident?: ResidentMatrix;
}

/** A matrix placed in wasm memory for one call. */
export interface Operand {
  readonly address: number;
  /** Leading dimension in elements. */
  readonly ld: number;
}

/** Validates a plain or resident input (see `checkMatrix` for what it throws). */
export function checkInput(functionName: string, argument: string, value: unknown): CheckedInput {
  if (value instanceof ResidentMatrix) {
    value.addressFor(functionName);
    return { rows: value.rows, cols: value.cols, dtype: value.dtype, resident: value };
  }
  const plain = checkMatrix(functionName, argument, value);
  return { rows: plain.rows, cols: plain.cols, dtype: plain.dtype, plain };
}

/**
 * Scratch space for one call: blocks taken from the heap and all released together by `release()`,
 * which the caller runs in a `finally` so that nothing leaks when a kernel or a copy throws.
 */
export class CallScope {
  readonly runtime: Runtime;
  private readonly functionName: string;
  private readonly blocks: number[] = [];

  constructor(runtime: Runtime, functionName: string) {
    this.runtime = runtime;
    this.functionName = functionName;
  }

  /** Returns a 64-byte aligned block of at least `bytes` bytes, released with the scope. */
  allocate(bytes: number): number {
    const address = this.runtime.heap.allocate(bytes, this.functionName);
    this.blocks.push(address);
    return address;
  }

  /** Returns an uninitialised rows x cols block of `dtype` with leading dimension cols. */
  allocateMatrix(rows: number, cols: number, dtype: DType): Operand {
    return { address: this.allocate(rows * cols * elementBytes(dtype)), ld: cols };
  }

  /**
   * Places an input in wasm memory: a resident matrix as it is, a plain one copied. With `dense`, the
   * copy has leading dimension cols. Otherwise it keeps the caller's stride, because copying a view
   * with the gaps between its rows costs less than copying row by row.
   */
  place(input: CheckedInput, dense = false): Operand {
    if (input.resident !== undefined) {
      return { address: input.resident.addressFor(this.functionName), ld: input.cols };
    }
    const plain = input.plain!;
    const ld = dense ? plain.cols : plain.stride;
    const elements = plain.rows === 0 || plain.cols === 0 ? 0 : (plain.rows - 1) * ld + plain.cols;
    const address = this.allocate(elements * elementBytes(plain.dtype));
    copyRowsIn(this.runtime, plain, address, ld);
    return { address, ld };
  }

  /** Releases every block taken through this scope. */
  release(): void {
    for (const address of this.blocks) this.runtime.heap.release(address);
    this.blocks.length = 0;
  }
}

/**
 * Runs `body` with a scope whose blocks are released afterwards, whether it returns or throws.
 *
 * @example
 * return withScope(runtime, "add", (scope) => { const x = scope.place(a); ... });
 */
export function withScope<T>(runtime: Runtime, functionName: string, body: (scope: CallScope) => T): T {
  const scope = new CallScope(runtime, functionName);
  try {
    return body(scope);
  } finally {
    scope.release();
  }
}

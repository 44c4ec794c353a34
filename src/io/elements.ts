/**
 * Typed-array plumbing shared by the file readers and writers: accepting bytes from the caller,
 * turning a byte range of a file into a typed array (a view where alignment and byte order allow,
 * a copy otherwise), writing a typed array's elements in a chosen byte order, and reordering
 * between C (row-major) and Fortran (column-major) element order.
 */
import { typeError } from "../errors.js";

/** Element storage of a tensor read from or written to a file. */
export type TensorData =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A typed-array constructor for one of the `TensorData` types. */
export interface TensorDataConstructor {
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
  new (length: number): TensorData;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData;
}

/** True when the engine stores typed-array elements little-endian (every mainstream engine does). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Returns true for any of the `TensorData` typed arrays. */
export function isTensorData(value: unknown): value is TensorData {
  return (
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    value instanceof Int8Array ||
    value instanceof Uint8Array ||
    value instanceof Int16Array ||
    value instanceof Uint16Array ||
    value instanceof Int32Array ||
    value instanceof Uint32Array ||
    value instanceof BigInt64Array ||
    value instanceof BigUint64Array
  );
}

/**
 * Returns the caller's file contents as a Uint8Array over the same memory (no copy). Accepts a
 * Uint8Array (a Node Buffer is one), an ArrayBuffer or SharedArrayBuffer, or any other typed array or
 * DataView, whose bytes are taken as they lie. Throws TypeError for anything else.
 */
export function asBytes(functionName: string, argument: string, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw typeError(functionName, argument, "be a Uint8Array or an ArrayBuffer holding the file", value);
}

/**
 * Returns `count` elements of type `type` stored at `bytes[start..]` in the given byte order.
 * The result is a view on the caller's memory when the byte order matches the engine's and the
 * absolute address is a multiple of the element size; otherwise it is a copy (byte-swapped when
 * the orders differ). The caller has checked that the range lies inside `bytes`.
 */
export function readElements(
  bytes: Uint8Array,
  start: number,
  count: number,
  type: TensorDataConstructor,
  littleEndian: boolean,
): TensorData {
  const width = type.BYTES_PER_ELEMENT;
  const address = bytes.byteOffset + start;
  const sameOrder = width === 1 || littleEndian === HOST_LITTLE_ENDIAN;
  if (sameOrder && address % width === 0) return new type(bytes.buffer, address, count);

  const copy = bytes.slice(start, start + count * width);
  if (!sameOrder) swapBytes(copy, width);
  return new type(copy.buffer, 0, count);
}

/**
 * Copies the elements of `data` into `target` at `offset`, in little-endian order when
 * `littleEndian` is true and big-endian order otherwise.
 */
export function writeElements(target: Uint8Array, offset: number, data: TensorData, littleEndian: boolean): void {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  target.set(raw, offset);
  if (data.BYTES_PER_ELEMENT > 1 && littleEndian !== HOST_LITTLE_ENDIAN) {
    swapBytes(target.subarray(offset, offset + raw.length), data.BYTES_PER_ELEMENT);
  }
}

/** Reverses the byte order of every `width`-byte element of `bytes` in place. */
function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo]!;
      bytes[lo] = bytes[hi]!;
      bytes[hi] = t;
    }
  }
}

/**
 * Returns the product of the dimensions, or -1 when it exceeds `Number.MAX_SAFE_INTEGER` (a shape
 * no file can hold). The dimensions are non-negative safe integers, checked by the caller.
 */
export function shapeProduct(shape: readonly number[]): number {
  let product = 1;
  for (const n of shape) {
    if (n === 0) return 0;
  }
  for (const n of shape) {
    product *= n;
    if (product > Number.MAX_SAFE_INTEGER) return -1;
  }
  return product;
}

/**
 * Returns a copy of `data` with its elements moved between C order (last index fastest) and
 * Fortran order (first index fastest). With `toFortran` false, `data` is in Fortran order and the
 * result in C order; with `toFortran` true, the reverse. `shape` is the array's logical shape.
 */
export function reorder(data: TensorData, shape: readonly number[], toFortran: boolean): TensorData {
  const count = data.length;
  const out = new (data.constructor as TensorDataConstructor)(count);
  if (count === 0) return out;
  const source = data as unknown as { [i: number]: number | bigint };
  const target = out as unknown as { [i: number]: number | bigint };

  // Fortran strides: axis k advances by the product of the dimensions before it.
  const rank = shape.length;
  const fortranStride = new Array<number>(rank);
  let stride = 1;
  for (let k = 0; k < rank; k++) {
    fortranStride[k] = stride;
    stride *= shape[k]!;
  }

  // Walk the elements in C order with a multi-index, keeping the matching Fortran offset.
  const index = new Array<number>(rank).fill(0);
  let fortranOffset = 0;
  for (let c = 0; c < count; c++) {
    if (toFortran) target[fortranOffset] = source[c]!;
    else target[c] = source[fortranOffset]!;

    for (let k = rank - 1; k >= 0; k--) {
      index[k]!++;
      fortranOffset += fortranStride[k]!;
      if (index[k]! < shape[k]!) break;
      fortranOffset -= index[k]! * fortranStride[k]!;
      index[k] = 0;
    }
  }
  return out;
}

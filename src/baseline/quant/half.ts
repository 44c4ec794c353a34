/**
 * Plain-JavaScript twins of the float16 and bfloat16 conversions, with the same bits as the kernels.
 * They work one value at a time on Uint32Array views, so NaN payloads pass through untouched. Widening
 * float16 uses a 65,536-entry lookup table, the natural JavaScript way to decode 16-bit inputs.
 */
import { rangeErrorDescribed, typeError } from "../../errors.js";
import type { FloatArray } from "../../matrix.js";
import { checkHalfBits, type Float16ArrayLike, type FromHalfOptions, type ToHalfOptions } from "../../quant/float16.js";
import { checkChoice, checkOptionsObject, checkValues, type ValuesInput } from "../../quant/inputs.js";

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const scratch32 = new Float32Array(1);
const scratch32Bits = new Uint32Array(scratch32.buffer);

/** f16 bits of the f32 bits x. */
function halfFromFloatBits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const a = x & 0x7fffffff;
  if (a > 0x7f800000) return sign | 0x7c00 | Math.max((a & 0x7fffff) >>> 13, 1);
  if (a >= 0x477ff000) return sign | 0x7c00;
  if (a >= 0x38800000) return sign | ((a - 0x38000000 + 0xfff + ((a >>> 13) & 1)) >>> 13);
  // Below 2^-14: |x| * 2^24 is exact in float64; round it half to even onto the subnormal grid.
  scratch32Bits[0] = a;
  const units = scratch32[0]! * 16777216;
  let rounded = Math.round(units);
  if (rounded - units === 0.5 && (rounded & 1) === 1) rounded -= 1;
  return sign | rounded;
}

/**
 * f32 bits of x rounded to odd (the f32 toward zero with its last bit set when inexact), so that a
 * second rounding to f16 or bf16 is the single correct rounding of x. x must not be NaN.
 */
function floatBitsRoundToOdd(x: number): number {
  const y = Math.fround(x);
  scratch32[0] = y;
  let bits = scratch32Bits[0]!;
  if (y !== x) {
    if (Math.abs(y) > Math.abs(x)) bits -= 1;
    bits |= 1;
  }
  return bits >>> 0;
}

/** Returns the high 32 bits of an f64. */
function highWord(x: number): number {
  scratch[0] = x;
  return scratchWords[1]!;
}

function halfFromDouble(x: number): number {
  if (x !== x) {
    const high = highWord(x);
    return ((high >>> 16) & 0x8000) | 0x7c00 | Math.max((high & 0xfffff) >>> 10, 1);
  }
  return halfFromFloatBits(floatBitsRoundToOdd(x));
}

function bfloatFromFloatBits(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) {
    const top = x >>> 16;
    return (top & 0x7f) === 0 ? top | 1 : top;
  }
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

function bfloatFromDouble(x: number): number {
  if (x !== x) {
    const high = highWord(x);
    return ((high >>> 16) & 0x8000) | 0x7f80 | Math.max((high & 0xfffff) >>> 13, 1);
  }
  return bfloatFromFloatBits(floatBitsRoundToOdd(x));
}

let halfTable: Uint32Array | undefined;

/** f32 bits of every f16 value, built on first use (256 KB). */
function halfToFloatTable(): Uint32Array {
  if (halfTable !== undefined) return halfTable;
  halfTable = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const a = h & 0x7fff;
    let bits: number;
    if (a >= 0x7c00) bits = (a << 13) + 0x70000000;
    else if (a >= 0x400) bits = (a << 13) + 0x38000000;
    else {
      scratch32[0] = a * 5.9604644775390625e-8;
      bits = scratch32Bits[0]!;
    }
    halfTable[h] = (sign | bits) >>> 0;
  }
  return halfTable;
}

function checkBitsOut(functionName: string, out: unknown, length: number): Uint16Array {
  if (out === undefined) return new Uint16Array(length);
  if (!(out instanceof Uint16Array)) throw typeError(functionName, "options.out", "be a Uint16Array", out);
  if (out.length !== length) throw rangeErrorDescribed(functionName, "options.out", `hold ${length} elements (the input's length)`, `${out.length} elements`);
  return out;
}

function resultOf(functionName: string, options: unknown, length: number): FloatArray {
  const opts = checkOptionsObject<FromHalfOptions>(functionName, options);
  if (opts.out === undefined) {
    const dtype = checkChoice(functionName, "options.dtype", opts.dtype, ["f32", "f64"] as const, "f32");
    return dtype === "f64" ? new Float64Array(length) : new Float32Array(length);
  }
  const out = opts.out as unknown;
  if (!(out instanceof Float32Array || out instanceof Float64Array)) throw typeError(functionName, "options.out", "be a Float32Array or a Float64Array", out);
  if (out.length !== length) throw rangeErrorDescribed(functionName, "options.out", `hold ${length} elements (the input's length)`, `${out.length} elements`);
  return out;
}

/** Validates a narrowing call; returns the dense input and the output. */
function prepare(functionName: string, x: ValuesInput, options: ToHalfOptions | undefined): { source: FloatArray; out: Uint16Array } {
  const values = checkValues(functionName, "x", x);
  const opts = checkOptionsObject<ToHalfOptions>(functionName, options);
  return { source: values.dense, out: checkBitsOut(functionName, opts.out, values.length) };
}

// One loop per conversion (not one loop calling a function argument), so that V8 inlines the
// per-value function into it.

function halvesFromFloats(bits: Uint32Array, out: Uint16Array): void {
  for (let i = 0; i < bits.length; i++) out[i] = halfFromFloatBits(bits[i]!);
}

function halvesFromDoubles(values: Float64Array, out: Uint16Array): void {
  for (let i = 0; i < values.length; i++) out[i] = halfFromDouble(values[i]!);
}

function bfloatsFromFloats(bits: Uint32Array, out: Uint16Array): void {
  for (let i = 0; i < bits.length; i++) out[i] = bfloatFromFloatBits(bits[i]!);
}

function bfloatsFromDoubles(values: Float64Array, out: Uint16Array): void {
  for (let i = 0; i < values.length; i++) out[i] = bfloatFromDouble(values[i]!);
}

/** toFloat16 in plain JavaScript; same contract and bits. */
export function toFloat16(x: ValuesInput, options?: ToHalfOptions): Uint16Array {
  const { source, out } = prepare("toFloat16", x, options);
  if (source instanceof Float32Array) halvesFromFloats(new Uint32Array(source.buffer, source.byteOffset, source.length), out);
  else halvesFromDoubles(source, out);
  return out;
}

/** toBfloat16 in plain JavaScript; same contract and bits. */
export function toBfloat16(x: ValuesInput, options?: ToHalfOptions): Uint16Array {
  const { source, out } = prepare("toBfloat16", x, options);
  if (source instanceof Float32Array) bfloatsFromFloats(new Uint32Array(source.buffer, source.byteOffset, source.length), out);
  else bfloatsFromDoubles(source, out);
  return out;
}

/** target[i] = table[h[i]]: a loop of its own, so that V8 optimises it apart from the argument checks. */
function lookUp(h: Uint16Array, target: Uint32Array, table: Uint32Array): void {
  for (let i = 0; i < h.length; i++) target[i] = table[h[i]!]!;
}

/** fromFloat16 in plain JavaScript (a 65,536-entry table); same contract and bits. */
export function fromFloat16(bits: Uint16Array | Float16ArrayLike, options?: FromHalfOptions): Float32Array | Float64Array {
  const h = checkHalfBits("fromFloat16", bits, true);
  const out = resultOf("fromFloat16", options, h.length);
  const table = halfToFloatTable();
  if (out instanceof Float32Array) {
    lookUp(h, new Uint32Array(out.buffer, out.byteOffset, out.length), table);
  } else {
    // f16 -> f64 needs only the high word: the 10 significand bits fit in its 20.
    const target = new Uint32Array(out.buffer, out.byteOffset, out.length * 2);
    for (let i = 0; i < h.length; i++) {
      const value = h[i]!;
      const a = value & 0x7fff;
      let high: number;
      if (a >= 0x7c00) high = ((value & 0x8000) << 16) | 0x7ff00000 | ((a & 0x3ff) << 10);
      else {
        scratch32Bits[0] = table[value]!;
        scratch[0] = scratch32[0]!;
        high = scratchWords[1]!;
      }
      target[2 * i] = 0;
      target[2 * i + 1] = high;
    }
  }
  return out;
}

/** fromBfloat16 in plain JavaScript (a shift per value); same contract and bits. */
export function fromBfloat16(bits: Uint16Array, options?: FromHalfOptions): Float32Array | Float64Array {
  const b = checkHalfBits("fromBfloat16", bits, false);
  const out = resultOf("fromBfloat16", options, b.length);
  if (out instanceof Float32Array) {
    const target = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < b.length; i++) target[i] = b[i]! << 16;
  } else {
    const target = new Uint32Array(out.buffer, out.byteOffset, out.length * 2);
    for (let i = 0; i < b.length; i++) {
      const value = b[i]!;
      let high: number;
      if ((value & 0x7fff) > 0x7f80) high = ((value & 0x8000) << 16) | 0x7ff00000 | ((value & 0x7f) << 13);
      else {
        scratch32Bits[0] = value << 16;
        scratch[0] = scratch32[0]!;
        high = scratchWords[1]!;
      }
      // The 7 significand bits fit in the high word's 20, so the low word is always 0.
      target[2 * i] = 0;
      target[2 * i + 1] = high;
    }
  }
  return out;
}

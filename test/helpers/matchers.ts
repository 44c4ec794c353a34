// Array matchers that report the first bad index, both values, the error and the tolerance.
import { expect } from "vitest";

interface CloseOptions {
  /** Relative tolerance, scaled by the larger magnitude of the pair. Default 0. */
  rtol?: number;
  /** Absolute tolerance. Default 0. */
  atol?: number;
}

type Numbers = ArrayLike<number>;

function formatValue(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

expect.extend({
  /**
   * Passes when every |actual[i] - expected[i]| <= atol + rtol * max(|actual[i]|, |expected[i]|), with
   * NaN matching NaN and infinities matching only themselves.
   */
  toBeCloseArray(received: Numbers, expected: Numbers, options: CloseOptions = {}) {
    const rtol = options.rtol ?? 0;
    const atol = options.atol ?? 0;
    if (received.length !== expected.length) {
      return { pass: false, message: () => `lengths differ: received ${received.length}, expected ${expected.length}` };
    }
    let worst = 0;
    for (let i = 0; i < received.length; i++) {
      const actual = received[i]!;
      const wanted = expected[i]!;
      if (Number.isNaN(actual) && Number.isNaN(wanted)) continue;
      if (actual === wanted) continue;
      const error = Math.abs(actual - wanted);
      const bound = atol + rtol * Math.max(Math.abs(actual), Math.abs(wanted));
      if (!(error <= bound)) {
        return {
          pass: false,
          message: () =>
            `index ${i}: received ${formatValue(actual)}, expected ${formatValue(wanted)}, error ${error} exceeds ${bound} (atol ${atol}, rtol ${rtol})`,
        };
      }
      worst = Math.max(worst, error);
    }
    return { pass: true, message: () => `every element within tolerance (largest error ${worst})` };
  },

  /** Passes when both arrays hold the same values bit for bit (NaN payloads and signed zeros included). */
  toEqualBits(received: Float64Array | Float32Array, expected: Float64Array | Float32Array) {
    if (received.length !== expected.length) {
      return { pass: false, message: () => `lengths differ: received ${received.length}, expected ${expected.length}` };
    }
    const a = new Uint8Array(received.buffer, received.byteOffset, received.byteLength);
    const b = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
    const width = received.BYTES_PER_ELEMENT;
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        const index = Math.floor(i / width);
        return {
          pass: false,
          message: () => `index ${index}: received ${formatValue(received[index]!)}, expected ${formatValue(expected[index]!)} (bits differ)`,
        };
      }
    }
    return { pass: true, message: () => "arrays are bit-identical" };
  },
});

declare module "vitest" {
  interface Matchers<T = any> {
    toBeCloseArray(expected: ArrayLike<number>, options?: CloseOptions): T;
    toEqualBits(expected: Float64Array | Float32Array): T;
  }
}

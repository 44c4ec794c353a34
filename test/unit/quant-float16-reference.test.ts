// The pure-JavaScript float16 conversion against an independent implementation, @petamoriken/float16,
// on every value it handles the same way (it does not keep NaN payloads, so NaN is checked apart).
import { Float16Array as ReferenceFloat16Array } from "@petamoriken/float16";
import { describe, expect, it } from "vitest";
import { fromFloat16, toFloat16 } from "../../src/baseline/index.js";
import { hashedPatterns } from "../helpers/quant-fixtures.js";

function referenceBits(values: Float32Array): Uint16Array {
  const halves = new ReferenceFloat16Array(values.length);
  halves.set(values);
  return new Uint16Array(halves.buffer);
}

describe("float16 against @petamoriken/float16", () => {
  it("agrees on 4M hashed f32 bit patterns apart from NaN payloads", () => {
    const chunk = 1 << 20;
    for (let start = 0; start < 4 * chunk; start += chunk) {
      const values = new Float32Array(hashedPatterns(start, chunk).buffer);
      const ours = toFloat16(values);
      const reference = referenceBits(values);
      for (let i = 0; i < chunk; i++) {
        if (Number.isNaN(values[i]!)) {
          expect(ours[i]! & 0x7c00).toBe(0x7c00);
          expect(ours[i]! & 0x3ff).not.toBe(0);
        } else if (ours[i] !== reference[i]) {
          expect(`${start + i}: ${ours[i]}`).toBe(`${start + i}: ${reference[i]}`);
        }
      }
    }
  });

  it("agrees on widening every non-NaN half", () => {
    const every = new Uint16Array(65536).map((_, i) => i);
    const ours = fromFloat16(every);
    const reference = new Float32Array(new ReferenceFloat16Array(every.buffer));
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(reference[i]!)) continue;
      if (!Object.is(ours[i], reference[i])) expect(`${i}: ${ours[i]}`).toBe(`${i}: ${reference[i]}`);
    }
  });
});

// A measure of the machine's arithmetic peak for the benchmarks, shaped like the micro-kernel without
// its loads of B: per round, one vector u is read from a small buffer that stays in L1, and ten
// independent accumulators each take acc += u * v. Ten chains hide the latency of an add (or of a
// fused multiply-add in the relaxed-SIMD build), and 10 accumulators with u, v and a temporary fit
// in V8's 15 vector registers. u comes from memory, not from a constant or a loop-carried update, so
// the multiplies can be neither hoisted out of the loop nor slowed by a chain of their own.
// NOTE: the ten products u * v are equal, so Binaryen's optimizer (assemblyscript 0.28.20, -O3)
// merges them into one multiply. A round of the simd build is therefore 1 multiply and 10 adds, and
// the loop measures the adders. Multiplies can still reach the figure: on the same AMD EPYC, a loop of
// 8 multiplies, 8 adds and 2 loads per step ran at 97 % of it. In the relaxed-simd build a round stays
// 10 fused multiply-adds, because each adds into its own accumulator.
import { multiplyAdd } from "./vector";

/**
 * Runs `iterations` rounds and returns a sum over the accumulators (so the work cannot be dropped).
 * `values` points at 16 vectors (256 bytes) of T, read in turn as u; `v` is the other factor. Each
 * round is 20 * lanes floating-point operations in the SIMD builds (ten multiplies and ten adds per
 * lane) and 20 in the scalar build.
 */
export function peak<T>(iterations: i32, values: usize, v: T): T {
  if (ASC_FEATURE_SIMD) {
    const vs = v128.splat<T>(v);
    let x0 = v128.splat<T>(0), x1 = x0, x2 = x0, x3 = x0, x4 = x0;
    let x5 = x0, x6 = x0, x7 = x0, x8 = x0, x9 = x0;
    for (let r = 0; r < iterations; r++) {
      const u = v128.load(values + ((<usize>r & 15) << 4));
      x0 = multiplyAdd<T>(u, vs, x0);
      x1 = multiplyAdd<T>(u, vs, x1);
      x2 = multiplyAdd<T>(u, vs, x2);
      x3 = multiplyAdd<T>(u, vs, x3);
      x4 = multiplyAdd<T>(u, vs, x4);
      x5 = multiplyAdd<T>(u, vs, x5);
      x6 = multiplyAdd<T>(u, vs, x6);
      x7 = multiplyAdd<T>(u, vs, x7);
      x8 = multiplyAdd<T>(u, vs, x8);
      x9 = multiplyAdd<T>(u, vs, x9);
    }
    const sum = v128.add<T>(v128.add<T>(v128.add<T>(x0, x1), v128.add<T>(x2, x3)), v128.add<T>(v128.add<T>(x4, x5), v128.add<T>(x6, x7)));
    const total = v128.add<T>(sum, v128.add<T>(x8, x9));
    return v128.extract_lane<T>(total, 0) + v128.extract_lane<T>(total, 1);
  }
  let y0: T = 0, y1: T = 0, y2: T = 0, y3: T = 0, y4: T = 0;
  let y5: T = 0, y6: T = 0, y7: T = 0, y8: T = 0, y9: T = 0;
  for (let r = 0; r < iterations; r++) {
    const u = load<T>(values + ((<usize>r & 15) << 4));
    y0 += u * v;
    y1 += u * v;
    y2 += u * v;
    y3 += u * v;
    y4 += u * v;
    y5 += u * v;
    y6 += u * v;
    y7 += u * v;
    y8 += u * v;
    y9 += u * v;
  }
  return y0 + y1 + y2 + y3 + y4 + y5 + y6 + y7 + y8 + y9;
}

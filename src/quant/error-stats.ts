/**
 * How far an approximation is from the original: Frobenius error, relative error, max absolute
 * error and signal-to-quantization-noise ratio.
 */
import { rangeErrorDescribed } from "../errors.js";
import { checkValues, type ValuesInput } from "./inputs.js";

/** What `errorStats` returns. */
export interface ErrorStats {
  /** ||original - approximation||_F. */
  frobenius: number;
  /** ||original||_F. */
  originalNorm: number;
  /** frobenius / originalNorm: 0 when both are 0, Infinity when only the original is 0. */
  relative: number;
  /** max |original - approximation|. */
  maxAbs: number;
  /** 20 log10(originalNorm / frobenius) in dB: Infinity for an exact copy, NaN when both norms are 0. */
  sqnrDb: number;
}

/** Scaled sum of squares: ||v|| = largest * sqrt(sum (v / largest)^2), with no overflow or underflow. */
function scaledNorm(values: Float64Array, largest: number): number {
  if (largest === 0 || !Number.isFinite(largest)) return largest;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const ratio = values[i]! / largest;
    sum += ratio * ratio;
  }
  return largest * Math.sqrt(sum);
}

/**
 * Compares an original with its approximation (a round trip through a number format, say). Both are
 * typed arrays (Float32Array or Float64Array, mixed freely) of the same length or matrices of the same
 * shape (stride honoured). Norms are computed with scaling, so values near the float64 limits neither
 * overflow nor underflow; a NaN in either input makes the results NaN.
 * Throws TypeError for other input types, RangeError when the lengths or shapes differ.
 *
 * @example
 * const stats = errorStats(w, dequantize4bit(quantize4bit(w)));
 * console.log(stats.relative, stats.sqnrDb);
 */
export function errorStats(original: ValuesInput, approximation: ValuesInput): ErrorStats {
  const x = checkValues("errorStats", "original", original);
  const y = checkValues("errorStats", "approximation", approximation);
  if (x.length !== y.length || (x.isMatrix && y.isMatrix && (x.rows !== y.rows || x.cols !== y.cols))) {
    throw rangeErrorDescribed("errorStats", "approximation", `have the shape of original (${x.rows}x${x.cols})`, `${y.rows}x${y.cols}`);
  }

  // Differences are taken at half scale when either input is huge, so that they cannot overflow.
  let largestInput = 0;
  for (let i = 0; i < x.length; i++) largestInput = Math.max(largestInput, Math.abs(x.dense[i]!), Math.abs(y.dense[i]!));
  const factor = largestInput > 2 ** 1000 ? 0.5 : 1;
  const differences = new Float64Array(x.length);
  const originals = new Float64Array(x.length);
  let largestDifference = 0;
  let largestOriginal = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x.dense[i]!;
    const difference = Math.abs(a * factor - y.dense[i]! * factor);
    differences[i] = difference;
    originals[i] = a;
    largestDifference = Math.max(largestDifference, difference);
    largestOriginal = Math.max(largestOriginal, Math.abs(a));
  }

  const frobenius = scaledNorm(differences, largestDifference) / factor;
  const originalNorm = scaledNorm(originals, largestOriginal);
  const relative = frobenius === 0 && originalNorm === 0 ? 0 : frobenius / originalNorm;
  // The ratio of norms is formed before the logarithm; both are finite, so only 0 / 0 gives NaN.
  const sqnrDb = 20 * Math.log10(originalNorm / frobenius);
  return { frobenius, originalNorm, relative, maxAbs: largestDifference / factor, sqnrDb };
}

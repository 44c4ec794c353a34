/**
 * Choosing a rank from singular values: how many of them keep a given share of the energy (the squared
 * Frobenius norm), or meet a given relative error.
 */
import { rangeError, typeError } from "../errors.js";

/** Criterion of `rankForEnergy`: a fraction of the energy to keep, or a relative error to meet. */
export type RankCriterion = number | { energy: number } | { relativeError: number };

/** Singular values as typed arrays or plain arrays of numbers. */
export type SingularValues = Float64Array | Float32Array | ReadonlyArray<number>;

function checkSingularValues(functionName: string, s: unknown): ArrayLike<number> {
  const isArray = Array.isArray(s) || s instanceof Float64Array || s instanceof Float32Array;
  if (!isArray) throw typeError(functionName, "S", "be a Float64Array, a Float32Array or an array of numbers", s);
  const values = s as ArrayLike<number>;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw rangeError(functionName, `S[${i}]`, "be a finite non-negative number", value);
    }
    if (i > 0 && value > values[i - 1]!) {
      throw rangeError(functionName, `S[${i}]`, `not exceed S[${i - 1}] (${values[i - 1]}): singular values come in decreasing order`, value);
    }
  }
  return values;
}

/**
 * Returns, for k = 0..n, the energy left out by keeping the first k values, relative to the whole:
 * tail[k] = sum_{i >= k} s_i^2 / sum_i s_i^2. The sums run from the smallest value up and on values
 * scaled by the largest, so nothing overflows or underflows and tail[n] is exactly 0.
 */
export function discardedEnergy(s: ArrayLike<number>): Float64Array {
  const n = s.length;
  const tail = new Float64Array(n + 1);
  const largest = n > 0 ? s[0]! : 0;
  if (largest === 0) return tail;
  let sum = 0;
  for (let i = n - 1; i >= 0; i--) {
    const scaled = s[i]! / largest;
    sum += scaled * scaled;
    tail[i] = sum;
  }
  for (let i = 0; i < n; i++) tail[i] = tail[i]! / sum;
  tail[0] = 1;
  return tail;
}

/**
 * Returns the smallest rank k whose truncation keeps at least a fraction of the energy,
 * sum_{i<k} s_i^2 >= fraction * sum_i s_i^2 (`rankForEnergy(S, 0.99)` or `{ energy: 0.99 }`), or whose
 * relative Frobenius error sqrt(sum_{i>=k} s_i^2) / sqrt(sum_i s_i^2) is at most a bound
 * (`{ relativeError: 0.1 }`), both within rounding (4 machine epsilons of the whole). S must be non-negative and in decreasing order, as `svd` returns it.
 * An all-zero S needs rank 0. Throws TypeError for a non-array S or criterion, RangeError for values
 * out of order, negative or not finite, and for a fraction or error outside [0, 1].
 *
 * @example
 * rankForEnergy(new Float64Array([3, 2, 1]), 0.9);                    // 2 (13 of 14 = 0.93 kept)
 * rankForEnergy(new Float64Array([3, 2, 1]), { relativeError: 0.5 }); // 1
 */
export function rankForEnergy(S: SingularValues, criterion: RankCriterion): number {
  const s = checkSingularValues("rankForEnergy", S);
  let maximumDiscarded: number;
  if (typeof criterion === "number" || (typeof criterion === "object" && criterion !== null && "energy" in criterion)) {
    const fraction = typeof criterion === "number" ? criterion : criterion.energy;
    if (typeof fraction !== "number" || !(fraction >= 0 && fraction <= 1)) {
      throw rangeError("rankForEnergy", "energy", "be a fraction from 0 to 1", fraction);
    }
    maximumDiscarded = 1 - fraction;
  } else if (typeof criterion === "object" && criterion !== null && "relativeError" in criterion) {
    const error = criterion.relativeError;
    if (typeof error !== "number" || !(error >= 0 && error <= 1)) {
      throw rangeError("rankForEnergy", "relativeError", "be a number from 0 to 1", error);
    }
    maximumDiscarded = error * error;
  } else {
    throw typeError("rankForEnergy", "criterion", "be a fraction or { energy } or { relativeError }", criterion);
  }
  // A criterion met within rounding counts as met: the energies are sums of squares, each rounded.
  const slack = 4 * Number.EPSILON;
  const tail = discardedEnergy(s);
  for (let k = 0; k <= s.length; k++) {
    if (tail[k]! <= maximumDiscarded + slack) return k;
  }
  return s.length;
}

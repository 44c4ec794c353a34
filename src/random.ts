/**
 * numpy's legacy random stream: `np.random.seed(n)`, `rand` and `randn`, reproduced in TypeScript.
 *
 * MT19937 (Matsumoto and Nishimura, 1998) seeded with `init_genrand`, doubles made from two 32-bit
 * outputs (27 + 26 bits), and normal deviates by the Marsaglia polar method with one cached value, in
 * the order numpy's legacy `RandomState` uses them. Every step is exact IEEE arithmetic except the
 * logarithm: numpy takes glibc's `log`, this takes the engine's `Math.log`, which differs in the last
 * bits for about 3 % of the pairs (measured on seed 69, Node 20). So `seed(69); randn(10, 10)` is numpy's
 * matrix bit for bit, while longer streams agree to within a few ulp (the first differing value of seed
 * 69 is number 106). Bit-exact long streams would need glibc's own `log` algorithm ported.
 */
import { rangeError, typeError } from "./errors.js";
import type { Matrix } from "./matrix.js";

const STATE_WORDS = 624;
const SHIFT_WORDS = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MAX_SEED = 2 ** 32 - 1;

function checkSeed(functionName: string, value: unknown): number {
  if (typeof value !== "number") throw typeError(functionName, "seed", "be an integer from 0 to 2^32 - 1", value);
  if (!Number.isInteger(value) || value < 0 || value > MAX_SEED) {
    throw rangeError(functionName, "seed", "be an integer from 0 to 2^32 - 1", value);
  }
  return value;
}

function checkCount(functionName: string, argument: string, value: unknown): number {
  if (typeof value !== "number") throw typeError(functionName, argument, "be a non-negative integer", value);
  if (!Number.isInteger(value) || value < 0 || value > 2 ** 32) {
    throw rangeError(functionName, argument, "be a non-negative integer no larger than 2^32", value);
  }
  return value;
}

/**
 * A generator with its own state, equal to numpy's `np.random.RandomState(seed)` for `rand`, `randn`
 * and the raw 32-bit outputs.
 *
 * @example
 * const rng = new RandomState(69);
 * const w = rng.randn(10, 10);   // numpy's np.random.RandomState(69).randn(10, 10), as a 10x10 matrix
 */
export class RandomState {
  private readonly mt = new Uint32Array(STATE_WORDS);
  private position = STATE_WORDS;
  private hasGauss = false;
  private gauss = 0;

  /** Creates a generator seeded with `seed` (an integer from 0 to 2^32 - 1, default 0). */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /**
   * Re-seeds the generator as numpy's `RandomState.seed(n)` does, dropping any cached normal deviate.
   * Throws TypeError for a non-number and RangeError for a value outside 0 to 2^32 - 1.
   */
  seed(seed: number): void {
    checkSeed("RandomState.seed", seed);
    const mt = this.mt;
    mt[0] = seed;
    for (let i = 1; i < STATE_WORDS; i++) {
      const previous = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, previous ^ (previous >>> 30)) + i) >>> 0;
    }
    this.position = STATE_WORDS;
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** Regenerates all 624 state words (the MT19937 "twist"). */
  private refill(): void {
    const mt = this.mt;
    for (let i = 0; i < STATE_WORDS; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[(i + 1) % STATE_WORDS]! & LOWER_MASK);
      mt[i] = mt[(i + SHIFT_WORDS) % STATE_WORDS]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.position = 0;
  }

  /** Returns the next tempered 32-bit output, as numpy's `mt19937_next32`. */
  nextUint32(): number {
    if (this.position === STATE_WORDS) this.refill();
    let y = this.mt[this.position++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Returns the next double in [0, 1) with 53 random bits, as numpy's `random_sample`. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Returns the next standard normal deviate, as numpy's legacy `gauss`. */
  nextGaussian(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const cached = this.gauss;
      this.gauss = 0;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * Draws uniform values in [0, 1): `rand()` one number, `rand(n)` a Float64Array of n,
   * `rand(rows, cols)` a rows x cols matrix filled in row-major order, as numpy's `rand`.
   * Throws TypeError or RangeError for a size that is not a non-negative integer.
   *
   * @example
   * new RandomState(0).rand(2);   // Float64Array [0.5488135039273248, 0.7151893663724195]
   */
  rand(): number;
  rand(n: number): Float64Array;
  rand(rows: number, cols: number): Matrix<Float64Array>;
  rand(rows?: number, cols?: number): number | Float64Array | Matrix<Float64Array> {
    return this.draw("rand", () => this.nextDouble(), rows, cols);
  }

  /**
   * Draws standard normal values: `randn()` one number, `randn(n)` a Float64Array of n,
   * `randn(rows, cols)` a rows x cols matrix filled in row-major order, as numpy's `randn`. The cached
   * deviate carries over between calls, so `randn(3)` then `randn(4)` equals `randn(7)`.
   * Throws TypeError or RangeError for a size that is not a non-negative integer.
   *
   * @example
   * const rng = new RandomState(69);
   * const w = rng.randn(10, 10);   // the article's W: w.data[0] === 0.9155070985480956
   */
  randn(): number;
  randn(n: number): Float64Array;
  randn(rows: number, cols: number): Matrix<Float64Array>;
  randn(rows?: number, cols?: number): number | Float64Array | Matrix<Float64Array> {
    return this.draw("randn", () => this.nextGaussian(), rows, cols);
  }

  private draw(functionName: string, next: () => number, rows?: number, cols?: number): number | Float64Array | Matrix<Float64Array> {
    if (rows === undefined) return next();
    const n = checkCount(functionName, cols === undefined ? "n" : "rows", rows);
    const m = cols === undefined ? 1 : checkCount(functionName, "cols", cols);
    const data = new Float64Array(n * m);
    for (let i = 0; i < data.length; i++) data[i] = next();
    return cols === undefined ? data : { rows: n, cols: m, data };
  }
}

/** The shared instance behind the module-level `seed`, `rand` and `randn`, as numpy has one. */
const global = new RandomState(0);

/**
 * Re-seeds the shared generator that `rand` and `randn` draw from, as `np.random.seed(n)` does.
 *
 * @example
 * seed(69);
 * const w = randn(10, 10);   // numpy's np.random.seed(69); np.random.randn(10, 10)
 */
export function seed(n: number): void {
  checkSeed("seed", n);
  global.seed(n);
}

/**
 * Draws uniform values in [0, 1) from the shared generator, as `np.random.rand`: see `RandomState.rand`.
 *
 * @example
 * seed(0); rand();   // 0.5488135039273248
 */
export function rand(): number;
export function rand(n: number): Float64Array;
export function rand(rows: number, cols: number): Matrix<Float64Array>;
export function rand(rows?: number, cols?: number): number | Float64Array | Matrix<Float64Array> {
  return (global.rand as (rows?: number, cols?: number) => number | Float64Array | Matrix<Float64Array>)(rows, cols);
}

/**
 * Draws standard normal values from the shared generator, as `np.random.randn`: see `RandomState.randn`.
 *
 * @example
 * seed(69); randn(10, 10);   // the article's W
 */
export function randn(): number;
export function randn(n: number): Float64Array;
export function randn(rows: number, cols: number): Matrix<Float64Array>;
export function randn(rows?: number, cols?: number): number | Float64Array | Matrix<Float64Array> {
  return (global.randn as (rows?: number, cols?: number) => number | Float64Array | Matrix<Float64Array>)(rows, cols);
}

// Block sizes and crossovers of the SVD and QR kernels, in one place. They are module globals rather
// than constants, so tests can lower them (svd_set_params) to reach the blocked paths on small
// matrices, as faer's tests lower its recursion threshold. svd_reset_params restores the defaults.
//
// Defaults measured on a 2-core AMD EPYC, Node 20, f64, square 48 to 1000 and 2000 x 100: blocks of
// 16 beat 24, 32 and 48 or tied within the noise, and blocking paid at every size measured. Divide and
// conquer beat QR iteration from order 32 up (0.126 against 0.139 ms at 32, 8.3 against 12.8 at 200).

/** Columns of a panel of the blocked bidiagonalization (LAPACK's nb for dgebrd). */
export const DEFAULT_BIDIAG_BLOCK: i32 = 16;

/** The blocked bidiagonalization runs while more than this many columns remain (LAPACK's nx). */
export const DEFAULT_BIDIAG_CROSSOVER: i32 = 16;

/** Reflectors per block when they are applied or factored in compact WY form (dlarft, dlarfb). */
export const DEFAULT_REFLECTOR_BLOCK: i32 = 16;

/** Fewer reflectors than this are applied one at a time. */
export const DEFAULT_REFLECTOR_CROSSOVER: i32 = 16;

/** Vectors of a bidiagonal matrix above this order come from divide and conquer, below from QR iteration. */
export const DEFAULT_DIVIDE_CROSSOVER: i32 = 25;

/** Divide and conquer splits until a piece has at most this many rows (LAPACK's smlsiz is 25). */
export const DEFAULT_DIVIDE_LEAF: i32 = 25;

export let bidiagBlock: i32 = DEFAULT_BIDIAG_BLOCK;
export let bidiagCrossover: i32 = DEFAULT_BIDIAG_CROSSOVER;
export let reflectorBlock: i32 = DEFAULT_REFLECTOR_BLOCK;
export let reflectorCrossover: i32 = DEFAULT_REFLECTOR_CROSSOVER;
export let divideCrossover: i32 = DEFAULT_DIVIDE_CROSSOVER;
export let divideLeaf: i32 = DEFAULT_DIVIDE_LEAF;

/** The largest block any blocked path may use, which bounds the workspace. */
// @ts-ignore: decorator
@inline export const MAX_BLOCK: i32 = 128;

/**
 * Sets the block sizes, crossovers and the divide-and-conquer leaf size. A value <= 0 keeps the
 * current one. Blocks are clamped to 1..MAX_BLOCK, each block crossover is raised to at least its
 * block, and leaves have at least 2 rows.
 */
export function setParams(bidiagNb: i32, bidiagNx: i32, reflectorNb: i32, reflectorNx: i32, divideNx: i32, leaf: i32): void {
  if (bidiagNb > 0) bidiagBlock = min(bidiagNb, MAX_BLOCK);
  if (bidiagNx > 0) bidiagCrossover = bidiagNx;
  if (reflectorNb > 0) reflectorBlock = min(reflectorNb, MAX_BLOCK);
  if (reflectorNx > 0) reflectorCrossover = reflectorNx;
  if (divideNx > 0) divideCrossover = divideNx;
  if (leaf > 0) divideLeaf = max(leaf, 2);
  bidiagCrossover = max(bidiagCrossover, bidiagBlock);
  reflectorCrossover = max(reflectorCrossover, reflectorBlock);
}

export function resetParams(): void {
  bidiagBlock = DEFAULT_BIDIAG_BLOCK;
  bidiagCrossover = DEFAULT_BIDIAG_CROSSOVER;
  reflectorBlock = DEFAULT_REFLECTOR_BLOCK;
  reflectorCrossover = DEFAULT_REFLECTOR_CROSSOVER;
  divideCrossover = DEFAULT_DIVIDE_CROSSOVER;
  divideLeaf = DEFAULT_DIVIDE_LEAF;
}

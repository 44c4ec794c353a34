/**
 * The rank/error table that `demo`, `rank` and `inspect` print: what the best rank-k approximation
 * of a matrix keeps and loses, from its singular values alone (Eckart-Young: the Frobenius error of
 * the rank-k truncation is sqrt(sum_{i >= k} s_i^2)).
 */
import { discardedEnergy } from "../lowrank/energy.js";

/** One row of the table. */
export interface RankRow {
  k: number;
  /** k * (m + n): the values of B (m x k) and A (k x n). */
  parameters: number;
  /** parameters * bytes per value. */
  bytes: number;
  /** Bytes of W minus bytes: what storing B and A instead of W saves (negative when it costs more). */
  bytesSaved: number;
  /** sqrt(sum_{i >= k} s_i^2). */
  errorFrobenius: number;
  /** errorFrobenius / ||W||_F. */
  errorRelative: number;
  /** sum_{i < k} s_i^2 / sum_i s_i^2. */
  energyKept: number;
}

/** Returns ||W||_F = sqrt(sum s_i^2), summed on values scaled by the largest. */
export function frobeniusFromSingularValues(s: ArrayLike<number>): number {
  const largest = s.length > 0 ? s[0]! : 0;
  if (largest === 0) return 0;
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += (s[i]! / largest) ** 2;
  return largest * Math.sqrt(sum);
}

/**
 * Returns the table rows for the ranks `ks` of an m x n matrix with singular values `s` (decreasing),
 * counting `bytesPerValue` bytes per value of B and A, and `originalBytes` for W (default
 * m * n * bytesPerValue).
 */
export function rankTable(s: ArrayLike<number>, m: number, n: number, bytesPerValue: number, ks: readonly number[], originalBytes = m * n * bytesPerValue): RankRow[] {
  const tail = discardedEnergy(s);
  const total = frobeniusFromSingularValues(s);
  return ks.map((k) => {
    const parameters = k * (m + n);
    const errorRelative = Math.sqrt(tail[k]!);
    return {
      k,
      parameters,
      bytes: parameters * bytesPerValue,
      bytesSaved: originalBytes - parameters * bytesPerValue,
      errorFrobenius: total * errorRelative,
      errorRelative,
      energyKept: 1 - tail[k]!,
    };
  });
}

/** Returns 1, 2, 4, ... up to `full`, then `full` itself and any `extra` ranks, sorted and without repeats. */
export function tableRanks(full: number, extra: readonly number[] = []): number[] {
  const ks = new Set<number>(extra.filter((k) => k >= 1 && k <= full));
  for (let k = 1; k < full; k *= 2) ks.add(k);
  if (full > 0) ks.add(full);
  return [...ks].sort((a, b) => a - b);
}

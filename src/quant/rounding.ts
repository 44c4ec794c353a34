/**
 * Rounding helpers the pure-JavaScript code paths share with the kernels' rules.
 */

/** Rounds to the nearest integer, ties to even (numpy's rint, wasm's nearest). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Clamps to [low, high]. */
export function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

// Conversions between float64 values and the hex bit patterns numpy fixtures store.

/** Parses big-endian hex bits ("3fed4bd58af0a32f") into the float64 they encode. */
export function fromHexBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** Distance between two finite float64 values in units in the last place (ulps). */
export function ulpDistance(x: number, y: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, x);
  view.setFloat64(8, y);
  const toOrdered = (bits: bigint): bigint => (bits & (1n << 63n) ? -(bits & ~(1n << 63n)) : bits);
  const a = toOrdered(view.getBigUint64(0));
  const b = toOrdered(view.getBigUint64(8));
  return Number(a > b ? a - b : b - a);
}

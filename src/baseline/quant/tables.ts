/**
 * The 4-bit tables as float32 values, built from the same bit patterns the kernels hold: bitsandbytes'
 * NF4 levels and FP4 magnitudes, and the float32 midpoints between neighbouring levels.
 */

function fromBits(bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

/** NF4 levels, code 0 to 15. */
export const NF4_LEVELS = fromBits([
  0xbf800000, 0xbf3239b1, 0xbf066b30, 0xbeca32a0, 0xbe91a24d, 0xbe3d353f, 0xbdba7871, 0x00000000,
  0x3da2faff, 0x3e24cae3, 0x3e7c04dd, 0x3ead033a, 0x3ee1a4b8, 0x3f1007ab, 0x3f3913b3, 0x3f800000,
]);

/** The 15 midpoints between neighbouring NF4 levels, ascending. */
export const NF4_MIDPOINTS = fromBits([
  0xbf591cd8, 0xbf1c5270, 0xbeeb8480, 0xbeadea76, 0xbe703cec, 0xbe0d38bc, 0xbd3a7871, 0x3d22faff,
  0x3df64862, 0x3e5067e0, 0x3e9582d4, 0x3ec753f9, 0x3f006d04, 0x3f248daf, 0x3f5c89da,
]);

/** FP4 levels, code 0 to 15 (bit 3 the sign). */
export const FP4_LEVELS = fromBits([
  0x00000000, 0x3baaaaab, 0x3f2aaaab, 0x3f800000, 0x3eaaaaab, 0x3f000000, 0x3e2aaaab, 0x3e800000,
  0x80000000, 0xbbaaaaab, 0xbf2aaaab, 0xbf800000, 0xbeaaaaab, 0xbf000000, 0xbe2aaaab, 0xbe800000,
]);

/** The 7 midpoints between neighbouring FP4 magnitudes, ascending. */
export const FP4_MIDPOINTS = fromBits([0x3b2aaaab, 0x3db00000, 0x3e555556, 0x3e955556, 0x3ed55556, 0x3f155556, 0x3f555556]);

/** FP4 magnitude bits by rank of magnitude: ascending magnitudes are codes 0, 1, 6, 7, 4, 5, 2, 3. */
export const FP4_CODE_OF_RANK = new Uint8Array([0, 1, 6, 7, 4, 5, 2, 3]);

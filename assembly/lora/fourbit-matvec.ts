// The frozen-weight product of QLoRA: Y = X W^T with W held as blockwise 4-bit codes (NF4 or FP4,
// the layout of assembly/quant/fourbit.ts) and decoded on the fly, 32 values at a time, so that the
// float weight is never materialised. W is m x n (out x in) in row-major order, with element (o, i)
// at flat index o * n + i. X is batch x n with leading dimension ldx. Y is batch x m with leading
// dimension ldy, and is overwritten.
//
// Each decoded weight value is level[code] * absmax in float32, exactly what dequantize_4bit writes,
// so the result differs from dequantize-then-multiply only in the order of the sums (and, in the
// relaxed-SIMD build, in fused multiply-adds).
//
// Workspace: fourbitMatvecWorkspaceBytes(batch) bytes, one f32x4 accumulator and one scalar sum per
// sample.
import { multiplyAdd, sumLanes } from "../gemm/vector";
import { FORMAT_NF4, FP4_LEVELS, FP4_LEVELS_PLANES, NF4_LEVELS, NF4_LEVELS_PLANES } from "../quant/tables";

/** Values decoded per SIMD step: 16 packed bytes. */
// @ts-ignore: decorator
@inline const CHUNK: i32 = 32;

/** Returns the bytes of workspace the 4-bit matrix-vector kernels need for a batch. */
export function fourbitMatvecWorkspaceBytes(batch: i32): usize {
  return <usize>max(batch, 0) * 20;
}

/** The float32 value of flat element g: level[code] * absmax of its block. */
// @ts-ignore: decorator
@inline function weightAt(codes: usize, g: i64, blockSize: i32, absmax: usize, levels: usize): f32 {
  const byte = <u32>load<u8>(codes + <usize>(g >> 1));
  const code = (g & 1) == 0 ? byte >> 4 : byte & 15;
  return load<f32>(levels + (<usize>code << 2)) * load<f32>(absmax + (<usize>(g / <i64>blockSize) << 2));
}

/** Adds w * x[b][i] to the scalar sum of every sample. */
// @ts-ignore: decorator
@inline function accumulateScalar(w: f32, i: i32, batch: i32, x: usize, ldx: i32, sums: usize): void {
  for (let b = 0; b < batch; b++) {
    const sum = sums + (<usize>b << 2);
    store<f32>(sum, load<f32>(sum) + w * load<f32>(x + ((<usize>b * <usize>ldx + <usize>i) << 2)));
  }
}

/**
 * Scalar kernel: Y = X W^T, one decoded weight at a time. Each row is walked block segment by block
 * segment, so that the absmax is loaded once per segment and no division runs per weight.
 */
export function fourbitMatvecScalar(x: usize, batch: i32, n: i32, ldx: i32, codes: usize, absmax: usize, blockSize: i32, format: i32, m: i32, y: usize, ldy: i32, work: usize): void {
  const levels = format == FORMAT_NF4 ? NF4_LEVELS : FP4_LEVELS;
  for (let o = 0; o < m; o++) {
    const rowStart = <i64>o * <i64>n;
    for (let b = 0; b < batch; b++) store<f32>(work + (<usize>b << 2), 0);
    let i = 0;
    while (i < n) {
      const g = rowStart + i;
      const block = g / <i64>blockSize;
      const segmentEnd = <i32>min(<i64>n, (block + 1) * <i64>blockSize - rowStart);
      const scale = load<f32>(absmax + (<usize>block << 2));
      for (let b = 0; b < batch; b++) {
        const xs = x + (<usize>b * <usize>ldx << 2);
        let sum: f32 = 0;
        for (let k = i; k < segmentEnd; k++) {
          const flat = rowStart + k;
          const byte = <u32>load<u8>(codes + <usize>(flat >> 1));
          const code = (flat & 1) == 0 ? byte >> 4 : byte & 15;
          sum += load<f32>(levels + (<usize>code << 2)) * scale * load<f32>(xs + (<usize>k << 2));
        }
        store<f32>(work + (<usize>b << 2), load<f32>(work + (<usize>b << 2)) + sum);
      }
      i = segmentEnd;
    }
    for (let b = 0; b < batch; b++) store<f32>(y + ((<usize>b * <usize>ldy + <usize>o) << 2), load<f32>(work + (<usize>b << 2)));
  }
}

/** Byte `plane` (0 = least significant) of the float32 level of each of 16 codes, one code per byte. */
// @ts-ignore: decorator
@inline function planeBytes(codes: v128, planes: usize, plane: i32): v128 {
  return i8x16.swizzle(v128.load(planes + (<usize>plane << 4)), codes);
}

/**
 * SIMD kernel: the same product, decoding 32 weights per step with byte-plane table lookups.
 * NOTE: the decoding (8 swizzles and 18 shuffles per 32 weights) bounds this kernel, not memory. For
 * one input through a resident 4096 x 4096 weight it took about 5.2 ms against 3.7 ms for the float32
 * matrix-vector kernel (Node 20, 2-core EPYC). Scaling after the sums instead of per weight measured
 * no faster. Decoding once per two rows, or a narrower table, may be what helps.
 */
export function fourbitMatvecSimd(x: usize, batch: i32, n: i32, ldx: i32, codes: usize, absmax: usize, blockSize: i32, format: i32, m: i32, y: usize, ldy: i32, work: usize): void {
  const levels = format == FORMAT_NF4 ? NF4_LEVELS : FP4_LEVELS;
  const planes = format == FORMAT_NF4 ? NF4_LEVELS_PLANES : FP4_LEVELS_PLANES;
  const accumulators = work;
  const sums = work + (<usize>batch << 4);
  const lowNibble = i8x16.splat(15);
  const vectorEnd = n - n % CHUNK;

  for (let o = 0; o < m; o++) {
    memory.fill(work, 0, <usize>batch * 20);
    const rowStart = <i64>o * <i64>n;
    let i = 0;
    for (; i < vectorEnd; i += CHUNK) {
      const g = rowStart + i;
      const block = g / <i64>blockSize;

      // A chunk that starts mid-byte or spans two blocks is decoded value by value.
      if ((g & 1) != 0 || (g + CHUNK - 1) / <i64>blockSize != block) {
        for (let k = i; k < i + CHUNK; k++) accumulateScalar(weightAt(codes, rowStart + k, blockSize, absmax, levels), k, batch, x, ldx, sums);
        continue;
      }

      // Codes of elements g .. g + 31, one per byte, in element order (high nibble first).
      const bytes = v128.load(codes + <usize>(g >> 1));
      const high = i8x16.shr_u(bytes, 4);
      const low = v128.and(bytes, lowNibble);
      const first = i8x16.shuffle(high, low, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      const second = i8x16.shuffle(high, low, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      const scale = v128.load32_splat(absmax + (<usize>block << 2));

      // Eight f32x4 weight vectors: level bytes by plane, interleaved into lanes, times the absmax.
      let b0 = planeBytes(first, planes, 0), b1 = planeBytes(first, planes, 1);
      let b2 = planeBytes(first, planes, 2), b3 = planeBytes(first, planes, 3);
      let low01 = i8x16.shuffle(b0, b1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      let high01 = i8x16.shuffle(b0, b1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      let low23 = i8x16.shuffle(b2, b3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      let high23 = i8x16.shuffle(b2, b3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      const w0 = f32x4.mul(i16x8.shuffle(low01, low23, 0, 8, 1, 9, 2, 10, 3, 11), scale);
      const w1 = f32x4.mul(i16x8.shuffle(low01, low23, 4, 12, 5, 13, 6, 14, 7, 15), scale);
      const w2 = f32x4.mul(i16x8.shuffle(high01, high23, 0, 8, 1, 9, 2, 10, 3, 11), scale);
      const w3 = f32x4.mul(i16x8.shuffle(high01, high23, 4, 12, 5, 13, 6, 14, 7, 15), scale);
      b0 = planeBytes(second, planes, 0);
      b1 = planeBytes(second, planes, 1);
      b2 = planeBytes(second, planes, 2);
      b3 = planeBytes(second, planes, 3);
      low01 = i8x16.shuffle(b0, b1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      high01 = i8x16.shuffle(b0, b1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      low23 = i8x16.shuffle(b2, b3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      high23 = i8x16.shuffle(b2, b3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
      const w4 = f32x4.mul(i16x8.shuffle(low01, low23, 0, 8, 1, 9, 2, 10, 3, 11), scale);
      const w5 = f32x4.mul(i16x8.shuffle(low01, low23, 4, 12, 5, 13, 6, 14, 7, 15), scale);
      const w6 = f32x4.mul(i16x8.shuffle(high01, high23, 0, 8, 1, 9, 2, 10, 3, 11), scale);
      const w7 = f32x4.mul(i16x8.shuffle(high01, high23, 4, 12, 5, 13, 6, 14, 7, 15), scale);

      // Every sample's accumulator takes the 32 products.
      for (let b = 0; b < batch; b++) {
        const xs = x + ((<usize>b * <usize>ldx + <usize>i) << 2);
        const accumulator = accumulators + (<usize>b << 4);
        let acc = v128.load(accumulator);
        acc = multiplyAdd<f32>(w0, v128.load(xs), acc);
        acc = multiplyAdd<f32>(w1, v128.load(xs, 16), acc);
        acc = multiplyAdd<f32>(w2, v128.load(xs, 32), acc);
        acc = multiplyAdd<f32>(w3, v128.load(xs, 48), acc);
        acc = multiplyAdd<f32>(w4, v128.load(xs, 64), acc);
        acc = multiplyAdd<f32>(w5, v128.load(xs, 80), acc);
        acc = multiplyAdd<f32>(w6, v128.load(xs, 96), acc);
        acc = multiplyAdd<f32>(w7, v128.load(xs, 112), acc);
        v128.store(accumulator, acc);
      }
    }
    for (; i < n; i++) accumulateScalar(weightAt(codes, rowStart + i, blockSize, absmax, levels), i, batch, x, ldx, sums);

    for (let b = 0; b < batch; b++) {
      const total = sumLanes<f32>(v128.load(accumulators + (<usize>b << 4))) + load<f32>(sums + (<usize>b << 2));
      store<f32>(y + ((<usize>b * <usize>ldy + <usize>o) << 2), total);
    }
  }
}

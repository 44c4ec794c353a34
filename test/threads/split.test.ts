// The threaded build against one thread: matrix products, matvec, the LoRA products, the SVD and QR
// (whose blocked updates go through the pool) and number formats give the same bits with 1, 2 and 3
// threads. The split thresholds are lowered to 0 so that small inputs are split too.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  backend, dequantize4bit, dequantizeInt8, fromBfloat16, fromFloat16, loraApply, loraMerge, matmul, matvec, qloraApply, qr, quantize4bit, quantizeInt8, ready,
  RandomState, svd, toBfloat16, toFloat16, type DType, type Matrix,
} from "../../src/index.js";
import { PARALLEL_PARAMS } from "../../src/runtime/parallel.js";
import { detectFeatures } from "../../src/runtime/probe.js";
import { ThreadPool } from "../../src/runtime/pool.js";

const THREAD_COUNTS = [1, 2, 3];
const saved = { ...PARALLEL_PARAMS };

beforeAll(() => {
  PARALLEL_PARAMS.gemmFlops = 0;
  PARALLEL_PARAMS.gemvElements = 0;
  PARALLEL_PARAMS.rangeValues = 0;
});

afterAll(() => {
  Object.assign(PARALLEL_PARAMS, saved);
});

/**
 * Runs `compute` once per thread count and returns the results in the order of THREAD_COUNTS. Checks
 * that the runs with several threads did hand work to the pool.
 */
async function withEachThreadCount<T>(compute: () => T): Promise<T[]> {
  const results: T[] = [];
  for (const threads of THREAD_COUNTS) {
    const info = await ready({ threads });
    expect(info.threadCount).toBe(threads);
    const run = vi.spyOn(ThreadPool.prototype, "run");
    try {
      results.push(compute());
      if (threads > 1) expect(run).toHaveBeenCalled();
      else expect(run).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
    }
  }
  return results;
}

function randomMatrix(rng: RandomState, rows: number, cols: number, dtype: DType, stride = cols): Matrix {
  const data = dtype === "f64" ? new Float64Array(rows * stride) : new Float32Array(rows * stride);
  for (let i = 0; i < data.length; i++) data[i] = rng.randn();
  return { rows, cols, data, stride };
}

describe("ready with threads", () => {
  // This project runs twice: in a plain Node 20 process, and in one started with relaxed SIMD.
  const best = detectFeatures().relaxedSimd ? "relaxed-simd" : "simd";

  it("reports the threaded build", async () => {
    const info = await ready({ threads: 2 });
    expect(info).toMatchObject({ name: best, simd: true, threads: true, threadCount: 2 });
    expect(backend().threadCount).toBe(2);
  });

  it("one thread loads the best single-threaded build", async () => {
    const info = await ready({ threads: 1 });
    expect(info).toMatchObject({ name: best, threads: false, threadCount: 1 });
  });

  it("threads on the simd kernels when asked", async () => {
    const info = await ready({ threads: 2, backend: "simd" });
    expect(info).toMatchObject({ name: "simd", relaxedSimd: false, threads: true, threadCount: 2 });
  });

  it("rejects invalid thread counts", async () => {
    await expect(ready({ threads: 0 })).rejects.toThrow(RangeError);
    await expect(ready({ threads: 2.5 })).rejects.toThrow(RangeError);
    await expect(ready({ threads: "2" as unknown as number })).rejects.toThrow(TypeError);
    await expect(ready({ threads: 2, backend: "scalar" })).rejects.toThrow(/only the simd and relaxed-simd builds have threaded variants/);
  });
});

describe("matmul across threads", () => {
  // m >= n splits rows of C, m < n columns; sizes off the 4 x 8 tile, with k beyond one 256 block.
  const SHAPES = [
    [37, 23, 29],
    [23, 37, 29],
    [5, 3, 300],
    [3, 70, 2],
    [130, 9, 513],
  ] as const;

  for (const dtype of ["f32", "f64"] as const) {
    for (const [m, n, k] of SHAPES) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        it(`${dtype} ${m}x${n}x${k} transA=${transA} transB=${transB}`, async () => {
          const rng = new RandomState(m * 1000 + n + k);
          const a = transA ? randomMatrix(rng, k, m, dtype, m + 2) : randomMatrix(rng, m, k, dtype, k + 2);
          const b = transB ? randomMatrix(rng, n, k, dtype) : randomMatrix(rng, k, n, dtype);
          const start = randomMatrix(rng, m, n, dtype, n + 1);
          const results = await withEachThreadCount(() => {
            const out = { ...start, data: start.data.slice() };
            matmul(a, b, { transA, transB, alpha: 0.75, beta: -1.5, out });
            return out.data;
          });
          for (const result of results.slice(1)) expect(result).toEqualBits(results[0]!);
        });
      }
    }
  }
});

describe("matvec across threads", () => {
  // Ranges of y are cut at multiples of 64, so every shape here has more than 64 outputs either way,
  // and most of them a short last range.
  for (const dtype of ["f32", "f64"] as const) {
    for (const [m, n] of [[150, 70], [70, 200], [129, 65]] as const) {
      for (const transA of [false, true]) {
        it(`${dtype} ${m}x${n} transA=${transA}`, async () => {
          const rng = new RandomState(m * 7 + n);
          const a = randomMatrix(rng, m, n, dtype, n + 3);
          const x = randomMatrix(rng, 1, transA ? m : n, dtype).data;
          const start = randomMatrix(rng, 1, transA ? n : m, dtype).data;
          const results = await withEachThreadCount(() => {
            const out = start.slice();
            matvec(a, x, { transA, alpha: -0.5, beta: 2, out });
            return out;
          });
          for (const result of results.slice(1)) expect(result).toEqualBits(results[0]!);
        });
      }
    }
  }
});

describe("LoRA across threads", () => {
  // W is out x in (or in x out with fanInFanOut), A r x in, B out x r.
  const [outFeatures, inFeatures, rank] = [150, 130, 6];

  for (const dtype of ["f32", "f64"] as const) {
    for (const fanInFanOut of [false, true]) {
      it(`${dtype} apply and merge fanInFanOut=${fanInFanOut}`, async () => {
        const rng = new RandomState(fanInFanOut ? 41 : 42);
        const w = fanInFanOut ? randomMatrix(rng, inFeatures, outFeatures, dtype) : randomMatrix(rng, outFeatures, inFeatures, dtype);
        const adapter = { A: randomMatrix(rng, rank, inFeatures, dtype), B: randomMatrix(rng, outFeatures, rank, dtype), scaling: 0.5, fanInFanOut };
        const batch = randomMatrix(rng, 5, inFeatures, dtype);
        const single = randomMatrix(rng, 1, inFeatures, dtype);
        const results = await withEachThreadCount(() => ({
          batch: loraApply(batch, w, adapter).data,
          single: loraApply(single, w, adapter).data,
          merged: loraMerge(w, adapter, { out: { ...w, data: w.data.slice() } }).data,
        }));
        for (const result of results.slice(1)) {
          expect(result.batch).toEqualBits(results[0]!.batch);
          expect(result.single).toEqualBits(results[0]!.single);
          expect(result.merged).toEqualBits(results[0]!.merged);
        }
      });
    }
  }
});

describe("QLoRA across threads", () => {
  // A share of the fused kernel starts on a row whose flat index is a multiple of the block size and
  // of 32. That is every 2 rows for 96 columns in blocks of 64, and every 8 rows for 100 in blocks of 50.
  for (const [inFeatures, blockSize, type] of [[96, 64, "nf4"], [100, 50, "fp4"]] as const) {
    it(`${type} ${inFeatures} columns in blocks of ${blockSize}`, async () => {
      const rng = new RandomState(inFeatures + blockSize);
      const outFeatures = 150;
      const rank = 4;
      const weight = quantize4bit(randomMatrix(rng, outFeatures, inFeatures, "f32"), { type, blockSize });
      const adapter = { A: randomMatrix(rng, rank, inFeatures, "f32"), B: randomMatrix(rng, outFeatures, rank, "f32"), scaling: 2 };
      const x = randomMatrix(rng, 3, inFeatures, "f32");
      const results = await withEachThreadCount(() => qloraApply(x, weight, adapter).data);
      for (const result of results.slice(1)) expect(result).toEqualBits(results[0]!);
    });
  }
});

describe("SVD and QR across threads", () => {
  // With the default block sizes (16) these reach the blocked bidiagonalization, the blocked
  // reflector updates and divide and conquer; 200 x 40 goes through QR first, 40 x 130 through the
  // transpose. Every blocked update of these sizes is handed to the pool, since the threshold is 0.
  const SHAPES = [
    [120, 90],
    [200, 40],
    [40, 130],
  ] as const;

  for (const dtype of ["f64", "f32"] as const) {
    for (const [m, n] of SHAPES) {
      it(`svd ${dtype} ${m}x${n}`, async () => {
        const a = randomMatrix(new RandomState(m + n), m, n, dtype);
        const results = await withEachThreadCount(() => svd(a));
        for (const result of results.slice(1)) {
          expect(result.S).toEqualBits(results[0]!.S);
          expect(result.U.data).toEqualBits(results[0]!.U.data);
          expect(result.Vt.data).toEqualBits(results[0]!.Vt.data);
        }
      });
    }

    it(`qr ${dtype} 150x60`, async () => {
      const a = randomMatrix(new RandomState(150), 150, 60, dtype);
      const results = await withEachThreadCount(() => qr(a));
      for (const result of results.slice(1)) {
        expect(result.Q.data).toEqualBits(results[0]!.Q.data);
        expect(result.R.data).toEqualBits(results[0]!.R.data);
      }
    });
  }
});

describe("number formats across threads", () => {
  const rng = new RandomState(11);
  const values = Float32Array.from(rng.randn(10_007), (x) => x * 3000);
  const wide = Float64Array.from(rng.randn(5_003), (x) => x * 1e-5);

  it("float16 and bfloat16 both ways", async () => {
    const results = await withEachThreadCount(() => {
      const half = toFloat16(values);
      const brain = toBfloat16(wide);
      return { half, brain, back: fromFloat16(half, { dtype: "f64" }), brainBack: fromBfloat16(brain) };
    });
    for (const result of results.slice(1)) {
      expect(result.half).toEqual(results[0]!.half);
      expect(result.brain).toEqual(results[0]!.brain);
      expect(result.back).toEqualBits(results[0]!.back);
      expect(result.brainBack).toEqualBits(results[0]!.brainBack);
    }
  });

  it("int8 quantizers both ways", async () => {
    const results = await withEachThreadCount(() => {
      const blocks = quantizeInt8(values, { granularity: "block", blockSize: 100 });
      const affine = quantizeInt8(wide, { scheme: "affine", granularity: "block", blockSize: 64 });
      return { blocks, affine, decoded: dequantizeInt8(blocks), affineDecoded: dequantizeInt8(affine) };
    });
    for (const result of results.slice(1)) {
      expect(result.blocks.codes).toEqual(results[0]!.blocks.codes);
      expect(result.blocks.scales).toEqualBits(results[0]!.blocks.scales);
      expect(result.affine.codes).toEqual(results[0]!.affine.codes);
      expect((result.affine as { zeroPoints: Uint8Array }).zeroPoints).toEqual((results[0]!.affine as { zeroPoints: Uint8Array }).zeroPoints);
      expect(result.decoded).toEqualBits(results[0]!.decoded);
      expect(result.affineDecoded).toEqualBits(results[0]!.affineDecoded);
    }
  });

  it("4-bit with an odd block size", async () => {
    const results = await withEachThreadCount(() => {
      const nf4 = quantize4bit(values, { type: "nf4", blockSize: 63 });
      const fp4 = quantize4bit(values, { type: "fp4", blockSize: 64 });
      return { nf4, fp4, nf4Decoded: dequantize4bit(nf4), fp4Decoded: dequantize4bit(fp4) };
    });
    for (const result of results.slice(1)) {
      expect(result.nf4.codes).toEqual(results[0]!.nf4.codes);
      expect(result.fp4.codes).toEqual(results[0]!.fp4.codes);
      expect(result.nf4Decoded).toEqualBits(results[0]!.nf4Decoded);
      expect(result.fp4Decoded).toEqualBits(results[0]!.fp4Decoded);
    }
  });

  it("names the same bad value on every thread count", async () => {
    const bad = values.slice();
    bad[9_000] = NaN;
    bad[9_500] = Infinity;
    const messages = await withEachThreadCount(() => {
      try {
        quantizeInt8(bad, { granularity: "block", blockSize: 50 });
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        return (error as Error).message;
      }
      return "no error";
    });
    expect(messages[0]).toMatch(/NaN at index 9000/);
    for (const message of messages.slice(1)) expect(message).toBe(messages[0]);
  });
});

// LoRA and low rank, float32 unless noted:
//   apply: Y = X W^T + s (X A^T) B^T for a batch of 16 at rank 8 and 16 (W 1024 x 1024), each build
//     with W, A and B resident (as a served model holds them), against the product with the merged
//     weight (also resident) and against the pure-JS baseline;
//   QLoRA apply: one input through a 4096 x 4096 NF4 weight (blocks of 64) with a rank-16 adapter,
//     the fused kernel on a resident NF4 weight against dequantize-then-multiply (the whole float32
//     weight decoded, then loraApply), against loraApply on a resident float32 weight, and against
//     the baseline; the summary gives the bytes of weight NF4 and float32 hold;
//   randomized against exact truncated SVD (f64) for k = 8 and 32 on 1000 x 1000 and 2000 x 500
//     matrices with singular values 1 / (i + 1), simd build only (the exact SVD takes seconds); the
//     summary gives each method's Frobenius error.
import * as baseline from "../../src/baseline/index.js";
import {
  dequantize4bit, loraApply, loraMerge, lowRank, matmul, qloraApply, qr, quantize4bit, randomizedSvd, ready, RandomState, resident, residentQuantized,
  type Matrix, type ResidentMatrix, type ResidentQuantized,
} from "../../src/index.js";
import type { BenchCase, CaseRecord, Implementation } from "../harness.js";
import { availableBackends } from "./builds.js";
import type { Suite } from "./index.js";

function f32(m: Matrix): Matrix<Float32Array> {
  return { rows: m.rows, cols: m.cols, data: Float32Array.from(m.data) };
}

/** Resident copies that are made again whenever `ready()` has loaded another build. */
class Held {
  private handles: Array<{ dispose(): void }> = [];

  /** Disposes what an earlier activation made, then makes the new handles. */
  renew<T extends { dispose(): void }>(make: () => T[]): T[] {
    this.dispose();
    const made = make();
    this.handles = made;
    return made;
  }

  dispose(): void {
    for (const handle of this.handles) handle.dispose();
    this.handles = [];
  }
}

function applyCase(rng: RandomState, size: number, batch: number, rank: number): BenchCase {
  const w = f32(rng.randn(size, size));
  const x = f32(rng.randn(batch, size));
  const pair = { A: f32(rng.randn(rank, size)), B: f32(rng.randn(size, rank)), scaling: 2 };
  const implementations: Implementation[] = [];
  for (const name of availableBackends()) {
    const held = new Held();
    let operands: ResidentMatrix[] = [];
    implementations.push({
      name: `lowrank ${name}`,
      activate: async () => {
        await ready({ backend: name });
        operands = held.renew(() => [resident(w), resident(pair.A), resident(pair.B)]);
      },
      run: () => loraApply(x, operands[0]!, { A: operands[1]!, B: operands[2]!, scaling: 2 }),
      teardown: () => held.dispose(),
    });
    const heldMerged = new Held();
    let merged: ResidentMatrix[] = [];
    implementations.push({
      name: `lowrank ${name} merged weight`,
      kind: "peer",
      activate: async () => {
        await ready({ backend: name });
        merged = heldMerged.renew(() => [resident(loraMerge(w, pair, { out: f32({ rows: size, cols: size, data: new Float64Array(size * size) }) }))]);
      },
      run: () => matmul(x, merged[0]!, { transB: true }),
      teardown: () => heldMerged.dispose(),
    });
  }
  implementations.push({ name: "baseline", run: () => baseline.loraApply(x, w, pair) });
  return {
    suite: "lora",
    operation: `apply rank ${rank} f32`,
    size: `${batch}x${size}x${size}`,
    flops: 2 * batch * size * size + 2 * batch * rank * 2 * size,
    sizeValue: rank,
    implementations,
  };
}

/** Bytes held by the QLoRA case's weight, for the summary. */
const heldBytes: Record<string, number> = {};

function qloraCase(rng: RandomState, size: number, rank: number): BenchCase {
  const w = f32(rng.randn(size, size));
  const x = Float32Array.from(rng.randn(size));
  const pair = { A: f32(rng.randn(rank, size)), B: f32(rng.randn(size, rank)), scaling: 2 };
  const q = quantize4bit(w, { type: "nf4", blockSize: 64 });
  const decoded = new Float32Array(size * size);
  const implementations: Implementation[] = [];
  for (const name of availableBackends()) {
    const held = new Held();
    let weight: ResidentQuantized | undefined;
    let factors: ResidentMatrix[] = [];
    implementations.push({
      name: `lowrank ${name}`,
      activate: async () => {
        await ready({ backend: name });
        const handles = held.renew<ResidentQuantized | ResidentMatrix>(() => [residentQuantized(q), resident(pair.A), resident(pair.B)]);
        weight = handles[0] as ResidentQuantized;
        factors = handles.slice(1) as ResidentMatrix[];
        heldBytes.nf4 = weight.byteLength;
      },
      run: () => qloraApply(x, weight!, { A: factors[0]!, B: factors[1]!, scaling: 2 }),
      teardown: () => held.dispose(),
    });
    const heldFloat = new Held();
    let floatOperands: ResidentMatrix[] = [];
    implementations.push({
      name: `lowrank ${name} float32 weight resident`,
      kind: "peer",
      activate: async () => {
        await ready({ backend: name });
        floatOperands = heldFloat.renew(() => [resident(w), resident(pair.A), resident(pair.B)]);
      },
      run: () => loraApply({ rows: 1, cols: size, data: x }, floatOperands[0]!, { A: floatOperands[1]!, B: floatOperands[2]!, scaling: 2 }),
      teardown: () => heldFloat.dispose(),
    });
    implementations.push({
      name: `lowrank ${name} dequantize then multiply`,
      kind: "peer",
      activate: () => ready({ backend: name }),
      run: () => loraApply({ rows: 1, cols: size, data: x }, { rows: size, cols: size, data: dequantize4bit(q, { out: decoded }) }, pair),
    });
  }
  implementations.push({ name: "baseline", run: () => baseline.qloraApply(x, q, pair) });
  heldBytes.f32 = 4 * size * size;
  return {
    suite: "lora",
    operation: `qlora apply rank ${rank} NF4`,
    size: `1x${size}x${size}`,
    flops: 2 * size * size + 2 * rank * 2 * size,
    sizeValue: size,
    implementations,
  };
}

/** Frobenius errors of each method by case key, for the summary. */
const svdErrors: Record<string, { exact: number; randomized: number }> = {};

/** Returns an m x n matrix with singular values 1 / (i + 1) and random singular vectors. */
function decayingMatrix(rng: RandomState, m: number, n: number): Matrix {
  const k = Math.min(m, n);
  const U = qr(rng.randn(m, k)).Q;
  const V = qr(rng.randn(n, k)).Q;
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) U.data[i * k + j]! /= j + 1;
  return matmul(U, V, { transB: true });
}

function svdCase(a: Matrix, k: number): BenchCase {
  const key = `${a.rows}x${a.cols} k=${k}`;
  const exact = lowRank(a, k);
  const randomized = lowRank(a, k, { method: "randomized" });
  svdErrors[key] = { exact: exact.residualFro, randomized: randomized.residualFro };
  return {
    suite: "lora",
    operation: `truncated svd k=${k} f64`,
    size: `${a.rows}x${a.cols}`,
    sizeValue: a.rows * a.cols,
    budgetMs: 20_000,
    implementations: [
      { name: "lowrank simd randomized", kind: "build", activate: () => ready({ backend: "simd" }), run: () => randomizedSvd(a, k) },
      { name: "lowrank simd exact", kind: "peer", activate: () => ready({ backend: "simd" }), run: () => lowRank(a, k).B },
    ],
  };
}

function find(records: CaseRecord[], operation: string, implementation: string): CaseRecord | undefined {
  return records.find((r) => r.operation === operation && r.implementation === implementation);
}

export const loraSuite: Suite = {
  name: "lora",
  async cases({ quick }) {
    await ready({ backend: "simd" });
    const rng = new RandomState(17);
    const size = quick ? 256 : 1024;
    const cases: BenchCase[] = [applyCase(rng, size, 16, 8), applyCase(rng, size, 16, 16), qloraCase(rng, quick ? 1024 : 4096, 16)];
    const shapes: Array<[number, number]> = quick ? [[300, 300]] : [[1000, 1000], [2000, 500]];
    for (const [m, n] of shapes) {
      const a = decayingMatrix(rng, m, n);
      for (const k of [8, 32]) cases.push(svdCase(a, k));
    }
    return cases;
  },

  summarise(records) {
    const lines = ["lora summary"];
    for (const record of records.filter((r) => r.implementation.startsWith("lowrank") && !r.operation.startsWith("truncated"))) {
      const base = find(records, record.operation, "baseline");
      const againstBaseline = base === undefined ? "" : `  ${(base.medianMs / record.medianMs).toFixed(2)}x baseline`;
      lines.push(`  ${record.operation.padEnd(26)} ${record.implementation.padEnd(44)} ${record.medianMs.toFixed(3).padStart(9)} ms${againstBaseline}`);
    }
    if (heldBytes.nf4 !== undefined) {
      lines.push(`  QLoRA weight held: NF4 ${heldBytes.nf4} bytes (codes + float32 absmax per 64), float32 ${heldBytes.f32} bytes (${(heldBytes.f32! / heldBytes.nf4).toFixed(2)}x)`);
    }
    for (const record of records.filter((r) => r.operation.startsWith("truncated") && r.implementation.endsWith("randomized"))) {
      const exact = find(records.filter((r) => r.size === record.size), record.operation, "lowrank simd exact");
      const errors = svdErrors[`${record.size} ${record.operation.match(/k=\d+/)![0]}`];
      const speed = exact === undefined ? "" : `${(exact.medianMs / record.medianMs).toFixed(1)}x faster than exact (${exact.medianMs.toFixed(0)} ms)`;
      const accuracy = errors === undefined ? "" : `, error ${errors.randomized.toPrecision(6)} against exact ${errors.exact.toPrecision(6)} (ratio ${(errors.randomized / errors.exact).toFixed(5)})`;
      lines.push(`  ${record.operation} ${record.size}: randomized ${record.medianMs.toFixed(1)} ms, ${speed}${accuracy}`);
    }
    return lines.join("\n");
  },
};

/**
 * `lowrank demo`: the founding article's walk-through, computed by the library. The article seeds
 * numpy's legacy generator with 69 and draws a 10x10 "weight matrix" W. It factors W into B (10 x 4)
 * and A (4 x 10) from its SVD, then compares the storage and round-trip error of W in each format.
 */
import { matmul } from "../linalg/matmul.js";
import { norm } from "../linalg/norm.js";
import { lowRank } from "../lowrank/lowrank.js";
import type { Matrix } from "../matrix.js";
import { errorStats } from "../quant/error-stats.js";
import { fromBfloat16, fromFloat16, toBfloat16, toFloat16 } from "../quant/float16.js";
import { dequantize4bit, quantize4bit } from "../quant/fourbit.js";
import { dequantizeInt8, quantizeInt8 } from "../quant/int8.js";
import { byteSize, type StorageFormat } from "../quant/size.js";
import { RandomState } from "../random.js";
import { integerOption, parseArguments, type CommandSpec } from "./args.js";
import { formatMatrix, formatNumber, formatTable } from "./format.js";
import { rankTable, type RankRow } from "./rank-table.js";

export const DEMO: CommandSpec = {
  name: "demo",
  positionals: [],
  options: { seed: "integer", size: "integer", rank: "integer", json: "flag" },
  help: `Usage: lowrank demo [--seed N] [--size N] [--rank K] [--json]

The founding article's walk-through, computed by lowrank: W = randn(10, 10) from numpy's legacy
generator seeded with 69, its singular values, the rank-4 factors B = U_k and A = S_k V_k^T, the
Frobenius error of B A, the size and round-trip error of W in six number formats, and the error and
parameter count of every rank.

Options:
  --seed N   seed of numpy's legacy generator (default 69, the article's)
  --size N   W is N x N, from 1 to 512 (default 10)
  --rank K   rank of the factors B and A, from 1 to N (default 4)
  --json     print the results as JSON at full precision instead of tables`,
};

/** Storage of W in one number format, and the error of its round trip through that format. */
export interface FormatReport {
  format: StorageFormat;
  /** Bytes of the values plus their scales (int8: one float32 per row; NF4: one float32 per 64 values). */
  bytes: number;
  /** bytes / 1024. */
  kilobytes: number;
  bitsPerParameter: number;
  /** ||W - decode(encode(W))||_F. */
  errorFrobenius: number;
  /** errorFrobenius / ||W||_F. */
  errorRelative: number;
  /** max |W - decode(encode(W))|. */
  errorMaxAbs: number;
}

/** The walk-through's results, as `--json` prints them (full precision). */
export interface DemoReport {
  seed: number;
  shape: [number, number];
  k: number;
  W: number[][];
  /** Singular values of W, decreasing. */
  S: number[];
  /** B = U_k, m x k. */
  B: number[][];
  /** A = S_k V_k^T, k x n. */
  A: number[][];
  BA: number[][];
  parameters: { W: number; BA: number };
  /** ||W - B A||_F, and that over ||W||_F. */
  error: { frobenius: number; relative: number };
  normW: number;
  /** Storage and round-trip error of W in each format. */
  formats: FormatReport[];
  /** The float16 bit patterns of W, row-major. */
  WFloat16Bits: number[];
  /** Error and parameter count of the rank-k truncation for k = 1 .. min(m, n). */
  ranks: RankRow[];
}

function rowsOf(m: Matrix): number[][] {
  const rows: number[][] = [];
  const stride = m.stride ?? m.cols;
  for (let i = 0; i < m.rows; i++) rows.push(Array.from(m.data.subarray(i * stride, i * stride + m.cols)));
  return rows;
}

/**
 * Computes the walk-through: W = RandomState(seed).randn(size, size), its SVD, the rank-k factors,
 * and W in each number format (KB = 1024 bytes, as the article counts).
 */
export function runDemo(options: { seed: number; size: number; rank: number }): DemoReport {
  const { seed, size, rank: k } = options;
  const w = new RandomState(seed).randn(size, size);
  const n = w.rows * w.cols;

  // B = U_k and A = S_k V_k^T, the article's split of the truncated SVD.
  const { B, A, S, residualFro: errorFrobenius } = lowRank(w, k);
  const BA = matmul(B, A);
  const normW = norm(w);

  // Each format's round trip.
  const half = toFloat16(w);
  const decoded: Array<[StorageFormat, ArrayLike<number>]> = [
    ["float64", w.data],
    ["float32", Float32Array.from(w.data)],
    ["float16", fromFloat16(half, { dtype: "f64" })],
    ["bfloat16", fromBfloat16(toBfloat16(w), { dtype: "f64" })],
    ["int8", dequantizeInt8(quantizeInt8(w))],
    ["nf4", dequantize4bit(quantize4bit(w, { type: "nf4" }))],
  ];
  const formats = decoded.map(([format, values]): FormatReport => {
    const size = byteSize([w.rows, w.cols], format);
    const stats = errorStats(w.data, Float64Array.from(values));
    return {
      format,
      bytes: size.bytes,
      kilobytes: size.kilobytes,
      bitsPerParameter: size.bitsPerParameter,
      errorFrobenius: stats.frobenius,
      errorRelative: stats.relative,
      errorMaxAbs: stats.maxAbs,
    };
  });

  return {
    seed,
    shape: [w.rows, w.cols],
    k,
    W: rowsOf(w),
    S: Array.from(S),
    B: rowsOf(B),
    A: rowsOf(A),
    BA: rowsOf(BA),
    parameters: { W: n, BA: k * (w.rows + w.cols) },
    error: { frobenius: errorFrobenius, relative: errorFrobenius / normW },
    normW,
    formats,
    WFloat16Bits: Array.from(half),
    ranks: rankTable(S, w.rows, w.cols, 8, Array.from({ length: S.length }, (_, i) => i + 1)),
  };
}

/** Renders the walk-through for a person, figures to 8 significant digits. */
export function renderDemo(report: DemoReport): string {
  const [m, n] = report.shape;
  const k = report.k;
  const f = (value: number): string => formatNumber(value);
  const lines = [
    `np.random.seed(${report.seed}); W = np.random.randn(${m}, ${n})   (numpy's legacy generator, reproduced by lowrank)`,
    "",
    `W (${m} x ${n}):`,
    formatMatrix(m, n, report.W.flat()),
    "",
    `Singular values of W:`,
    "  " + report.S.map(f).join("  "),
    "",
    `Rank-${k} factors from the SVD W = U S V^T:`,
    `B = U_k (${m} x ${k}):`,
    formatMatrix(m, k, report.B.flat()),
    "",
    `A = S_k V_k^T (${k} x ${n}):`,
    formatMatrix(k, n, report.A.flat()),
    "",
    `Parameters: W has ${report.parameters.W}, B and A have ${report.parameters.BA} (${m}*${k} + ${k}*${n}).`,
    `Frobenius error ||W - B A||_F = ${f(report.error.frobenius)} (relative ${f(report.error.relative)}; ||W||_F = ${f(report.normW)})`,
    "",
    `Storage of W (${report.parameters.W} values; KB = 1024 bytes; int8 keeps one float32 scale per row, NF4 one per 64 values):`,
    formatTable(
      ["format", "bytes", "KB", "bits/value", "round-trip error (Frobenius)", "relative error", "max abs error"],
      report.formats.map((row) => [row.format, String(row.bytes), f(row.kilobytes), f(row.bitsPerParameter), f(row.errorFrobenius), f(row.errorRelative), f(row.errorMaxAbs)]),
    ),
    "",
    `Rank k against error (best rank-k approximation, from the singular values) and parameters k*(${m}+${n}):`,
    formatTable(
      ["k", "parameters", "Frobenius error", "relative error", "energy kept"],
      report.ranks.map((row) => [String(row.k), String(row.parameters), f(row.errorFrobenius), f(row.errorRelative), f(row.energyKept)]),
    ),
  ];
  return lines.join("\n");
}

/** Runs `lowrank demo` on its arguments; returns the exit code. */
export function demoCommand(argv: readonly string[]): number {
  const parsed = parseArguments(DEMO, argv);
  if (parsed === undefined) {
    console.log(DEMO.help);
    return 0;
  }
  const seed = integerOption("demo", parsed, "seed", 0, 2 ** 32 - 1, 69);
  const size = integerOption("demo", parsed, "size", 1, 512, 10);
  const rank = integerOption("demo", parsed, "rank", 1, size, Math.min(4, size));
  const report = runDemo({ seed, size, rank });
  console.log(parsed.options.json === true ? JSON.stringify(report, null, 1) : renderDemo(report));
  return 0;
}

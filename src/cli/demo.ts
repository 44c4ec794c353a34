/**
 * `lowrank demo`: the founding article's walk-through, computed by the library. The article seeds
 * numpy's legacy generator with 69, draws a 10x10 "weight matrix" W, and compares its storage in each
 * number format before factorising it.
 */
import { rangeError } from "../errors.js";
import { RandomState } from "../random.js";
import { formatMatrix, formatNumber, formatTable } from "./format.js";

/** Options of the walk-through. */
export interface DemoOptions {
  /** Seed of numpy's legacy generator. Default 69, the article's. */
  seed: number;
  /** W is size x size. Default 10. */
  size: number;
}

/** Storage of W in one number format. */
export interface FormatSize {
  format: string;
  bytesPerValue: number;
  bytes: number;
  kilobytes: number;
}

/** The walk-through's results, as `--json` prints them (full precision). */
export interface DemoReport {
  seed: number;
  shape: [number, number];
  W: number[][];
  sizes: FormatSize[];
}

/** Bytes per value of the plain floating-point formats. */
const FORMATS: Array<[string, number]> = [
  ["float64", 8],
  ["float32", 4],
];

/**
 * Computes the walk-through: W = RandomState(seed).randn(size, size) and its size in each format
 * (KB = 1024 bytes, as the article counts).
 */
export function runDemo(options: DemoOptions): DemoReport {
  if (!Number.isInteger(options.size) || options.size < 1 || options.size > 4096) {
    throw rangeError("demo", "--size", "be an integer from 1 to 4096", options.size);
  }
  const w = new RandomState(options.seed).randn(options.size, options.size);
  const rows: number[][] = [];
  for (let i = 0; i < w.rows; i++) rows.push(Array.from(w.data.subarray(i * w.cols, (i + 1) * w.cols)));
  const count = w.rows * w.cols;
  const sizes = FORMATS.map(([format, bytesPerValue]) => ({
    format,
    bytesPerValue,
    bytes: count * bytesPerValue,
    kilobytes: (count * bytesPerValue) / 1024,
  }));
  return { seed: options.seed, shape: [w.rows, w.cols], W: rows, sizes };
}

/** Renders the walk-through for a person: W, then a table of sizes. */
export function renderDemo(report: DemoReport): string {
  const [m, n] = report.shape;
  const lines = [
    `W = RandomState(${report.seed}).randn(${m}, ${n}), numpy's legacy stream (np.random.seed(${report.seed}); np.random.randn(${m}, ${n})):`,
    formatMatrix(m, n, report.W.flat()),
    "",
    `Storage of W (${m * n} values; 1 KB = 1024 bytes):`,
    formatTable(
      ["format", "bytes/value", "bytes", "KB"],
      report.sizes.map((size) => [size.format, String(size.bytesPerValue), String(size.bytes), formatNumber(size.kilobytes)]),
    ),
  ];
  return lines.join("\n");
}

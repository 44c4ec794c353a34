/**
 * `lowrank rank FILE`: the singular values of weight matrices, the error of each rank, and the bytes
 * a low-rank split W ~ B A saves at a chosen rank.
 */
import { svd } from "../linalg/svd.js";
import { rankForEnergy } from "../lowrank/energy.js";
import { UsageError, parseArguments, type CommandSpec } from "./args.js";
import { openTensorFile, type TensorEntry, type TensorFile } from "./files.js";
import { formatNumber, formatTable } from "./format.js";
import { Progress } from "./progress.js";
import { rankTable, tableRanks, type RankRow } from "./rank-table.js";

export const RANK: CommandSpec = {
  name: "rank",
  positionals: ["FILE"],
  options: { tensor: "string", energy: "number", rank: "integer", json: "flag" },
  help: `Usage: lowrank rank FILE [--tensor NAME] [--energy F | --rank K] [--json]

Singular values of the weight matrices in a safetensors or .npy file (or a PEFT adapter directory), the Frobenius error of the best
rank-k approximation for k = 1, 2, 4, ... and the bytes a split W ~ B A (B m x k, A k x n) saves.
Tensors of 3 or more dimensions are reshaped to out x rest (a convolution kernel [out, in, kw]
becomes out x (in * kw)); 1-D tensors are skipped. Integer tensors (an image) are read as float64.

Options:
  --tensor NAME  analyse this tensor only (default: every tensor of 2 or more dimensions)
  --energy F     choose the smallest rank keeping a fraction F of the energy sum s_i^2, 0 < F <= 1
                 (default 0.99)
  --rank K       choose rank K instead, from 1 to min(m, n)
  --json         print the results as JSON at full precision instead of tables`,
};

/**
 * Bytes per value of B and A: those of W's floating-point dtype, and float32's for integer and
 * quantized tensors (the factors of an image or of NF4 codes are not integers).
 */
const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, f8: 8, f4: 4, f2: 2 };

/** The analysis of one tensor. */
export interface RankReport {
  name: string;
  dtype: string;
  shape: number[];
  /** The matrix analysed: [m, n]. */
  matrix: [number, number];
  /** Bytes per value of B and A. */
  bytesPerValue: number;
  /** Bytes of W as stored (codes and scales of a quantized tensor). */
  originalBytes: number;
  /** Singular values, decreasing. */
  S: number[];
  /** The chosen rank and how it was chosen. */
  chosen: RankRow & { by: "energy" | "rank"; energy?: number };
  ranks: RankRow[];
}

function analyse(file: TensorFile, entry: TensorEntry, choice: { energy?: number; rank?: number }): RankReport {
  const { matrix, shape } = file.matrix(entry.name);
  const m = matrix.rows;
  const n = matrix.cols;
  const full = Math.min(m, n);
  if (choice.rank !== undefined && choice.rank > full) {
    throw new UsageError(`rank: --rank must be from 1 to ${full} for ${entry.name} (${m} x ${n}), received ${choice.rank}`);
  }

  // The SVD in float64 whatever the stored type, so the small singular values keep their digits.
  const S = svd({ rows: m, cols: n, data: Float64Array.from(matrix.data) }, { vectors: false }).S;
  const energy = choice.energy ?? 0.99;
  const k = choice.rank ?? Math.max(1, rankForEnergy(S, energy));
  const bytesPerValue = entry.quantized !== undefined ? 4 : (DTYPE_BYTES[entry.dtype] ?? 4);
  const [chosen] = rankTable(S, m, n, bytesPerValue, [k], entry.bytes);
  return {
    name: entry.name,
    dtype: entry.quantized?.format ?? entry.dtype,
    shape: [...shape],
    matrix: [m, n],
    bytesPerValue,
    originalBytes: entry.bytes,
    S: Array.from(S),
    chosen: { ...chosen!, ...(choice.rank !== undefined ? { by: "rank" as const } : { by: "energy" as const, energy }) },
    ranks: rankTable(S, m, n, bytesPerValue, tableRanks(full, [k]), entry.bytes),
  };
}

function render(report: RankReport): string {
  const f = (value: number): string => formatNumber(value, 7);
  const [m, n] = report.matrix;
  const lines = [`${report.name}: ${report.dtype} [${report.shape.join(", ")}] as a ${m} x ${n} matrix`];

  // At most 32 singular values, 8 per line.
  const largest = report.S.slice(0, 32);
  lines.push(`  singular values (${report.S.length}${report.S.length > largest.length ? `, the largest ${largest.length} shown; --json lists all` : ""}):`);
  for (let i = 0; i < largest.length; i += 8) lines.push("    " + largest.slice(i, i + 8).map(f).join("  "));

  // The rank/error table, then the verdict at the chosen rank.
  lines.push(
    "",
    formatTable(
      ["k", "parameters", "bytes (B, A)", "bytes saved", "Frobenius error", "relative error", "energy kept", ""],
      report.ranks.map((row) => [
        String(row.k),
        String(row.parameters),
        String(row.bytes),
        String(row.bytesSaved),
        f(row.errorFrobenius),
        f(row.errorRelative),
        f(row.energyKept),
        row.k === report.chosen.k ? "<- chosen" : "",
      ]),
    )
      .split("\n")
      .map((line) => "  " + line)
      .join("\n"),
    "",
  );

  const c = report.chosen;
  const reason = c.by === "energy" ? `the smallest rank keeping ${f(c.energy! * 100)}% of the energy` : "the rank asked for";
  const full = report.originalBytes;
  const verdict = c.bytesSaved > 0 ? `saves ${c.bytesSaved} bytes (${f((100 * c.bytesSaved) / full)}%)` : `costs ${-c.bytesSaved} bytes more`;
  lines.push(
    `  Chosen: rank ${c.k}, ${reason}: B and A take ${c.bytes} bytes at ${report.bytesPerValue} bytes per value against ${full} for W as stored, which ${verdict}; relative error ${f(c.errorRelative)}`,
  );
  return lines.join("\n");
}

/** Runs `lowrank rank` on its arguments; returns the exit code. */
export async function rankCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArguments(RANK, argv);
  if (parsed === undefined) {
    console.log(RANK.help);
    return 0;
  }
  const energy = parsed.options.energy as number | undefined;
  const rank = parsed.options.rank as number | undefined;
  if (energy !== undefined && rank !== undefined) throw new UsageError("rank: give --energy or --rank, not both");
  if (energy !== undefined && !(energy > 0 && energy <= 1)) throw new UsageError(`rank: --energy must be a fraction above 0 and at most 1, received ${energy}`);
  if (rank !== undefined && rank < 1) throw new UsageError(`rank: --rank must be at least 1, received ${rank}`);

  const file = await openTensorFile(parsed.positionals[0]!);
  const name = parsed.options.tensor as string | undefined;
  const entries = name !== undefined ? [file.entry("rank", name)] : file.entries.filter((entry) => (entry.quantized?.shape ?? entry.shape).length >= 2 && file.isNumeric(entry));
  if (entries.length === 0) throw new UsageError(`rank: ${file.path} has no numeric tensor of 2 or more dimensions`);
  for (const entry of entries) {
    if (!file.isNumeric(entry)) throw new UsageError(`rank: tensor ${JSON.stringify(entry.name)} is ${entry.dtype}, which has no singular values`);
  }

  // NOTE: the bar advances once per tensor, so a file with one very large matrix shows no bar during
  // its SVD. Reporting the SVD's own sweeps would need a progress callback in svd.
  const progress = new Progress("rank", entries.length);
  const reports: RankReport[] = [];
  try {
    for (const entry of entries) {
      reports.push(analyse(file, entry, { ...(energy === undefined ? {} : { energy }), ...(rank === undefined ? {} : { rank }) }));
      progress.step(entry.name);
    }
  } finally {
    progress.finish();
  }

  if (parsed.options.json === true) console.log(JSON.stringify({ file: file.path, tensors: reports }, null, 1));
  else console.log(reports.map(render).join("\n\n"));
  return 0;
}

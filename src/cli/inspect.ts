/**
 * `lowrank inspect FILE`: the tensors of a safetensors or .npy file, and for a PEFT LoRA adapter each
 * pair's rank, scaling and the share of the update's energy that each rank keeps.
 */
import { readFile } from "node:fs/promises";
import { transpose } from "../linalg/elementwise.js";
import { matmul } from "../linalg/matmul.js";
import { qr } from "../linalg/qr.js";
import { svd } from "../linalg/svd.js";
import { loraConfig, readLoraAdapter, type LoraConfig, type LoraPair } from "../lora/adapter.js";
import type { Matrix } from "../matrix.js";
import { parseArguments, type CommandSpec } from "./args.js";
import { FileError, adapterConfigPath, asFileError, openTensorFile, type TensorFile } from "./files.js";
import { formatNumber, formatTable } from "./format.js";
import { Progress } from "./progress.js";
import { frobeniusFromSingularValues } from "./rank-table.js";

export const INSPECT: CommandSpec = {
  name: "inspect",
  positionals: ["FILE"],
  options: { json: "flag" },
  help: `Usage: lowrank inspect FILE [--json]

Lists the tensors of a safetensors or .npy file: name, dtype, shape and bytes (for a file written by
"lowrank quantize -o", the format of each tensor and its original shape). For a PEFT LoRA adapter
(lora_A / lora_B pairs; FILE may be the adapter's directory) it also prints each pair's rank r,
lora_alpha, scaling, and the fraction of the energy of its update dW = scaling * B A that the best
rank-k approximation keeps, for k = 1 .. r. The settings come from adapter_config.json beside the
file, or PEFT's defaults (r 8, lora_alpha 8) without one.

Options:
  --json   print the results as JSON at full precision instead of tables`,
};

/** One LoRA pair's analysis. */
export interface PairReport {
  module: string;
  /** dW is out x in. */
  out: number;
  in: number;
  rank: number;
  alpha: number;
  scaling: number;
  /** Singular values of scaling * B A, decreasing (r of them). */
  S: number[];
  /** ||scaling * B A||_F. */
  normFrobenius: number;
  /** energyKept[k - 1]: share of sum s_i^2 in the first k singular values, k = 1 .. r. */
  energyKept: number[];
}

/**
 * Returns the singular values of scaling * B A without forming the out x in product: with B = Q_B R_B
 * and A^T = Q_A R_A (thin QR), B A = Q_B (R_B R_A^T) Q_A^T, and the orthonormal factors leave the
 * singular values of the small r x r core R_B R_A^T unchanged.
 */
export function updateSingularValues(B: Matrix, A: Matrix, scaling: number): Float64Array {
  const b = { rows: B.rows, cols: B.cols, data: Float64Array.from(B.data.subarray(0, B.rows * B.cols)) };
  const at = transpose({ rows: A.rows, cols: A.cols, data: Float64Array.from(A.data.subarray(0, A.rows * A.cols)) });
  const rb = qr(b, { mode: "r" }).R;
  const ra = qr(at, { mode: "r" }).R;
  const core = matmul(rb, ra, { transB: true });
  const S = svd(core, { vectors: false }).S as Float64Array;
  const factor = Math.abs(scaling);
  const values = new Float64Array(Math.min(B.cols, A.rows));
  for (let i = 0; i < values.length && i < S.length; i++) values[i] = S[i]! * factor;
  return values;
}

function analysePair(pair: LoraPair): PairReport {
  const S = updateSingularValues(pair.B, pair.A, pair.scaling);
  const total = frobeniusFromSingularValues(S);
  const energyKept: number[] = [];
  let kept = 0;
  for (let k = 0; k < S.length; k++) {
    kept += total === 0 ? 0 : (S[k]! / total) ** 2;
    energyKept.push(k === S.length - 1 && total > 0 ? 1 : kept);
  }
  return {
    module: pair.module,
    out: pair.B.rows,
    in: pair.A.cols,
    rank: pair.rank,
    alpha: pair.alpha,
    scaling: pair.scaling,
    S: Array.from(S),
    normFrobenius: total,
    energyKept,
  };
}

/** Reads adapter_config.json beside an adapter, or returns undefined when there is none. */
async function readConfig(path: string): Promise<{ config: LoraConfig; path: string } | undefined> {
  const configPath = adapterConfigPath(path);
  let text: string;
  try {
    text = await readFile(configPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new FileError(`cannot read ${configPath}: ${(error as Error).message}`);
  }
  try {
    return { config: loraConfig(text), path: configPath };
  } catch (error) {
    throw asFileError(configPath, error);
  }
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

/** Runs `lowrank inspect` on its arguments; returns the exit code. */
export async function inspectCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArguments(INSPECT, argv);
  if (parsed === undefined) {
    console.log(INSPECT.help);
    return 0;
  }
  const file = await openTensorFile(parsed.positionals[0]!);
  const path = file.path;

  const tensors = file.entries.map((entry) => ({
    name: entry.name,
    dtype: entry.dtype,
    shape: [...entry.shape],
    bytes: entry.bytes,
    parameters: (entry.quantized?.shape ?? entry.shape).reduce((product, n) => product * n, 1),
    ...(entry.quantized === undefined ? {} : { quantized: entry.quantized }),
  }));
  const totals = {
    tensors: tensors.length,
    parameters: tensors.reduce((sum, t) => sum + t.parameters, 0),
    bytes: tensors.reduce((sum, t) => sum + t.bytes, 0),
  };
  const lora = await inspectLora(file, path);

  if (parsed.options.json === true) {
    console.log(JSON.stringify({ file: path, kind: file.kind, metadata: file.metadata, tensors, totals, ...(lora === undefined ? {} : { lora }) }, null, 1));
    return 0;
  }

  const quantized = tensors.some((t) => t.quantized !== undefined);
  const lines = [`${path}: ${file.kind}, ${totals.tensors} tensors, ${totals.parameters} parameters, ${totals.bytes} bytes (${formatNumber(totals.bytes / 1024, 6)} KB)`];
  for (const [key, value] of Object.entries(file.metadata)) {
    if (key !== "lowrank.quantization") lines.push(`  metadata ${key}: ${value}`);
  }
  lines.push(
    "",
    formatTable(
      quantized ? ["tensor", "dtype", "shape", "format", "original shape", "bytes"] : ["tensor", "dtype", "shape", "bytes"],
      tensors.map((t) => {
        const row = [t.name, t.dtype, shapeText(t.shape)];
        if (quantized) row.push(t.quantized?.format ?? "-", t.quantized === undefined ? "-" : shapeText(t.quantized.shape));
        row.push(String(t.bytes));
        return row;
      }),
    ),
  );
  if (lora !== undefined) lines.push("", renderLora(lora));
  console.log(lines.join("\n"));
  return 0;
}

/** The LoRA part of the report. */
interface LoraReport {
  config: string | null;
  r: number;
  loraAlpha: number;
  useRslora: boolean;
  pairs: PairReport[];
  wholeTensors: string[];
}

async function inspectLora(file: TensorFile, path: string): Promise<LoraReport | undefined> {
  const safetensors = file.safetensors;
  if (safetensors === undefined || !safetensors.names.some((name) => /\.lora_[AB](\.[^.]+)?\.weight$/.test(name))) return undefined;
  const found = await readConfig(path);
  let adapter;
  try {
    adapter = readLoraAdapter(safetensors, found?.config);
  } catch (error) {
    throw asFileError(path, error);
  }
  const progress = new Progress("inspect", adapter.pairs.length);
  const pairs: PairReport[] = [];
  try {
    const ordered = [...adapter.pairs].sort((a, b) => a.module.localeCompare(b.module, "en", { numeric: true }));
    for (const pair of ordered) {
      pairs.push(analysePair(pair));
      progress.step(pair.module);
    }
  } finally {
    progress.finish();
  }
  return {
    config: found?.path ?? null,
    r: adapter.config.r,
    loraAlpha: adapter.config.loraAlpha,
    useRslora: adapter.config.useRslora,
    pairs,
    wholeTensors: adapter.wholeTensors,
  };
}

function renderLora(report: LoraReport): string {
  const maxRank = Math.max(...report.pairs.map((pair) => pair.rank));
  const ks: number[] = [];
  for (let k = 1; k <= maxRank; k = k < 8 ? k + 1 : k * 2) ks.push(k);
  if (ks[ks.length - 1] !== maxRank) ks.push(maxRank);
  const prefix = commonPrefix(report.pairs.map((pair) => pair.module));
  const lines = [
    `LoRA adapter: ${report.pairs.length} pairs; ${report.config === null ? "no adapter_config.json beside the file, so PEFT's defaults" : report.config}: r ${report.r}, lora_alpha ${report.loraAlpha}${report.useRslora ? ", rsLoRA" : ""}`,
    `Energy of dW = scaling * B A kept by its best rank-k approximation, in %${prefix === "" ? "" : ` (modules under ${prefix})`}:`,
    "",
    formatTable(
      ["module", "dW shape", "r", "alpha", "scaling", "||dW||_F", ...ks.map((k) => `k=${k}`)],
      report.pairs.map((pair) => [
        pair.module.slice(prefix.length),
        `${pair.out} x ${pair.in}`,
        String(pair.rank),
        formatNumber(pair.alpha, 6),
        formatNumber(pair.scaling, 6),
        formatNumber(pair.normFrobenius, 6),
        ...ks.map((k) => (k <= pair.rank ? (100 * pair.energyKept[k - 1]!).toFixed(2) : "-")),
      ]),
    ),
  ];
  if (report.wholeTensors.length > 0) lines.push("", `Whole tensors (not LoRA factors): ${report.wholeTensors.join(", ")}`);
  return lines.join("\n");
}

/** Returns the longest prefix, ending at a dot, that all names share. */
export function commonPrefix(names: readonly string[]): string {
  if (names.length < 2) return "";
  let prefix = names[0]!;
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf(".") + 1);
}

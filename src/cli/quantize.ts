/**
 * `lowrank quantize FILE`: the size and round-trip error of every tensor in each number format, and
 * with `-o` a safetensors file of the quantized tensors (layout in quantized-file.ts).
 */
import { writeFile } from "node:fs/promises";
import type { SafetensorsTensorInput } from "../io/safetensors.js";
import { writeSafetensors } from "../io/safetensors.js";
import { errorStats } from "../quant/error-stats.js";
import { UsageError, choiceOption, integerOption, parseArguments, type CommandSpec } from "./args.js";
import { FileError, openTensorFile, type TensorFile } from "./files.js";
import { formatNumber, formatTable } from "./format.js";
import { Progress } from "./progress.js";
import { CLI_FORMATS, QUANTIZATION_KEY, encodeTensor, quantizationMetadata, type CliFormat, type QuantizedEntry } from "./quantized-file.js";

export const QUANTIZE: CommandSpec = {
  name: "quantize",
  positionals: ["FILE"],
  options: { format: "string", block: "integer", tensor: "string", output: "string", json: "flag" },
  aliases: { o: "output" },
  help: `Usage: lowrank quantize FILE [--format f16|bf16|int8|nf4|fp4] [--block N] [--tensor NAME] [-o OUT] [--json]

Size (bytes, scales included) and round-trip error of each floating-point tensor of a safetensors or
.npy file (or a PEFT adapter directory) in each number format: f16 and bf16 (half precision), int8 (symmetric absmax codes, one
float32 scale per row), nf4 and fp4 (4-bit codes, one float32 absmax per block of 64 values).
Tensors of 3 or more dimensions are treated as out x rest matrices.

Options:
  --format F     measure this format only (default: all five)
  --block N      values per scale: the 4-bit block size, and for int8 one scale per N values
                 instead of one per row (1 to 1048576)
  --tensor NAME  this tensor only (default: every floating-point tensor)
  -o, --output OUT
                 write the quantized tensors to the safetensors file OUT in --format (default nf4):
                 4-bit codes as packed U8 plus a NAME.absmax F32 tensor, int8 codes as I8 plus
                 NAME.scales, described in __metadata__ "lowrank.quantization" so that every lowrank
                 command reads the file back; other tensors are copied unchanged
  --json         print the results as JSON at full precision instead of tables`,
};

/** One tensor in one format. */
export interface QuantizeRow {
  tensor: string;
  shape: number[];
  format: CliFormat;
  /** Bytes of codes and scales. */
  bytes: number;
  /** Bytes as stored in the input file. */
  originalBytes: number;
  bitsPerValue: number;
  errorFrobenius: number;
  errorRelative: number;
  errorMaxAbs: number;
  /** 20 log10(||W||_F / ||W - W'||_F), in dB. */
  sqnrDb: number;
  /** ||W||_F, for combining the errors of several tensors. */
  normFrobenius: number;
}

/** Runs `lowrank quantize` on its arguments; returns the exit code. */
export async function quantizeCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArguments(QUANTIZE, argv);
  if (parsed === undefined) {
    console.log(QUANTIZE.help);
    return 0;
  }
  const output = parsed.options.output as string | undefined;
  const chosen = choiceOption("quantize", parsed, "format", CLI_FORMATS, output === undefined ? undefined : "nf4");
  const formats = chosen === undefined ? CLI_FORMATS : [chosen];
  const blockSize = integerOption("quantize", parsed, "block", 1, 2 ** 20);
  if (blockSize !== undefined && formats.every((format) => format === "f16" || format === "bf16")) {
    throw new UsageError(`quantize: --block applies to int8, nf4 and fp4, not ${formats[0]}`);
  }

  const file = await openTensorFile(parsed.positionals[0]!);
  const name = parsed.options.tensor as string | undefined;
  const entries = name !== undefined ? [file.entry("quantize", name)] : file.entries.filter((entry) => file.isFloat(entry));
  if (entries.length === 0) throw new UsageError(`quantize: ${file.path} has no floating-point tensor`);
  for (const entry of entries) {
    if (!file.isFloat(entry)) throw new UsageError(`quantize: tensor ${JSON.stringify(entry.name)} is ${entry.dtype}, not floating point`);
  }

  // Measure every tensor in every format, and keep the encoding of the output's format.
  const rows: QuantizeRow[] = [];
  const written = new Map<string, SafetensorsTensorInput>();
  const described = new Map<string, QuantizedEntry>();
  const progress = new Progress("quantize", entries.length * formats.length);
  try {
    for (const entry of entries) {
      const { matrix, shape, dtype } = file.matrix(entry.name);
      for (const format of formats) {
        const encoded = encodeTensor(entry.name, shape, dtype, matrix, format, format === "f16" || format === "bf16" ? undefined : blockSize);
        const stats = errorStats(matrix.data.subarray(0, matrix.rows * matrix.cols), encoded.decoded);
        const count = matrix.rows * matrix.cols;
        rows.push({
          tensor: entry.name,
          shape: [...shape],
          format,
          bytes: encoded.bytes,
          originalBytes: entry.bytes,
          bitsPerValue: count === 0 ? 0 : (encoded.bytes * 8) / count,
          errorFrobenius: stats.frobenius,
          errorRelative: stats.relative,
          errorMaxAbs: stats.maxAbs,
          sqnrDb: stats.sqnrDb,
          normFrobenius: stats.originalNorm,
        });
        if (output !== undefined) {
          for (const [key, tensor] of encoded.tensors) written.set(key, tensor);
          described.set(entry.name, encoded.entry);
        }
        progress.step(`${entry.name} ${format}`);
      }
    }
  } finally {
    progress.finish();
  }

  const totals = formats.map((format) => summarize(format, rows.filter((row) => row.format === format)));
  let outputReport: { path: string; format: CliFormat; bytes: number } | undefined;
  if (output !== undefined) outputReport = { path: output, format: formats[0]!, bytes: await writeOutput(output, file, written, described) };

  if (parsed.options.json === true) {
    console.log(JSON.stringify({ file: file.path, blockSize: blockSize ?? null, rows, totals, ...(outputReport === undefined ? {} : { output: outputReport }) }, null, 1));
    return 0;
  }
  const f = (value: number): string => formatNumber(value, 6);
  const lines = [
    formatTable(
      ["tensor", "shape", "format", "bytes", "bits/value", "relative error", "max abs error", "SQNR (dB)"],
      rows.map((row) => [row.tensor, `[${row.shape.join(", ")}]`, row.format, String(row.bytes), f(row.bitsPerValue), f(row.errorRelative), f(row.errorMaxAbs), f(row.sqnrDb)]),
    ),
    "",
    `All ${entries.length} tensors (${totals[0]!.originalBytes} bytes as stored):`,
    formatTable(
      ["format", "bytes", "KB", "of original", "relative error"],
      totals.map((total) => [total.format, String(total.bytes), f(total.bytes / 1024), `${(100 * total.bytes / total.originalBytes).toFixed(1)}%`, f(total.errorRelative)]),
    ),
  ];
  if (outputReport !== undefined) lines.push("", `Wrote ${outputReport.path}: ${described.size} tensors in ${outputReport.format}, ${outputReport.bytes} bytes`);
  console.log(lines.join("\n"));
  return 0;
}

/** Sums the bytes of one format over all tensors and combines their errors: sqrt(sum err^2) / sqrt(sum ||W||^2). */
function summarize(format: CliFormat, rows: QuantizeRow[]): { format: CliFormat; bytes: number; originalBytes: number; errorRelative: number } {
  let errorSquares = 0;
  let normSquares = 0;
  for (const row of rows) {
    errorSquares += row.errorFrobenius ** 2;
    normSquares += row.normFrobenius ** 2;
  }
  return {
    format,
    bytes: rows.reduce((sum, row) => sum + row.bytes, 0),
    originalBytes: rows.reduce((sum, row) => sum + row.originalBytes, 0),
    errorRelative: normSquares === 0 ? 0 : Math.sqrt(errorSquares / normSquares),
  };
}

/** Writes the quantized tensors, plus the input's other tensors unchanged; returns the file's size. */
async function writeOutput(path: string, file: TensorFile, written: Map<string, SafetensorsTensorInput>, described: Map<string, QuantizedEntry>): Promise<number> {
  const tensors = new Map(written);
  if (file.safetensors !== undefined) {
    for (const entry of file.entries) {
      if (described.has(entry.name)) continue;
      if (entry.quantized !== undefined) {
        // A tensor the input held quantized, and not quantized again here: written decoded to float32.
        const { matrix, shape } = file.matrix(entry.name);
        tensors.set(entry.name, { dtype: "F32", shape, data: Float32Array.from(matrix.data) });
        continue;
      }
      const tensor = file.safetensors.tensor(entry.name);
      tensors.set(entry.name, { dtype: tensor.dtype, shape: tensor.shape, data: tensor.data });
    }
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(file.metadata)) if (key !== QUANTIZATION_KEY) metadata[key] = value;
  metadata[QUANTIZATION_KEY] = quantizationMetadata(described);
  const bytes = writeSafetensors(tensors, { metadata });
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw new FileError(`cannot write ${path}: ${(error as Error).message}`);
  }
  return bytes.length;
}

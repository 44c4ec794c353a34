/**
 * `lowrank lora resize` and `lowrank lora extract`: change the rank of a PEFT LoRA adapter, or make one
 * from a base and a fine-tuned weights file. Both write PEFT's layout: adapter_model.safetensors and
 * adapter_config.json.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { readLoraAdapter, loraConfig } from "../lora/adapter.js";
import { loraExtract, loraResize } from "../lora/extract.js";
import type { Matrix } from "../matrix.js";
import { writeSafetensors, type SafetensorsTensorInput } from "../io/safetensors.js";
import { UsageError, parseArguments, type CommandSpec } from "./args.js";
import { FileError, adapterConfigPath, asFileError, openTensorFile, type TensorFile } from "./files.js";
import { formatNumber, formatTable } from "./format.js";
import { commonPrefix } from "./inspect.js";
import { Progress } from "./progress.js";

const USAGE = `Usage: lowrank lora <resize|extract> ...

Commands:
  resize ADAPTER --rank R -o OUT       truncate every pair of a PEFT adapter to rank R
  extract BASE TUNED --rank R -o OUT   make a rank-R adapter from the difference of two weight files

Run "lowrank lora resize --help" or "lowrank lora extract --help" for their options.`;

export const LORA_RESIZE: CommandSpec = {
  name: "lora resize",
  positionals: ["ADAPTER"],
  options: { rank: "integer", output: "string", json: "flag" },
  aliases: { o: "output" },
  help: `Usage: lowrank lora resize ADAPTER --rank R -o OUT [--json]

Truncates every lora_A / lora_B pair of a PEFT adapter to rank R: the best rank-R approximation of
each update dW = scaling * B A, computed from the factors (QR of B and of A^T and the SVD of the
r x r core) without forming dW. ADAPTER is an adapter_model.safetensors file or its directory; the
scaling of each pair comes from adapter_config.json beside it (PEFT's defaults without one).

OUT is a directory that receives adapter_model.safetensors and adapter_config.json, or a path ending
in .safetensors, with adapter_config.json written beside it. The config is the input's with r set to
R and lora_alpha (and any alpha_pattern) rescaled so that every pair keeps its scaling. Tensors that
are not LoRA factors (modules_to_save) are copied unchanged.

Options:
  --rank R          the new rank, from 1 to the smallest rank in the adapter
  -o, --output OUT  where to write the adapter
  --json            print the results as JSON at full precision instead of a table`,
};

export const LORA_EXTRACT: CommandSpec = {
  name: "lora extract",
  positionals: ["BASE", "TUNED"],
  options: { rank: "integer", alpha: "number", tensor: "string", output: "string", json: "flag" },
  aliases: { o: "output" },
  help: `Usage: lowrank lora extract BASE TUNED --rank R -o OUT [--alpha A] [--tensor NAME] [--json]

Makes a PEFT LoRA adapter of rank R from a base weights file and a fine-tuned one (safetensors or
.npy): for every tensor of 2 or more dimensions that differs between them, the truncated SVD of
dW = tuned - base, split so that scaling * B A is the best rank-R approximation of dW. Tensors of 3
or more dimensions are factored as out x rest matrices and their factors stored as PEFT's
convolution LoRA stores them (lora_A [R, in, ...], lora_B [out, R, 1, ...]). Identical tensors are
skipped.

OUT is a directory that receives adapter_model.safetensors and adapter_config.json, or a path ending
in .safetensors, with adapter_config.json written beside it. Factors are written as float32, named
base_model.model.<tensor without .weight>.lora_A.weight and .lora_B.weight.

Options:
  --rank R          rank of the adapter, from 1 to min(m, n) of every tensor extracted
  --alpha A         lora_alpha of the adapter (default R, so the scaling is 1)
  --tensor NAME     extract this tensor only
  -o, --output OUT  where to write the adapter
  --json            print the results as JSON at full precision instead of a table`,
};

/** Runs `lowrank lora ...` on its arguments; returns the exit code. */
export async function loraCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "resize") return resizeCommand(rest);
  if (sub === "extract") return extractCommand(rest);
  if (sub === undefined || sub === "--help" || sub === "-h") {
    console.log(USAGE);
    return sub === undefined ? 2 : 0;
  }
  throw new UsageError(`lora: unknown command ${JSON.stringify(sub)}; run "lowrank lora --help"`);
}

/** Returns the paths of the two files written for OUT, creating the directory they go in. */
async function outputPaths(out: string): Promise<{ model: string; config: string }> {
  const paths = out.endsWith(".safetensors")
    ? { model: out, config: join(dirname(out), "adapter_config.json") }
    : { model: join(out, "adapter_model.safetensors"), config: join(out, "adapter_config.json") };
  try {
    await mkdir(dirname(paths.model), { recursive: true });
  } catch (error) {
    throw new FileError(`cannot create ${dirname(paths.model)}: ${(error as Error).message}`);
  }
  return paths;
}

/** Writes adapter_model.safetensors and adapter_config.json for OUT; returns their paths and the model's size. */
async function writeAdapter(out: string, tensors: Map<string, SafetensorsTensorInput>, metadata: Record<string, string>, config: object): Promise<{ model: string; config: string; bytes: number }> {
  const paths = await outputPaths(out);
  const bytes = writeSafetensors(tensors, { metadata });
  try {
    await writeFile(paths.model, bytes);
    await writeFile(paths.config, JSON.stringify(config, null, 2) + "\n");
  } catch (error) {
    throw new FileError(`cannot write ${out}: ${(error as Error).message}`);
  }
  return { ...paths, bytes: bytes.length };
}

/** Returns --rank and -o, which both subcommands require. Throws UsageError when one is missing or the rank is below 1. */
function requireOptions(spec: CommandSpec, parsed: { options: Record<string, unknown> }): { rank: number; output: string } {
  const rank = parsed.options.rank as number | undefined;
  if (rank === undefined) throw new UsageError(`${spec.name}: --rank R is required`);
  if (rank < 1) throw new UsageError(`${spec.name}: --rank must be at least 1, received ${rank}`);
  if (parsed.options.output === undefined) throw new UsageError(`${spec.name}: -o OUT is required`);
  return { rank, output: parsed.options.output as string };
}

/** Returns a float32 copy of a matrix's values, dense, for writing. */
function float32(m: Matrix): Float32Array {
  return m.data instanceof Float32Array && m.data.length === m.rows * m.cols ? m.data : Float32Array.from(m.data.subarray(0, m.rows * m.cols));
}

// ------------------------------------------------------------------------------------------------
// resize

async function resizeCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArguments(LORA_RESIZE, argv);
  if (parsed === undefined) {
    console.log(LORA_RESIZE.help);
    return 0;
  }
  const { rank, output } = requireOptions(LORA_RESIZE, parsed);

  const file = await openTensorFile(parsed.positionals[0]!);
  const safetensors = file.safetensors;
  if (safetensors === undefined) throw new UsageError(`lora resize: ${file.path} is a .npy file, not a LoRA adapter`);
  const configPath = adapterConfigPath(file.path);
  let configJson: Record<string, unknown> = {};
  try {
    configJson = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw asFileError(configPath, error);
  }
  let adapter;
  try {
    adapter = readLoraAdapter(safetensors, loraConfig(configJson));
  } catch (error) {
    throw asFileError(file.path, error);
  }
  if (adapter.pairs.length === 0) throw new UsageError(`lora resize: ${file.path} has no lora_A / lora_B pairs`);
  const smallest = Math.min(...adapter.pairs.map((pair) => Math.min(pair.rank, pair.A.cols, pair.B.rows)));
  if (rank > smallest) throw new UsageError(`lora resize: --rank must be from 1 to ${smallest}, the smallest rank in the adapter, received ${rank}`);

  // Each pair keeps its scaling: lora_alpha' = scaling * R (or * sqrt(R) with rsLoRA).
  const { useRslora } = adapter.config;
  const alphaFor = (scaling: number): number => scaling * (useRslora ? Math.sqrt(rank) : rank);
  const tensors = new Map<string, SafetensorsTensorInput>();
  const rows = [];
  const progress = new Progress("lora resize", adapter.pairs.length);
  try {
    const ordered = [...adapter.pairs].sort((a, b) => a.module.localeCompare(b.module, "en", { numeric: true }));
    for (const pair of ordered) {
      const result = loraResize({ A: pair.A, B: pair.B, scaling: pair.scaling, fanInFanOut: pair.fanInFanOut }, rank, { alpha: alphaFor(pair.scaling), useRslora });
      const names = factorNames(file, pair.module);
      tensors.set(names.A, { dtype: "F32", shape: [result.A.rows, result.A.cols], data: float32(result.A) });
      tensors.set(names.B, { dtype: "F32", shape: [result.B.rows, result.B.cols], data: float32(result.B) });
      rows.push({
        module: pair.module,
        out: pair.B.rows,
        in: pair.A.cols,
        rankBefore: pair.rank,
        rank,
        alphaBefore: pair.alpha,
        alpha: result.alpha,
        scaling: result.scaling,
        S: Array.from(result.S),
        energyKept: result.energyKept[rank - 1]!,
        errorFrobenius: result.errorFro,
        errorRelative: result.relativeError,
      });
      progress.step(pair.module);
    }
  } finally {
    progress.finish();
  }
  for (const name of adapter.wholeTensors) {
    const tensor = safetensors.tensor(name);
    tensors.set(name, { dtype: tensor.dtype, shape: tensor.shape, data: tensor.data });
  }

  // The config: r = R, and every lora_alpha rescaled by the same rule.
  const config = { ...configJson, r: rank, lora_alpha: alphaFor(adapter.config.useRslora ? adapter.config.loraAlpha / Math.sqrt(adapter.config.r) : adapter.config.loraAlpha / adapter.config.r) };
  const rankPattern = adapter.config.rankPattern;
  if (Object.keys(adapter.config.alphaPattern).length > 0) {
    const alphaPattern: Record<string, number> = {};
    for (const [key, alpha] of Object.entries(adapter.config.alphaPattern)) {
      const r = rankPattern[key] ?? adapter.config.r;
      alphaPattern[key] = alphaFor(useRslora ? alpha / Math.sqrt(r) : alpha / r);
    }
    Object.assign(config, { alpha_pattern: alphaPattern });
  }
  if (Object.keys(rankPattern).length > 0) Object.assign(config, { rank_pattern: Object.fromEntries(Object.keys(rankPattern).map((key) => [key, rank])) });
  const written = await writeAdapter(output, tensors, { ...file.metadata }, config);

  if (parsed.options.json === true) {
    console.log(JSON.stringify({ adapter: file.path, config: config, output: written, pairs: rows }, null, 1));
    return 0;
  }
  const f = (value: number): string => formatNumber(value, 6);
  const prefix = commonPrefix(rows.map((row) => row.module));
  console.log(
    [
      ...(prefix === "" ? [] : [`Modules under ${prefix}:`, ""]),
      formatTable(
        ["module", "dW shape", "r", "new r", "scaling", "energy kept", "relative error"],
        rows.map((row) => [row.module.slice(prefix.length), `${row.out} x ${row.in}`, String(row.rankBefore), String(row.rank), f(row.scaling), `${(100 * row.energyKept).toFixed(3)}%`, f(row.errorRelative)]),
      ),
      "",
      `Wrote ${written.model} (${written.bytes} bytes, against ${file.entries.reduce((sum, entry) => sum + entry.bytes, 0)}) and ${written.config}: r ${config.r}, lora_alpha ${formatNumber(config.lora_alpha, 8)}`,
    ].join("\n"),
  );
  return 0;
}

/** Returns the tensor names of a module's factors as the file spells them. */
function factorNames(file: TensorFile, module: string): { A: string; B: string } {
  const find = (letter: string): string => file.entries.find((entry) => entry.name.startsWith(`${module}.lora_${letter}`) && entry.name.endsWith(".weight"))!.name;
  return { A: find("A"), B: find("B") };
}

// ------------------------------------------------------------------------------------------------
// extract

async function extractCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArguments(LORA_EXTRACT, argv);
  if (parsed === undefined) {
    console.log(LORA_EXTRACT.help);
    return 0;
  }
  const { rank, output } = requireOptions(LORA_EXTRACT, parsed);
  const alpha = (parsed.options.alpha as number | undefined) ?? rank;
  if (!(alpha > 0)) throw new UsageError(`lora extract: --alpha must be a positive number, received ${alpha}`);

  const base = await openTensorFile(parsed.positionals[0]!);
  const tuned = await openTensorFile(parsed.positionals[1]!);
  const name = parsed.options.tensor as string | undefined;
  const candidates = name !== undefined ? [base.entry("lora extract", name)] : base.entries.filter((entry) => (entry.quantized?.shape ?? entry.shape).length >= 2 && base.isFloat(entry));
  if (name !== undefined) tuned.entry("lora extract", name);

  // Pair the tensors, check their shapes and the rank, and drop the identical ones.
  const pairs: Array<{ name: string; shape: readonly number[]; base: Matrix; tuned: Matrix }> = [];
  const identical: string[] = [];
  for (const entry of candidates) {
    if (!tuned.entries.some((other) => other.name === entry.name)) continue;
    const b = base.matrix(entry.name);
    const t = tuned.matrix(entry.name);
    if (b.shape.join() !== t.shape.join()) {
      throw new FileError(`lora extract: tensor ${entry.name} is [${b.shape.join(", ")}] in ${base.path} but [${t.shape.join(", ")}] in ${tuned.path}`);
    }
    const count = b.matrix.rows * b.matrix.cols;
    let same = true;
    for (let i = 0; i < count && same; i++) same = b.matrix.data[i] === t.matrix.data[i];
    if (same) {
      identical.push(entry.name);
      continue;
    }
    const full = Math.min(b.matrix.rows, b.matrix.cols);
    if (rank > full) throw new UsageError(`lora extract: --rank must be from 1 to ${full} for ${entry.name} (${b.matrix.rows} x ${b.matrix.cols}), received ${rank}`);
    pairs.push({ name: entry.name, shape: b.shape, base: b.matrix, tuned: t.matrix });
  }
  if (pairs.length === 0) throw new FileError(`lora extract: no tensor of 2 or more dimensions differs between ${base.path} and ${tuned.path}`);

  const tensors = new Map<string, SafetensorsTensorInput>();
  const modules: string[] = [];
  const rows = [];
  const progress = new Progress("lora extract", pairs.length);
  try {
    for (const pair of pairs) {
      // In float64, so that the difference of two float32 weights is exact.
      const f64 = (m: Matrix): Matrix => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data.subarray(0, m.rows * m.cols)) });
      const result = loraExtract(f64(pair.base), f64(pair.tuned), rank, { alpha });
      const module = `base_model.model.${pair.name.replace(/\.weight$/, "")}`;
      const [out, ...rest] = pair.shape;
      tensors.set(`${module}.lora_A.weight`, { dtype: "F32", shape: [rank, ...rest], data: float32(result.A) });
      tensors.set(`${module}.lora_B.weight`, { dtype: "F32", shape: [out!, rank, ...rest.slice(1).map(() => 1)], data: float32(result.B) });
      modules.push(pair.name.replace(/\.weight$/, ""));
      const [m, n] = [pair.base.rows, pair.base.cols];
      rows.push({
        tensor: pair.name,
        shape: [...pair.shape],
        matrix: [m, n],
        rank,
        alpha: result.alpha,
        scaling: result.scaling,
        S: Array.from(result.S),
        energyKept: result.energyKept,
        errorFrobenius: result.errorFro,
        errorRelative: result.relativeError,
        adapterBytes: rank * (m + n) * 4,
        differenceBytes: m * n * 4,
      });
      progress.step(pair.name);
    }
  } finally {
    progress.finish();
  }

  const config = {
    peft_type: "LORA",
    base_model_name_or_path: base.path,
    r: rank,
    lora_alpha: alpha,
    lora_dropout: 0,
    bias: "none",
    fan_in_fan_out: false,
    use_rslora: false,
    target_modules: modules,
    task_type: null,
    inference_mode: true,
  };
  const written = await writeAdapter(output, tensors, { format: "pt" }, config);

  if (parsed.options.json === true) {
    console.log(JSON.stringify({ base: base.path, tuned: tuned.path, output: written, identical, tensors: rows }, null, 1));
    return 0;
  }
  const f = (value: number): string => formatNumber(value, 6);
  const lines = [
    formatTable(
      ["tensor", "shape", "rank", "energy kept", "relative error", "adapter bytes", "dW bytes"],
      rows.map((row) => [row.tensor, `[${row.shape.join(", ")}]`, String(row.rank), `${(100 * row.energyKept).toFixed(6)}%`, f(row.errorRelative), String(row.adapterBytes), String(row.differenceBytes)]),
    ),
  ];
  for (const row of rows) {
    lines.push("", `${row.tensor}: singular values of tuned - base, the largest ${Math.min(12, row.S.length)}:`, "  " + row.S.slice(0, 12).map(f).join("  "));
  }
  if (identical.length > 0) lines.push("", `Identical in both files, skipped: ${identical.join(", ")}`);
  lines.push("", `Wrote ${written.model} (${written.bytes} bytes) and ${written.config}: r ${rank}, lora_alpha ${formatNumber(alpha, 8)}`);
  console.log(lines.join("\n"));
  return 0;
}

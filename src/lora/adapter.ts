/**
 * PEFT LoRA adapters as files hold them: the lora_A / lora_B pairs of a safetensors file, and the
 * settings of `adapter_config.json` that give each pair its scaling.
 *
 * PEFT's conventions: `<module>.lora_A.weight` is r x in, `<module>.lora_B.weight` is out x r, and the
 * update of the module's weight is dW = scaling * B A (out x in), with scaling = lora_alpha / r, or
 * lora_alpha / sqrt(r) with rsLoRA. A base weight with `fan_in_fan_out` (GPT-2's Conv1D) is stored
 * in x out, so dW is added transposed. `rank_pattern` and `alpha_pattern` override r and lora_alpha for
 * modules whose name ends with a pattern's key.
 */
import { rangeError, typeError } from "../errors.js";
import type { Matrix } from "../matrix.js";
import type { SafetensorsFile } from "../io/safetensors.js";

/** The adapter settings lowrank uses, from PEFT's `adapter_config.json`. */
export interface LoraConfig {
  /** Default rank. */
  r: number;
  /** Default lora_alpha. */
  loraAlpha: number;
  /** rsLoRA: scaling = lora_alpha / sqrt(r) instead of lora_alpha / r. */
  useRslora: boolean;
  /** Base weights stored in x out (GPT-2's Conv1D), so dW is applied transposed. */
  fanInFanOut: boolean;
  /** Per-module ranks, by module-name suffix. */
  rankPattern: Readonly<Record<string, number>>;
  /** Per-module lora_alpha, by module-name suffix. */
  alphaPattern: Readonly<Record<string, number>>;
}

/** One adapted module: its factors and their scaling. */
export interface LoraPair {
  /** Module path, e.g. `base_model.model.transformer.h.0.attn.c_attn`. */
  module: string;
  /** lora_A: r x in. */
  A: Matrix;
  /** lora_B: out x r. */
  B: Matrix;
  /** r, the shared dimension of A and B. */
  rank: number;
  /** lora_alpha in force for this module. */
  alpha: number;
  /** lora_alpha / r, or lora_alpha / sqrt(r) with rsLoRA. */
  scaling: number;
  /** True when the base weight is stored in x out. */
  fanInFanOut: boolean;
}

/** An adapter file's pairs, and the names of the tensors that are whole layers rather than factors. */
export interface LoraAdapter {
  config: LoraConfig;
  pairs: LoraPair[];
  /** Tensors that are neither lora_A nor lora_B (PEFT's `modules_to_save`, such as a classifier head). */
  wholeTensors: string[];
}

/**
 * Returns the scaling of a LoRA update: alpha / r, or alpha / sqrt(r) with rsLoRA.
 * Throws RangeError for a rank that is not a positive integer or an alpha that is not finite.
 *
 * @example
 * loraScaling(8, 16);         // 2
 * loraScaling(16, 32, true);  // 8
 */
export function loraScaling(rank: number, alpha: number, useRslora = false): number {
  if (!Number.isInteger(rank) || rank < 1) throw rangeError("loraScaling", "rank", "be a positive integer", rank);
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw rangeError("loraScaling", "alpha", "be a finite number", alpha);
  return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
}

function numberPattern(name: string, value: unknown): Record<string, number> {
  const pattern: Record<string, number> = Object.create(null);
  if (value === undefined || value === null) return pattern;
  if (typeof value !== "object" || Array.isArray(value)) throw typeError("loraConfig", name, "be an object of numbers", value);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "number" || !Number.isFinite(entry)) throw typeError("loraConfig", `${name}.${key}`, "be a number", entry);
    pattern[key] = entry;
  }
  return pattern;
}

/**
 * Reads the settings lowrank needs from a PEFT `adapter_config.json`, given as its text or parsed.
 * Missing fields take PEFT's defaults (r 8, lora_alpha 8, no rsLoRA, no fan_in_fan_out).
 * Throws TypeError for a value of the wrong type, RangeError for a rank that is not a positive integer.
 *
 * @example
 * const config = loraConfig(await readFile("adapter_config.json", "utf8"));
 */
export function loraConfig(json: string | object): LoraConfig {
  const parsed: unknown = typeof json === "string" ? JSON.parse(json) : json;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw typeError("loraConfig", "json", "be a PEFT adapter_config.json object", parsed);
  }
  const source = parsed as Record<string, unknown>;
  const r = source.r ?? 8;
  const loraAlpha = source.lora_alpha ?? 8;
  if (typeof r !== "number" || !Number.isInteger(r) || r < 1) throw rangeError("loraConfig", "r", "be a positive integer", r);
  if (typeof loraAlpha !== "number" || !Number.isFinite(loraAlpha)) throw typeError("loraConfig", "lora_alpha", "be a number", loraAlpha);
  const useRslora = source.use_rslora ?? false;
  const fanInFanOut = source.fan_in_fan_out ?? false;
  if (typeof useRslora !== "boolean") throw typeError("loraConfig", "use_rslora", "be a boolean", useRslora);
  if (typeof fanInFanOut !== "boolean") throw typeError("loraConfig", "fan_in_fan_out", "be a boolean", fanInFanOut);
  return {
    r,
    loraAlpha,
    useRslora,
    fanInFanOut,
    rankPattern: numberPattern("rank_pattern", source.rank_pattern),
    alphaPattern: numberPattern("alpha_pattern", source.alpha_pattern),
  };
}

/** Returns the pattern value whose key is the module name or a dot-separated suffix of it. */
function patternValue(pattern: Readonly<Record<string, number>>, module: string): number | undefined {
  for (const [key, value] of Object.entries(pattern)) {
    if (module === key || module.endsWith(`.${key}`)) return value;
  }
  return undefined;
}

const FACTOR_SUFFIX = /\.lora_([AB])(?:\.[^.]+)?\.weight$/;

/**
 * Collects the lora_A / lora_B pairs of an adapter file and gives each its scaling from `config`
 * (`loraConfig(...)`; PEFT's defaults when absent, which are rarely right: pass the file's config).
 * Factors must be F32 or F64; the matrices share the file's bytes where alignment allows.
 * Throws TypeError for factors of another dtype, RangeError for a lora_A without its lora_B (or the
 * reverse) and for shapes that do not agree (A must be r x in and B out x r).
 *
 * @example
 * const adapter = readLoraAdapter(readSafetensors(bytes), loraConfig(configText));
 * for (const pair of adapter.pairs) console.log(pair.module, pair.rank, pair.scaling);
 */
export function readLoraAdapter(file: SafetensorsFile, config?: LoraConfig): LoraAdapter {
  const settings = config ?? loraConfig({});
  const factors = new Map<string, { A?: string; B?: string }>();
  const wholeTensors: string[] = [];
  for (const name of file.names) {
    const match = FACTOR_SUFFIX.exec(name);
    if (match === null) {
      wholeTensors.push(name);
      continue;
    }
    const module = name.slice(0, match.index);
    const entry = factors.get(module) ?? {};
    entry[match[1] as "A" | "B"] = name;
    factors.set(module, entry);
  }

  const pairs: LoraPair[] = [];
  for (const [module, names] of factors) {
    if (names.A === undefined || names.B === undefined) {
      throw rangeError("readLoraAdapter", "file", `have both lora_A and lora_B for module ${module}`, names.A ?? names.B);
    }
    const A = factorMatrix(file, names.A);
    const B = factorMatrix(file, names.B);
    if (A.rows !== B.cols) {
      throw rangeError("readLoraAdapter", names.B, `have ${A.rows} columns, the rank of ${names.A} (${A.rows}x${A.cols})`, `${B.rows}x${B.cols}`);
    }
    const key = module.replace(/^base_model\.model\./, "");
    const rank = A.rows;
    const configuredRank = patternValue(settings.rankPattern, key) ?? settings.r;
    if (rank !== configuredRank) {
      throw rangeError("readLoraAdapter", names.A, `have ${configuredRank} rows, the rank the config gives module ${key}`, `${A.rows}x${A.cols}`);
    }
    const alpha = patternValue(settings.alphaPattern, key) ?? settings.loraAlpha;
    pairs.push({ module, A, B, rank, alpha, scaling: loraScaling(rank, alpha, settings.useRslora), fanInFanOut: settings.fanInFanOut });
  }
  return { config: settings, pairs, wholeTensors };
}

function factorMatrix(file: SafetensorsFile, name: string): Matrix {
  const tensor = file.tensor(name);
  if (tensor.shape.length !== 2) {
    throw rangeError("readLoraAdapter", name, "be a 2-D tensor", `shape [${tensor.shape.join(", ")}]`);
  }
  if (!(tensor.data instanceof Float32Array) && !(tensor.data instanceof Float64Array)) {
    throw typeError("readLoraAdapter", name, "be an F32 or F64 tensor (convert F16/BF16 factors first)", tensor.dtype);
  }
  return { rows: tensor.shape[0]!, cols: tensor.shape[1]!, data: tensor.data };
}

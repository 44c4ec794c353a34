// Runs `lowrank lora resize` and `lowrank lora extract` (built, as a child process) on a trained
// adapter and on the Silero weights against a copy with a planted rank-8 change, and compares the
// figures with numpy's (scripts/fixtures/make_cli_fixtures.py).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import reference from "../fixtures/cli-reference.json" with { type: "json" };
import { expectFailure, json, lowrank } from "../helpers/cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DATA = join(ROOT, "test", "fixtures", "data");
const SILERO = join(DATA, "silero_vad_v5.safetensors");
const PLANTED = join(ROOT, reference.extract.file);
const GPT2 = "deepbiolab__gpt2-classification-peft";

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "lowrank-cli-lora-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("lowrank lora --help", () => {
  it("describes both subcommands", async () => {
    const cases: Array<[string[], string]> = [
      [["lora", "--help"], "extract BASE TUNED --rank R -o OUT"],
      [["lora", "resize", "--help"], "keeps its scaling"],
      [["lora", "extract", "-h"], "--alpha A"],
      [["--help"], "lora resize ADAPTER"],
    ];
    for (const [args, text] of cases) {
      const { stdout, code } = await lowrank(...args);
      expect(code, args.join(" ")).toBe(0);
      expect(stdout).toContain(text);
    }
  });
});

describe("lowrank lora resize", () => {
  const pairs = reference.inspect[GPT2].pairs as Record<string, { rank: number; scaling: number; S: number[]; energyKept: number[] }>;

  it("keeps each pair's scaling and numpy's energy", async () => {
    const out = join(scratch, "gpt2-r4");
    const report = await json("lora", "resize", join(DATA, "lora", GPT2), "--rank", "4", "-o", out);
    expect(report.pairs).toHaveLength(Object.keys(pairs).length);
    for (const pair of report.pairs) {
      const numpy = pairs[pair.module]!;
      expect(pair.rankBefore).toBe(8);
      expect(pair.rank).toBe(4);
      expect(pair.scaling).toBeCloseTo(numpy.scaling, 12);
      expect(pair.S, pair.module).toBeCloseArray(numpy.S, { atol: 1e-10 * numpy.S[0]! });
      expect(pair.energyKept, pair.module).toBeCloseTo(numpy.energyKept[3]!, 10);
    }

    const config = JSON.parse(await readFile(join(out, "adapter_config.json"), "utf8"));
    expect(config.r).toBe(4);
    expect(config.lora_alpha).toBe(16);
    expect(config.target_modules).toEqual(["c_proj", "c_attn"]);
  });

  it("writes an adapter that inspect reads back", async () => {
    const out = join(scratch, "gpt2-r2");
    await json("lora", "resize", join(DATA, "lora", GPT2), "--rank", "2", "-o", out);
    const report = await json("inspect", out);
    expect(report.lora.r).toBe(2);
    expect(report.lora.loraAlpha).toBe(8);
    expect(report.lora.wholeTensors).toEqual(["base_model.model.score.weight"]);
    for (const pair of report.lora.pairs) {
      const numpy = pairs[pair.module]!;
      expect(pair.rank).toBe(2);
      expect(pair.scaling).toBe(4);
      // The factors are float32, so the kept singular values agree to float32 rounding.
      expect(pair.S, pair.module).toBeCloseArray(numpy.S.slice(0, 2), { rtol: 1e-5 });
    }
  });

  it("prints a table for a person", async () => {
    const out = join(scratch, "distilbert.safetensors");
    const { stdout, code } = await lowrank("lora", "resize", join(DATA, "lora", "selvintuscano__distilbert-lora-finetune-amazon-polarity"), "--rank", "2", "-o", out);
    expect(code).toBe(0);
    expect(stdout).toContain("Modules under base_model.model.distilbert.transformer.layer.:");
    expect(stdout).toMatch(/\n0\.attention\.q_lin\s+768 x 768\s+4\s+2\s+8\s+75\.1\d\d%/);
    expect(stdout).toContain(`and ${join(scratch, "adapter_config.json")}: r 2, lora_alpha 16`);
  });

  it("rejects a rank out of range and missing options", async () => {
    await expectFailure(2, /--rank must be from 1 to 8, the smallest rank in the adapter, received 9/, "lora", "resize", join(DATA, "lora", GPT2), "--rank", "9", "-o", scratch);
    await expectFailure(2, /--rank must be at least 1, received 0/, "lora", "resize", join(DATA, "lora", GPT2), "--rank", "0", "-o", scratch);
    await expectFailure(2, /-o OUT is required/, "lora", "resize", join(DATA, "lora", GPT2), "--rank", "2");
    await expectFailure(2, /--rank R is required/, "lora", "resize", join(DATA, "lora", GPT2), "-o", scratch);
    await expectFailure(2, /is a \.npy file, not a LoRA adapter/, "lora", "resize", join(DATA, "camera_512x512.npy"), "--rank", "2", "-o", scratch);
    await expectFailure(2, /unknown command "shrink"/, "lora", "shrink");
    await expectFailure(1, /cannot read .*nowhere: no such file/, "lora", "resize", join(scratch, "nowhere"), "--rank", "2", "-o", scratch);
  });
});

describe("lowrank lora extract", () => {
  const expected = reference.extract;

  it("finds the planted rank-8 change", async () => {
    const out = join(scratch, "extracted");
    const report = await json("lora", "extract", SILERO, PLANTED, "--rank", "8", "-o", out);
    expect(report.identical).toEqual(expected.identical);
    expect(report.tensors).toHaveLength(1);
    const tensor = report.tensors[0];
    expect(tensor.tensor).toBe(expected.tensor);
    expect(tensor.S).toBeCloseArray(expected.S, { atol: 1e-12 * expected.S[0]! });
    expect(tensor.energyKept).toBeCloseTo(expected.energyKept[7]!, 12);
    expect(tensor.errorFrobenius).toBeCloseTo(expected.errorFrobenius[8]!, 12);
    expect(tensor.adapterBytes).toBe(8 * (512 + 128) * 4);

    const inspected = await json("inspect", out);
    expect(inspected.lora.pairs).toHaveLength(1);
    expect(inspected.lora.pairs[0].module).toBe("base_model.model.decoder.rnn.weight_hh");
    expect(inspected.lora.pairs[0].scaling).toBe(1);
    expect(inspected.lora.pairs[0].S).toBeCloseArray(expected.S.slice(0, 8), { rtol: 1e-5 });
  });

  it("--rank 4 and --alpha keep numpy's share", async () => {
    const out = join(scratch, "extracted-r4.safetensors");
    const report = await json("lora", "extract", SILERO, PLANTED, "--rank", "4", "--alpha", "8", "--tensor", "decoder.rnn.weight_hh", "-o", out);
    expect(report.tensors[0].scaling).toBe(2);
    expect(report.tensors[0].energyKept).toBeCloseTo(expected.energyKept[3]!, 12);
    const config = JSON.parse(await readFile(join(scratch, "adapter_config.json"), "utf8"));
    expect(config).toMatchObject({ r: 4, lora_alpha: 8, target_modules: ["decoder.rnn.weight_hh"] });
  });

  it("rejects a rank out of range, a wrong tensor and identical files", async () => {
    await expectFailure(2, /--rank must be from 1 to 128 for decoder\.rnn\.weight_hh \(512 x 128\), received 200/, "lora", "extract", SILERO, PLANTED, "--rank", "200", "-o", scratch);
    await expectFailure(2, /no tensor "w" in/, "lora", "extract", SILERO, PLANTED, "--rank", "2", "--tensor", "w", "-o", scratch);
    await expectFailure(1, /no tensor of 2 or more dimensions differs/, "lora", "extract", SILERO, SILERO, "--rank", "2", "-o", scratch);
    await expectFailure(2, /missing TUNED/, "lora", "extract", SILERO, "--rank", "2", "-o", scratch);
  });
});

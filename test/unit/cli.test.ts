// Runs the built command line (npm run build first) as a child process, as a user would, on the
// article's walk-through, the real files of test/fixtures/data and broken files. The --json figures
// are compared with numpy's (scripts/fixtures/make_cli_fixtures.py).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import reference from "../fixtures/cli-reference.json" with { type: "json" };
import { expectFailure, json, lowrank } from "../helpers/cli.js";
import walkthrough from "../fixtures/seed-walkthrough.json" with { type: "json" };

const DATA = fileURLToPath(new URL("../fixtures/data/", import.meta.url));
const SILERO = join(DATA, "silero_vad_v5.safetensors");
const CAMERA = join(DATA, "camera_512x512.npy");
const ADAPTERS = Object.keys(reference.inspect);

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "lowrank-cli-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("lowrank demo", () => {
  it("--json matches numpy's walk-through", async () => {
    const report = await json("demo");
    const expected = reference.demo;
    expect(report.seed).toBe(69);
    expect(report.shape).toEqual(walkthrough.shape);
    expect(Float64Array.from(report.W.flat())).toEqualBits(Float64Array.from(walkthrough.W.flat()));
    expect(report.S).toBeCloseArray(walkthrough.S, { rtol: 1e-13, atol: 1e-14 });
    expect(report.BA.flat()).toBeCloseArray(walkthrough.BA.flat(), { rtol: 1e-12, atol: 1e-13 });
    expect(report.error.frobenius).toBeCloseTo(walkthrough.error_fro, 12);
    expect(report.error.relative).toBeCloseTo(walkthrough.relative_error, 12);
    expect(report.parameters).toEqual(expected.parameters);
    expect(report.WFloat16Bits).toEqual(walkthrough.W_float16_bits_uint16.flat());
  });

  it("--json B and A equal numpy's up to sign", async () => {
    const report = await json("demo");
    const k = reference.demo.k;
    expect(report.B).toHaveLength(10);
    expect(report.A).toHaveLength(k);
    for (let j = 0; j < k; j++) {
      const bColumn = report.B.map((row: number[]) => row[j]);
      const expectedColumn = reference.demo.B.map((row) => row[j]!);
      const sign = Math.sign(bColumn[0]) === Math.sign(expectedColumn[0]!) ? 1 : -1;
      expect(bColumn).toBeCloseArray(expectedColumn.map((x) => sign * x), { rtol: 1e-11, atol: 1e-12 });
      expect(report.A[j]).toBeCloseArray(reference.demo.A[j]!.map((x) => sign * x), { rtol: 1e-11, atol: 1e-12 });
    }
  });

  it("--json sizes and round-trip errors match numpy", async () => {
    const report = await json("demo");
    expect(report.formats.map((f: { format: string }) => f.format)).toEqual(reference.demo.formats.map((f) => f.format));
    for (const expected of reference.demo.formats) {
      const row = report.formats.find((f: { format: string }) => f.format === expected.format);
      expect(row.bytes, expected.format).toBe(expected.bytes);
      expect(row.kilobytes, expected.format).toBe(expected.kilobytes);
      expect([row.errorFrobenius, row.errorRelative, row.errorMaxAbs], expected.format).toBeCloseArray(
        [expected.errorFrobenius, expected.errorRelative, expected.errorMaxAbs],
        { rtol: 1e-12 },
      );
    }
    const float64 = report.formats.find((f: { format: string }) => f.format === "float64");
    expect(float64.bytes).toBe(walkthrough.sizes.W_float64_bytes);
    const float16 = report.formats.find((f: { format: string }) => f.format === "float16");
    expect(float16.bytes).toBe(walkthrough.sizes.W_float16_bytes);
    expect(float16.errorFrobenius).toBeCloseTo(walkthrough.W_float16_roundtrip_error_fro, 15);
  });

  it("--json rank table matches numpy's reconstructions", async () => {
    const report = await json("demo");
    expect(report.ranks.map((row: { k: number }) => row.k)).toEqual(reference.demo.ranks.map((row) => row.k));
    expect(report.ranks.map((row: { parameters: number }) => row.parameters)).toEqual(reference.demo.ranks.map((row) => row.parameters));
    expect(report.ranks.map((row: { errorFrobenius: number }) => row.errorFrobenius)).toBeCloseArray(
      reference.demo.ranks.map((row) => row.errorFrobenius),
      { rtol: 1e-12, atol: 1e-13 },
    );
  });

  it("prints the walk-through for a person", async () => {
    const { stdout, stderr, code } = await lowrank("demo");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("np.random.seed(69); W = np.random.randn(10, 10)");
    expect(stdout).toContain("0.9155071");
    expect(stdout).toContain("6.5081302  5.2080556");
    expect(stdout).toContain("B = U_k (10 x 4):");
    expect(stdout).toContain("A = S_k V_k^T (4 x 10):");
    expect(stdout).toContain("W has 100, B and A have 80");
    expect(stdout).toContain("||W - B A||_F = 4.7698685");
    expect(stdout).toMatch(/float64\s+800\s+0\.78125\s+64\s+0\s/);
    expect(stdout).toMatch(/float16\s+200\s+0\.1953125\s+16\s+0\.0021318828\s/);
    expect(stdout).toMatch(/nf4\s+58\s+0\.056640625\s+4\.64\s/);
    expect(stdout).toMatch(/\n\s+4\s+80\s+4\.7698685\s+0\.42852409\s/);
  });

  it("--seed, --size and --rank change the walk-through", async () => {
    const report = await json("demo", "--seed", "1", "--size", "6", "--rank", "2");
    expect(report.seed).toBe(1);
    expect(report.shape).toEqual([6, 6]);
    expect(report.B[0]).toHaveLength(2);
    expect(report.parameters).toEqual({ W: 36, BA: 24 });
  });

  it("bad arguments exit 2 with one line", async () => {
    await expectFailure(2, /--size must be an integer/, "demo", "--size", "x");
    await expectFailure(2, /unknown option --bogus/, "demo", "--bogus");
    await expectFailure(2, /unknown command "frobnicate"/, "frobnicate");
    await expectFailure(2, /--size must be from 1 to 512, received 0/, "demo", "--size", "0");
    await expectFailure(2, /--rank must be from 1 to 10, received 11/, "demo", "--rank", "11");
    await expectFailure(2, /option --seed needs a value/, "demo", "--seed");
  });
});

describe("lowrank --help", () => {
  it("every command describes its options and exits 0", async () => {
    const cases: Array<[string[], string]> = [
      [["--help"], "Commands:"],
      [["demo", "--help"], "--seed N"],
      [["inspect", "--help"], "adapter_config.json"],
      [["rank", "-h"], "--energy F"],
      [["quantize", "--help"], "--block N"],
    ];
    for (const [args, text] of cases) {
      const { stdout, code } = await lowrank(...args);
      expect(code, args.join(" ")).toBe(0);
      expect(stdout).toContain(text);
    }
  });

  it("no command prints the usage and exits 2", async () => {
    const { stdout, code } = await lowrank();
    expect(code).toBe(2);
    expect(stdout).toContain("Usage: lowrank <command>");
  });
});

describe("lowrank inspect", () => {
  it("lists the Silero tensors", async () => {
    const report = await json("inspect", SILERO);
    expect(report.kind).toBe("safetensors");
    expect(report.tensors.map((t: { name: string; dtype: string; shape: number[]; bytes: number }) => [t.name, t.dtype, t.shape, t.bytes])).toEqual([
      ["decoder.rnn.weight_hh", "F32", [512, 128], 262144],
      ["encoder.0.reparam_conv.weight", "F32", [128, 129, 3], 198144],
    ]);
    expect(report.totals).toEqual({ tensors: 2, parameters: 115072, bytes: 460288 });
    expect(report.metadata.source).toContain("Silero");
    expect(report.lora).toBeUndefined();

    const { stdout } = await lowrank("inspect", SILERO);
    expect(stdout).toMatch(/encoder\.0\.reparam_conv\.weight\s+F32\s+\[128, 129, 3\]\s+198144/);
  });

  it("lists a .npy array", async () => {
    const report = await json("inspect", CAMERA);
    expect(report.kind).toBe("npy");
    expect(report.tensors).toEqual([{ name: "camera_512x512", dtype: "u1", shape: [512, 512], bytes: 262144, parameters: 262144 }]);
  });

  it.each(ADAPTERS)("matches numpy on the adapter %s", async (name) => {
    const expected = reference.inspect[name as keyof typeof reference.inspect];
    const report = await json("inspect", join(DATA, "lora", name));
    expect(report.totals).toEqual({ tensors: expected.tensors, parameters: expected.parameters, bytes: expected.bytes });
    expect(report.lora.config).toMatch(/adapter_config\.json$/);
    const pairs = expected.pairs as Record<string, { rank: number; scaling: number; S: number[]; energyKept: number[] }>;
    expect(report.lora.pairs).toHaveLength(Object.keys(pairs).length);
    for (const pair of report.lora.pairs) {
      const numpy = pairs[pair.module]!;
      expect(pair.rank, pair.module).toBe(numpy.rank);
      expect(pair.scaling, pair.module).toBe(numpy.scaling);
      // Tolerance relative to the largest singular value: the small ones carry the rounding of the largest.
      expect(pair.S, pair.module).toBeCloseArray(numpy.S, { atol: 1e-10 * numpy.S[0]! });
      expect(pair.energyKept, pair.module).toBeCloseArray(numpy.energyKept, { atol: 1e-10 });
    }
  });

  it("prints each pair's rank, scaling and energy for a person", async () => {
    const { stdout, code } = await lowrank("inspect", join(DATA, "lora", "selvintuscano__distilbert-lora-finetune-amazon-polarity", "adapter_model.safetensors"));
    expect(code).toBe(0);
    expect(stdout).toContain("LoRA adapter: 6 pairs");
    expect(stdout).toMatch(/r 4, lora_alpha 32/);
    expect(stdout).toMatch(/0\.attention\.q_lin\s+768 x 768\s+4\s+32\s+8\s/);
    expect(stdout).toMatch(/k=1\s+k=2\s+k=3\s+k=4/);
    expect(stdout).toContain("Whole tensors (not LoRA factors): base_model.model.classifier.bias");
  });

  it("takes PEFT's defaults without adapter_config.json", async () => {
    const copy = join(scratch, "adapter-without-config.safetensors");
    await writeFile(copy, await readFile(join(DATA, "lora", "codebykarthick__summarisation-fine-tuning", "adapter_model.safetensors")));
    const report = await json("inspect", copy);
    expect(report.lora.config).toBeNull();
    expect(report.lora.pairs[0].scaling).toBe(1);
  });
});

describe("lowrank rank", () => {
  it("--json matches numpy on the Silero weights", async () => {
    const report = await json("rank", SILERO);
    expect(report.tensors).toHaveLength(2);
    for (const [i, expected] of reference.rank.silero.entries()) {
      const tensor = report.tensors[i];
      expect(tensor.name).toBe(expected.name);
      expect(tensor.matrix).toEqual(expected.matrix);
      expect(tensor.S).toBeCloseArray(expected.S, { atol: 1e-11 * expected.S[0]! });
      expect(tensor.chosen.k).toBe(expected.chosen);
      expect(tensor.chosen.by).toBe("energy");
      expect(tensor.ranks.map((r: { k: number; parameters: number; bytes: number; bytesSaved: number }) => [r.k, r.parameters, r.bytes, r.bytesSaved])).toEqual(
        expected.ranks.map((r) => [r.k, r.parameters, r.bytes, r.bytesSaved]),
      );
      expect(tensor.ranks.map((r: { errorFrobenius: number }) => r.errorFrobenius)).toBeCloseArray(
        expected.ranks.map((r) => r.errorFrobenius),
        { atol: 1e-10 * expected.S[0]! },
      );
    }
  });

  it("--tensor and --rank choose one matrix and rank", async () => {
    const expected = reference.rank.sileroConvRank32;
    const report = await json("rank", SILERO, "--tensor", "encoder.0.reparam_conv.weight", "--rank", "32");
    expect(report.tensors).toHaveLength(1);
    const tensor = report.tensors[0];
    expect(tensor.shape).toEqual([128, 129, 3]);
    expect(tensor.matrix).toEqual([128, 387]);
    expect(tensor.chosen.k).toBe(32);
    expect(tensor.chosen.by).toBe("rank");
    const row = expected.ranks.find((r) => r.k === 32)!;
    expect(tensor.chosen.bytesSaved).toBe(row.bytesSaved);
    expect(tensor.chosen.errorRelative).toBeCloseTo(row.errorRelative, 10);
  });

  it("--energy on the camera image", async () => {
    const expected = reference.rank.camera;
    const report = await json("rank", CAMERA, "--energy", "0.9");
    const tensor = report.tensors[0];
    expect(tensor.S).toBeCloseArray(expected.S, { atol: 1e-11 * expected.S[0]! });
    expect(tensor.chosen.k).toBe(expected.chosen);
    expect(tensor.ranks.map((r: { bytesSaved: number }) => r.bytesSaved)).toEqual(expected.ranks.map((r) => r.bytesSaved));
  });

  it("prints singular values and the table for a person", async () => {
    const { stdout, code } = await lowrank("rank", SILERO, "--tensor", "decoder.rnn.weight_hh");
    expect(code).toBe(0);
    expect(stdout).toContain("decoder.rnn.weight_hh: F32 [512, 128] as a 512 x 128 matrix");
    expect(stdout).toMatch(/^\s+22\.63592\s+19\.61191/m);
    expect(stdout).toMatch(/\n\s+114\s+72960\s+291840\s+-29696\s.*<- chosen/);
    expect(stdout).toContain("Chosen: rank 114, the smallest rank keeping 99% of the energy");
  });

  it("rejects a wrong tensor name, a rank out of range and bad criteria", async () => {
    await expectFailure(2, /no tensor "nope" in .*silero_vad_v5\.safetensors; it has decoder\.rnn\.weight_hh/, "rank", SILERO, "--tensor", "nope");
    await expectFailure(2, /--rank must be from 1 to 128 for encoder\.0\.reparam_conv\.weight \(128 x 387\), received 200/, "rank", SILERO, "--tensor", "encoder.0.reparam_conv.weight", "--rank", "200");
    await expectFailure(2, /--rank must be at least 1, received 0/, "rank", SILERO, "--rank", "0");
    await expectFailure(2, /--energy must be a fraction above 0 and at most 1, received 1\.5/, "rank", SILERO, "--energy", "1.5");
    await expectFailure(2, /give --energy or --rank, not both/, "rank", SILERO, "--energy", "0.9", "--rank", "3");
    await expectFailure(2, /missing FILE/, "rank");
  });
});

describe("lowrank quantize", () => {
  function compare(rows: any[], expected: typeof reference.quantize.block64): void {
    expect(rows).toHaveLength(expected.length);
    for (const numpy of expected) {
      const row = rows.find((r) => r.tensor === numpy.tensor && r.format === numpy.format);
      const label = `${numpy.tensor} ${numpy.format}`;
      expect(row.bytes, label).toBe(numpy.bytes);
      // Relative 1e-6: numpy dequantizes int8 in float64, lowrank in float32 like the input.
      expect([row.errorFrobenius, row.errorRelative, row.errorMaxAbs], label).toBeCloseArray(
        [numpy.errorFrobenius, numpy.errorRelative, numpy.errorMaxAbs],
        { rtol: 1e-6 },
      );
    }
  }

  it("--json matches numpy on the Silero weights", async () => {
    const report = await json("quantize", SILERO);
    compare(report.rows, reference.quantize.block64);
    const nf4 = report.totals.find((t: { format: string }) => t.format === "nf4");
    expect(nf4.originalBytes).toBe(460288);
  });

  it("--block 128 matches numpy", async () => {
    const report = await json("quantize", SILERO, "--block", "128");
    compare(report.rows, reference.quantize.block128);
  });

  it("prints a table per tensor and format", async () => {
    const { stdout, code } = await lowrank("quantize", SILERO, "--format", "nf4");
    expect(code).toBe(0);
    expect(stdout).toMatch(/decoder\.rnn\.weight_hh\s+\[512, 128\]\s+nf4\s+36864\s+4\.5\s/);
    expect(stdout).toContain("All 2 tensors (460288 bytes as stored):");
    expect(stdout).not.toContain("fp4");
  });

  it.each(["f16", "bf16", "int8", "nf4", "fp4"])("-o writes %s that lowrank reads back", async (format) => {
    const out = join(scratch, `silero-${format}.safetensors`);
    const written = await json("quantize", SILERO, "--format", format, "-o", out);
    expect(written.output).toEqual({ path: out, format, bytes: (await readFile(out)).length });

    const inspected = await json("inspect", out);
    expect(inspected.tensors.map((t: { name: string }) => t.name)).toEqual(["decoder.rnn.weight_hh", "encoder.0.reparam_conv.weight"]);
    for (const tensor of inspected.tensors) expect(tensor.quantized.format).toBe(format);
    expect(inspected.tensors[1].quantized.shape).toEqual([128, 129, 3]);
    expect(inspected.totals.bytes).toBe(written.totals[0].bytes);

    // Quantizing the file again to f16 measures its decoded values against their own f16 rounding:
    // the decoded tensors have the original shapes, and rank reads them as matrices.
    const again = await json("quantize", out, "--format", "f16");
    expect(again.rows.map((r: { shape: number[] }) => r.shape)).toEqual([[512, 128], [128, 129, 3]]);
    const ranked = await json("rank", out, "--tensor", "encoder.0.reparam_conv.weight", "--rank", "8");
    expect(ranked.tensors[0].matrix).toEqual([128, 387]);
  });

  it("rejects a bad format, block and tensor", async () => {
    await expectFailure(2, /--format must be one of f16, bf16, int8, nf4, fp4, received "q3"/, "quantize", SILERO, "--format", "q3");
    await expectFailure(2, /--block must be from 1 to 1048576, received 0/, "quantize", SILERO, "--block", "0");
    await expectFailure(2, /--block applies to int8, nf4 and fp4, not f16/, "quantize", SILERO, "--format", "f16", "--block", "32");
    await expectFailure(2, /no tensor "w" in/, "quantize", SILERO, "--tensor", "w");
    await expectFailure(1, /cannot write .*: /, "quantize", SILERO, "-o", join(scratch, "no-such-folder", "out.safetensors"));
  });
});

describe("broken files", () => {
  it("a missing file exits 1", async () => {
    for (const command of ["inspect", "rank", "quantize"]) {
      await expectFailure(1, /cannot read .*missing\.safetensors: no such file/, command, join(scratch, "missing.safetensors"));
    }
  });

  it("a truncated safetensors file exits 1 naming the problem", async () => {
    const bytes = await readFile(SILERO);
    const truncated = join(scratch, "truncated.safetensors");
    await writeFile(truncated, bytes.subarray(0, 300_000));
    for (const command of ["inspect", "rank", "quantize"]) {
      await expectFailure(1, /truncated\.safetensors: safetensors: .*past the end/, command, truncated);
    }
    const header = join(scratch, "header.safetensors");
    await writeFile(header, bytes.subarray(0, 4));
    await expectFailure(1, /too short for the 8-byte header length/, "inspect", header);
  });

  it("a truncated .npy file exits 1", async () => {
    const truncated = join(scratch, "truncated.npy");
    await writeFile(truncated, (await readFile(CAMERA)).subarray(0, 1000));
    await expectFailure(1, /truncated\.npy: \.npy: /, "rank", truncated);
  });

  it("a directory without an adapter, and a corrupted quantization note, exit 1", async () => {
    await expectFailure(1, /it is a directory|no such file/, "rank", scratch);
    const out = join(scratch, "note.safetensors");
    await lowrank("quantize", SILERO, "--format", "nf4", "-o", out);
    const bytes = await readFile(out);
    // Rename the companion tensor in the header (same length), so the note points at a missing tensor.
    const broken = Buffer.from(bytes.toString("latin1").replace('"decoder.rnn.weight_hh.absmax"', '"decoder.rnn.weight_hh.absmix"'), "latin1");
    await writeFile(out, broken);
    await expectFailure(1, /"decoder\.rnn\.weight_hh\.absmax" is missing/, "inspect", out);
  });
});

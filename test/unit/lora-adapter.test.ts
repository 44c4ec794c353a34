import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "../../src/io/safetensors.js";
import { loraConfig, loraScaling, readLoraAdapter } from "../../src/lora/adapter.js";
import reference from "../fixtures/lora-reference.json" with { type: "json" };

const ADAPTERS = new URL("../fixtures/data/lora/", import.meta.url);

async function openAdapter(folder: string) {
  const bytes = await readFile(new URL(`${folder}/adapter_model.safetensors`, ADAPTERS));
  const config = loraConfig(await readFile(new URL(`${folder}/adapter_config.json`, ADAPTERS), "utf8"));
  return readLoraAdapter(readSafetensors(bytes), config);
}

describe("readLoraAdapter", () => {
  for (const [folder, expected] of Object.entries(reference.adapters)) {
    it(`pairs and scales ${folder.split("__")[0]}`, async () => {
      const adapter = await openAdapter(folder);
      expect(adapter.config.r).toBe(expected.r);
      expect(adapter.config.fanInFanOut).toBe(expected.fanInFanOut);
      expect(adapter.wholeTensors.sort()).toEqual([...expected.wholeTensors].sort());
      expect(adapter.pairs.map((pair) => pair.module).sort()).toEqual(Object.keys(expected.pairs).sort());
      for (const pair of adapter.pairs) {
        const wanted = expected.pairs[pair.module as keyof typeof expected.pairs] as { shapeA: number[]; shapeB: number[]; rank: number; scaling: number };
        expect([pair.A.rows, pair.A.cols]).toEqual(wanted.shapeA);
        expect([pair.B.rows, pair.B.cols]).toEqual(wanted.shapeB);
        expect(pair.rank).toBe(wanted.rank);
        expect(pair.scaling).toBe(wanted.scaling);
        expect(pair.A.data).toBeInstanceOf(Float32Array);
      }
    });
  }
});

describe("loraConfig and loraScaling", () => {
  it("applies PEFT defaults and rsLoRA", () => {
    expect(loraConfig({})).toMatchObject({ r: 8, loraAlpha: 8, useRslora: false, fanInFanOut: false });
    expect(loraScaling(8, 16)).toBe(2);
    expect(loraScaling(16, 32, true)).toBe(8);
  });

  it("rejects malformed settings", () => {
    expect(() => loraConfig({ r: 0 })).toThrow(/r must be a positive integer, received 0/);
    expect(() => loraConfig({ lora_alpha: "16" })).toThrow(TypeError);
    expect(() => loraConfig({ use_rslora: "yes" })).toThrow(/use_rslora must be a boolean/);
    expect(() => loraConfig("[1]")).toThrow(TypeError);
    expect(() => loraScaling(2.5, 1)).toThrow(RangeError);
  });

  it("checks the rank against the config", async () => {
    const folder = "codebykarthick__summarisation-fine-tuning";
    const bytes = await readFile(new URL(`${folder}/adapter_model.safetensors`, ADAPTERS));
    expect(() => readLoraAdapter(readSafetensors(bytes), loraConfig({ r: 4, lora_alpha: 16 }))).toThrow(/have 4 rows, the rank the config gives module/);
    const adapter = readLoraAdapter(readSafetensors(bytes), loraConfig({ r: 4, lora_alpha: 16, rank_pattern: { q: 8, v: 8 }, alpha_pattern: { q: 32 } }));
    const query = adapter.pairs.find((pair) => pair.module.endsWith(".q"))!;
    expect(query.scaling).toBe(4);
  });
});

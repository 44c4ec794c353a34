// The demo page in Chromium: it loads the best build, runs the walk-through, redraws the photograph
// when the rank changes, analyses a dropped file, and leaves a screenshot in test-artifacts/.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import walkthrough from "../fixtures/seed-walkthrough.json" with { type: "json" };
import { openBrowser, type BrowserSession, type Page } from "./chromium.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const SILERO = fileURLToPath(new URL("../fixtures/data/silero_vad_v5.safetensors", import.meta.url));

let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  session = await openBrowser();
  page = await session.newPage("/demo/");
  await page.setViewportSize({ width: 1200, height: 1800 });
  await page.waitForFunction(() => document.body.dataset.ready !== undefined, null, { timeout: 90_000 });
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe("demo page", () => {
  it("loads the relaxed-simd build in a worker", async () => {
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe("true");
    expect(await page.textContent("#backend")).toBe("relaxed-simd");
  });

  it("shows the walk-through error at rank 4", async () => {
    const cells = await page.$$eval("#walkthrough-table tbody tr", (rows) => rows.map((row) => Array.from((row as HTMLTableRowElement).cells, (cell) => cell.textContent)));
    expect(cells).toHaveLength(10);
    const rankFour = cells[3]!;
    expect(rankFour[0]).toBe("4");
    expect(rankFour[1]).toBe("80");
    expect(Number(rankFour[2])).toBe(Number(walkthrough.error_fro.toPrecision(6)));
  });

  it("redraws the photograph when the rank changes", async () => {
    expect(await page.evaluate(() => document.body.dataset.cameraRank)).toBe("16");
    await page.fill("#rank", "64");
    await page.waitForFunction(() => document.body.dataset.cameraRank === "64");
    const stats = await page.textContent("#camera-stats");
    expect(stats).toContain("64");
    const pixel = await page.evaluate(() => {
      const canvas = document.getElementById("camera-canvas") as HTMLCanvasElement;
      return Array.from(canvas.getContext("2d")!.getImageData(100, 100, 1, 1).data);
    });
    expect(pixel[3]).toBe(255);
  });

  it("analyses a dropped safetensors file", async () => {
    await page.setInputFiles("#file-input", SILERO);
    await page.waitForFunction(() => document.body.dataset.fileDone !== undefined, null, { timeout: 90_000 });
    expect(await page.evaluate(() => document.body.dataset.fileDone)).toBe("silero_vad_v5.safetensors");
    const headings = await page.$$eval("#file-results h3", (nodes) => nodes.map((node) => node.textContent));
    expect(headings).toEqual(["decoder.rnn.weight_hh F32 [512, 128]", "encoder.0.reparam_conv.weight F32 [128, 129, 3]"]);
    expect(await page.locator("#file-results svg polyline").count()).toBe(2);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}demo.png`, fullPage: true });
  }, 120_000);
});

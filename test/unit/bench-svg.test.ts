import { describe, expect, it } from "vitest";
import { escapeXml, formatSi, lineChart, logScale, logTicks, type ChartSeries } from "../../bench/report/svg.js";
import { findAll, parseXml, type XmlElement } from "../helpers/xml.js";

const byClass = (name: string) => (element: XmlElement) => (element.attributes.class ?? "").split(" ").includes(name);

const SERIES: ChartSeries[] = [
  { name: "baseline", points: [{ x: 4096, y: 2e8 }, { x: 65536, y: 2.5e8 }, { x: 1048576, y: 2.4e8 }] },
  { name: "lowrank simd", points: [{ x: 65536, y: 1.2e9 }, { x: 4096, y: 6e8 }, { x: 1048576, y: 1.5e9, hollow: true }] },
  { name: "peer <\"A&B\">", points: [{ x: 4096, y: 1e9 }, { x: 65536, y: 1e10 }, { x: 1048576, y: 8e9 }] },
];

function chart(series = SERIES): XmlElement {
  return parseXml(lineChart({
    title: "add f64 & friends",
    xLabel: "size",
    yLabel: "values/s",
    series,
    xTickLabels: new Map([[4096, "64x64"], [65536, "256x256"], [1048576, "1024x1024"]]),
    legendNote: "hollow marker: noisy",
  }));
}

describe("logTicks", () => {
  it("uses 1, 2, 5 within three decades", () => {
    expect(logTicks(1, 1000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  });

  it("uses powers of ten beyond three decades", () => {
    expect(logTicks(0.5, 2e6)).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6]);
  });

  it("uses every mantissa within one decade", () => {
    expect(logTicks(0.25, 0.9)).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });

  it("rejects a non-positive range", () => {
    expect(() => logTicks(0, 10)).toThrow(RangeError);
    expect(() => logTicks(10, 1)).toThrow(/0 < min <= max/);
  });
});

describe("lineChart", () => {
  it("is well-formed standalone SVG", () => {
    const root = chart();
    expect(root.name).toBe("svg");
    expect(root.attributes.xmlns).toBe("http://www.w3.org/2000/svg");
    expect(root.attributes.viewBox).toMatch(/^0 0 \d+ \d+$/);
    expect(findAll(root, (element) => element.name === "title")[0]!.text).toBe("add f64 & friends");
    expect(findAll(root, (element) => element.name === "script" || element.name === "image")).toHaveLength(0);
  });

  it("draws one polyline per implementation", () => {
    const series = findAll(chart(), byClass("series"));
    expect(series.map((group) => group.attributes["data-name"])).toEqual(["baseline", "lowrank simd", 'peer <"A&B">']);
    for (const group of series) {
      const lines = group.children.filter((element) => element.name === "polyline");
      expect(lines).toHaveLength(1);
      expect(lines[0]!.attributes.points!.split(" ")).toHaveLength(3);
      expect(group.children.length - 1).toBe(3); // one marker per point
    }
    const legend = findAll(chart(), byClass("legend-entry"));
    expect(legend.map((entry) => entry.children.find((element) => element.name === "text")!.text)).toEqual(["baseline", "lowrank simd", 'peer <"A&B">']);
  });

  it("gives each series its own colour", () => {
    const colours = findAll(chart(), (element) => element.name === "polyline").map((line) => line.attributes.stroke);
    expect(new Set(colours).size).toBe(3);
  });

  it("sorts points by x", () => {
    const simd = findAll(chart(), byClass("series"))[1]!;
    const xs = simd.children.find((element) => element.name === "polyline")!.attributes.points!.split(" ").map((pair) => Number(pair.split(",")[0]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it("spaces y decades equally", () => {
    const ticks = findAll(chart(), byClass("y-tick"));
    const decades = ticks.filter((tick) => Number.isInteger(Math.log10(Number(tick.attributes["data-value"]))));
    expect(decades.map((tick) => Number(tick.attributes["data-value"]))).toEqual([1e9, 1e10]);
    const all = ticks.map((tick) => [Number(tick.attributes["data-value"]), Number(tick.attributes.y1)] as const);
    const pixel = new Map(all);
    // 2e8 -> 5e8 and 2e9 -> 5e9 cover the same log distance, so the same number of pixels.
    expect(pixel.get(2e8)! - pixel.get(5e8)!).toBeCloseTo(pixel.get(2e9)! - pixel.get(5e9)!, 0);
    // The peer's points at 1e9 and 1e10 lie on those ticks.
    const peer = findAll(chart(), byClass("series"))[2]!.children.find((element) => element.name === "polyline")!;
    const pointY = peer.attributes.points!.split(" ").map((pair) => Number(pair.split(",")[1]));
    expect(pointY.slice(0, 2)).toEqual([pixel.get(1e9), pixel.get(1e10)]);
    // Larger values sit higher (smaller y in SVG coordinates).
    for (let i = 1; i < all.length; i++) expect(all[i]![1]).toBeLessThan(all[i - 1]![1]);
  });

  it("places x ticks at the size of the points", () => {
    const root = chart();
    const ticks = findAll(root, byClass("x-tick"));
    expect(ticks.map((tick) => Number(tick.attributes["data-value"]))).toEqual([4096, 65536, 1048576]);
    const tickX = ticks.map((tick) => Number(tick.attributes.x1));
    // 4096, 65536, 1048576 are each 16 times the last: equal steps on a log axis.
    expect(tickX[1]! - tickX[0]!).toBeCloseTo(tickX[2]! - tickX[1]!, 0);
    const baseline = findAll(root, byClass("series"))[0]!.children.find((element) => element.name === "polyline")!;
    const pointX = baseline.attributes.points!.split(" ").map((pair) => Number(pair.split(",")[0]));
    expect(pointX).toEqual(tickX);
    const labels = findAll(root, (element) => element.name === "text").map((element) => element.text);
    expect(labels).toEqual(expect.arrayContaining(["64x64", "256x256", "1024x1024", "1G", "10G"]));
  });

  it("draws noisy points hollow", () => {
    const simd = findAll(chart(), byClass("series"))[1]!;
    const fills = simd.children.filter((element) => element.name !== "polyline").map((marker) => marker.attributes.fill);
    expect(fills.filter((fill) => fill === "#ffffff")).toHaveLength(1);
  });

  it("leaves out points a log axis cannot show", () => {
    const root = chart([{ name: "a", points: [{ x: 1, y: 0 }, { x: 10, y: 5 }, { x: 100, y: Number.NaN }, { x: 1000, y: 7 }] }]);
    const line = findAll(root, (element) => element.name === "polyline")[0]!;
    expect(line.attributes.points!.split(" ")).toHaveLength(2);
  });

  it("writes a valid document without data", () => {
    const root = chart([]);
    expect(findAll(root, (element) => element.name === "text").map((element) => element.text)).toContain("no data");
  });
});

describe("chart helpers", () => {
  it("maps a log scale onto pixels", () => {
    const scale = logScale(1, 100, 0, 200);
    expect(scale(1)).toBe(0);
    expect(scale(10)).toBeCloseTo(100, 10);
    expect(scale(100)).toBeCloseTo(200, 10);
  });

  it("formats ticks with SI prefixes", () => {
    expect([formatSi(2e8), formatSi(1.5e9), formatSi(0.05), formatSi(1000), formatSi(12)]).toEqual(["200M", "1.5G", "0.05", "1k", "12"]);
  });

  it("escapes the five XML characters", () => {
    expect(escapeXml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
  });
});

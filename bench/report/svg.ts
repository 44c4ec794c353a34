/**
 * A small line-chart writer for the benchmark report: both axes on a log scale, one polyline with
 * markers per series, a legend, and standalone SVG 1.1 text (no scripts, no external fonts or styles).
 */

/** One point of a series; `hollow` draws an open marker (the report uses it for noisy cases). */
export interface ChartPoint {
  x: number;
  y: number;
  hollow?: boolean;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Tick labels for x values (e.g. 65536 -> "256x256"); when given, the x ticks are exactly these values. */
  xTickLabels?: Map<number, string>;
  /** Text under the legend, e.g. what a hollow marker means. */
  legendNote?: string;
  width?: number;
  height?: number;
}

/** Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; yellow last (weak on white). */
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
const MARKERS = ["circle", "square", "triangle", "diamond"] as const;

const MARGIN = { top: 40, right: 200, bottom: 56, left: 72 };

/** Escapes text for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[character]!);
}

/** Formats a tick value with an SI prefix: 2e8 -> "200M", 1.5e9 -> "1.5G", 0.05 -> "0.05". */
export function formatSi(value: number): string {
  const prefixes: [number, string][] = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
  for (const [scale, prefix] of prefixes) {
    if (Math.abs(value) >= scale) return `${Number((value / scale).toPrecision(3))}${prefix}`;
  }
  return `${Number(value.toPrecision(3))}`;
}

/**
 * Returns tick values for a log axis over [min, max]: powers of ten, with 2 and 5 between them when the
 * range spans at most three decades, and every integer mantissa when it spans less than one decade.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max >= min)) throw new RangeError(`logTicks: min and max must satisfy 0 < min <= max; received ${min}, ${max}`);
  const decades = Math.log10(max) - Math.log10(min);
  let mantissas = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (decades > 3) mantissas = [1];
  else if (decades >= 1) mantissas = [1, 2, 5];
  const ticks: number[] = [];
  for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) {
    for (const mantissa of mantissas) {
      // Rounding through toPrecision keeps 10^-1 * 2 from printing as 0.20000000000000004.
      const value = Number((mantissa * 10 ** exponent).toPrecision(12));
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks;
}

/** Returns a log-scale mapping of [min, max] onto [start, end] pixels. */
export function logScale(min: number, max: number, start: number, end: number): (value: number) => number {
  const low = Math.log10(min);
  const span = Math.log10(max) - low;
  return (value) => start + ((Math.log10(value) - low) / span) * (end - start);
}

/** Widens [min, max] by `decades` on each side in log space (a single value becomes a range). */
function padLogDomain(min: number, max: number, decades: number): [number, number] {
  const factor = 10 ** decades;
  return [min / factor, max * factor];
}

function round(value: number): string {
  return Number(value.toFixed(1)).toString();
}

function marker(shape: (typeof MARKERS)[number], x: number, y: number, colour: string, hollow: boolean): string {
  const paint = hollow ? `fill="#ffffff" stroke="${colour}" stroke-width="1.5"` : `fill="${colour}" stroke="${colour}"`;
  const r = 4;
  switch (shape) {
    case "circle":
      return `<circle cx="${round(x)}" cy="${round(y)}" r="${r}" ${paint}/>`;
    case "square":
      return `<rect x="${round(x - r)}" y="${round(y - r)}" width="${2 * r}" height="${2 * r}" ${paint}/>`;
    case "triangle":
      return `<polygon points="${round(x)},${round(y - r - 1)} ${round(x + r + 1)},${round(y + r)} ${round(x - r - 1)},${round(y + r)}" ${paint}/>`;
    case "diamond":
      return `<polygon points="${round(x)},${round(y - r - 1)} ${round(x + r + 1)},${round(y)} ${round(x)},${round(y + r + 1)} ${round(x - r - 1)},${round(y)}" ${paint}/>`;
  }
}

/**
 * Draws a line chart with log-scale x and y axes as a standalone SVG document. Points with a
 * non-positive or non-finite coordinate cannot sit on a log axis and are left out.
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 420;
  const plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  const usable = (point: ChartPoint) => point.x > 0 && point.y > 0 && Number.isFinite(point.x) && Number.isFinite(point.y);
  const series = options.series.map((line) => ({ name: line.name, points: line.points.filter(usable).sort((p, q) => p.x - q.x) }));
  const all = series.flatMap((line) => line.points);

  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  if (all.length === 0) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text>`, `</svg>`, ``);
    return parts.join("\n");
  }

  // Domains: x padded by a little, y by a fifth of a decade, so that no marker sits on the frame.
  const xs = all.map((point) => point.x);
  const ys = all.map((point) => point.y);
  const [xMin, xMax] = padLogDomain(Math.min(...xs), Math.max(...xs), Math.min(...xs) === Math.max(...xs) ? 0.5 : 0.08);
  const [yMin, yMax] = padLogDomain(Math.min(...ys), Math.max(...ys), 0.2);
  const xPixel = logScale(xMin, xMax, plot.left, plot.right);
  const yPixel = logScale(yMin, yMax, plot.bottom, plot.top);

  // Grid, ticks and tick labels.
  const xTicks = options.xTickLabels !== undefined ? [...options.xTickLabels.keys()].filter((x) => x >= xMin && x <= xMax) : logTicks(xMin, xMax);
  const grid: string[] = [];
  for (const x of xTicks) {
    const px = round(xPixel(x));
    const label = options.xTickLabels?.get(x) ?? formatSi(x);
    grid.push(`<line class="x-tick" data-value="${x}" x1="${px}" y1="${plot.top}" x2="${px}" y2="${plot.bottom + 5}" stroke="#dddddd"/>`);
    grid.push(`<text x="${px}" y="${plot.bottom + 18}" text-anchor="middle">${escapeXml(label)}</text>`);
  }
  for (const y of logTicks(yMin, yMax)) {
    const py = round(yPixel(y));
    grid.push(`<line class="y-tick" data-value="${y}" x1="${plot.left - 5}" y1="${py}" x2="${plot.right}" y2="${py}" stroke="#dddddd"/>`);
    grid.push(`<text x="${plot.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatSi(y))}</text>`);
  }
  parts.push(`<g class="grid">`, ...grid, `</g>`);
  parts.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#333333"/>`);
  parts.push(`<text x="${(plot.left + plot.right) / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);

  // One polyline and its markers per series, then its legend entry.
  series.forEach((line, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    const shape = MARKERS[index % MARKERS.length]!;
    const points = line.points.map((point) => `${round(xPixel(point.x))},${round(yPixel(point.y))}`).join(" ");
    parts.push(`<g class="series" data-name="${escapeXml(line.name)}">`);
    parts.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const point of line.points) parts.push(marker(shape, xPixel(point.x), yPixel(point.y), colour, point.hollow === true));
    parts.push(`</g>`);

    const legendY = plot.top + 8 + index * 20;
    const legendX = plot.right + 16;
    parts.push(`<g class="legend-entry">`);
    parts.push(`<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(marker(shape, legendX + 12, legendY, colour, false));
    parts.push(`<text x="${legendX + 32}" y="${legendY}" dominant-baseline="middle">${escapeXml(line.name)}</text>`);
    parts.push(`</g>`);
  });
  if (options.legendNote !== undefined) {
    const noteY = plot.top + 8 + series.length * 20 + 8;
    parts.push(`<text x="${plot.right + 16}" y="${noteY}" font-size="11" fill="#555555">${escapeXml(options.legendNote)}</text>`);
  }

  parts.push(`</svg>`, ``);
  return parts.join("\n");
}

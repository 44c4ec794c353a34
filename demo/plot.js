// A small SVG line plot for the demo: values against index, log scale on y.

const WIDTH = 420;
const HEIGHT = 240;
const MARGIN = { left: 52, right: 12, top: 10, bottom: 30 };

/**
 * Returns an <svg> element plotting `values` (positive numbers) against their index 1..n with a
 * logarithmic y axis, labelled with `yLabel` and the x axis with `xLabel`.
 */
export function logPlot(values, { xLabel = "index", yLabel = "value", color = "#0969da" } = {}) {
  const svgNamespace = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNamespace, "svg");
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute("width", String(WIDTH));
  svg.setAttribute("height", String(HEIGHT));
  const positive = values.filter((value) => value > 0);
  if (positive.length === 0) return svg;

  const low = Math.floor(Math.log10(Math.min(...positive)));
  const high = Math.ceil(Math.log10(Math.max(...positive)));
  const span = Math.max(high - low, 1);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (index) => MARGIN.left + (values.length === 1 ? 0 : (index / (values.length - 1)) * plotWidth);
  const y = (value) => MARGIN.top + ((high - Math.log10(value)) / span) * plotHeight;

  const add = (name, attributes, text) => {
    const element = document.createElementNS(svgNamespace, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (text !== undefined) element.textContent = text;
    svg.append(element);
    return element;
  };

  // Decade grid lines and labels on y; first, middle and last index on x.
  const step = Math.ceil(span / 6);
  for (let exponent = low; exponent <= high; exponent += step) {
    add("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(10 ** exponent), y2: y(10 ** exponent), stroke: "#eaeef2" });
    add("text", { x: MARGIN.left - 6, y: y(10 ** exponent) + 4, "text-anchor": "end" }, `1e${exponent}`);
  }
  for (const index of new Set([0, Math.floor((values.length - 1) / 2), values.length - 1])) {
    add("text", { x: x(index), y: HEIGHT - MARGIN.bottom + 14, "text-anchor": "middle" }, String(index + 1));
  }
  add("text", { x: MARGIN.left + plotWidth / 2, y: HEIGHT - 2, "text-anchor": "middle" }, xLabel);
  add("text", { x: 12, y: MARGIN.top + plotHeight / 2, transform: `rotate(-90 12 ${MARGIN.top + plotHeight / 2})`, "text-anchor": "middle" }, yLabel);

  const points = values.map((value, index) => (value > 0 ? `${x(index).toFixed(1)},${y(value).toFixed(1)}` : null)).filter(Boolean);
  add("polyline", { points: points.join(" "), fill: "none", stroke: color, "stroke-width": 1.5 });
  if (values.length <= 64) {
    values.forEach((value, index) => {
      if (value > 0) add("circle", { cx: x(index), cy: y(value), r: 2.5, fill: color });
    });
  }
  return svg;
}

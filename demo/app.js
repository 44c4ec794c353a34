// The demo page: sends work to the worker and draws what comes back.
import { logPlot } from "./plot.js";

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const pending = new Map();
let nextId = 1;

const progress = document.getElementById("progress");
const progressBar = progress.querySelector("progress");
const progressLabel = document.getElementById("progress-label");

worker.onmessage = (event) => {
  const { id, type } = event.data;
  const request = pending.get(id);
  if (request === undefined) return;
  if (type === "progress") {
    progress.hidden = false;
    progressBar.max = event.data.total;
    progressBar.value = event.data.done;
    progressLabel.textContent = event.data.label;
    return;
  }
  pending.delete(id);
  if (pending.size === 0) progress.hidden = true;
  if (type === "error") request.reject(new Error(event.data.error));
  else request.resolve(event.data.result);
};

/** Sends a request to the worker; resolves to its result. */
function call(type, payload = {}, transfer = []) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, type, ...payload }, transfer);
  });
}

const format = (value, digits = 6) => (Math.abs(value) >= 1e-3 || value === 0 ? Number(value.toPrecision(digits)).toString() : value.toExponential(digits - 1));

function table(header, rows) {
  const element = document.createElement("table");
  element.innerHTML = `<thead><tr>${header.map((cell) => `<th>${cell}</th>`).join("")}</tr></thead>`;
  const body = element.createTBody();
  for (const row of rows) body.insertRow().innerHTML = row.map((cell) => `<td>${cell}</td>`).join("");
  return element;
}

async function showWalkthrough() {
  const result = await call("walkthrough");
  document.getElementById("walkthrough-plot").replaceChildren(logPlot(result.S, { xLabel: "i", yLabel: "singular value" }));
  const ranks = table(["k", "parameters", "‖W − BA‖"], result.ranks.map((r) => [r.k, r.parameters, format(r.error)]));
  const sizes = table(["format", "bytes", "KB", "relative error"], result.sizes.map((s) => [s.format, s.bytes, format(s.kilobytes), s.format in result.errors ? format(result.errors[s.format], 3) : "0"]));
  const target = document.getElementById("walkthrough-table");
  target.replaceWith(ranks);
  ranks.id = "walkthrough-table";
  ranks.after(sizes);
}

async function showCamera(k) {
  const result = await call("camera-rank", { k });
  const canvas = document.getElementById("camera-canvas");
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, canvas.height);
  for (let i = 0; i < result.pixels.length; i++) {
    const grey = Math.round(Math.min(1, Math.max(0, result.pixels[i])) * 255);
    image.data.set([grey, grey, grey, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
  const saved = 1 - result.lowRankBytes / result.fullBytes;
  document.getElementById("camera-stats").innerHTML = `
    <dt>rank</dt><dd>${result.k}</dd>
    <dt>relative error</dt><dd>${format(result.relativeError, 4)}</dd>
    <dt>float32 bytes, full</dt><dd>${result.fullBytes}</dd>
    <dt>float32 bytes, U<sub>k</sub> and S<sub>k</sub>V<sub>k</sub><sup>T</sup></dt><dd>${result.lowRankBytes}</dd>
    <dt>saved</dt><dd>${(saved * 100).toFixed(1)} %</dd>`;
  document.body.dataset.cameraRank = String(result.k);
}

async function analyse(file) {
  const output = document.getElementById("file-results");
  output.textContent = `reading ${file.name}…`;
  try {
    const bytes = await file.arrayBuffer();
    const tensors = await call("file", { name: file.name, bytes }, [bytes]);
    output.replaceChildren();
    for (const tensor of tensors) {
      const block = document.createElement("div");
      block.className = "tensor";
      block.innerHTML = `<h3>${tensor.name} <small>${tensor.dtype} [${tensor.shape.join(", ")}]</small></h3>`;
      if (tensor.skipped !== undefined) {
        block.append(tensor.skipped);
      } else {
        const row = document.createElement("div");
        row.className = "row";
        row.append(logPlot(tensor.S, { xLabel: `i (of ${tensor.S.length}, as ${tensor.rows} x ${tensor.cols})`, yLabel: "singular value" }));
        row.append(table(["format", "relative error"], Object.entries(tensor.errors).map(([name, error]) => [name, format(error, 3)])));
        block.append(row);
      }
      output.append(block);
    }
    document.body.dataset.fileDone = file.name;
  } catch (error) {
    output.innerHTML = `<p class="error">${error.message}</p>`;
    document.body.dataset.fileDone = "error";
  }
}

function setUpDropZone() {
  const zone = document.getElementById("drop-zone");
  const input = document.getElementById("file-input");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer.files[0];
    if (file !== undefined) analyse(file);
  });
  input.addEventListener("change", () => {
    if (input.files[0] !== undefined) analyse(input.files[0]);
  });
}

async function main() {
  const info = await call("init");
  document.getElementById("backend").textContent = `${info.name}${info.threads ? `, ${info.threadCount} threads` : ""}`;
  setUpDropZone();
  await showWalkthrough();
  await call("camera-load");
  const slider = document.getElementById("rank");
  const label = document.getElementById("rank-value");
  let latest = Number(slider.value);
  let drawing = false;
  // Redraw with the latest slider value only, so a fast drag does not queue a backlog of jobs.
  const redraw = async () => {
    if (drawing) return;
    drawing = true;
    while (true) {
      const k = latest;
      await showCamera(k);
      if (k === latest) break;
    }
    drawing = false;
  };
  slider.addEventListener("input", () => {
    latest = Number(slider.value);
    label.textContent = slider.value;
    redraw();
  });
  await redraw();
  document.body.dataset.ready = "true";
}

main().catch((error) => {
  document.getElementById("backend").textContent = `failed: ${error.message}`;
  document.body.dataset.ready = "error";
});

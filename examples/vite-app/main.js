// Imports lowrank as any bundled app would; the result lands in #output and in the page title, where
// the browser test reads it.
import { ready, seed, randn, add, backend } from "lowrank";

const output = document.getElementById("output");
try {
  await ready();
  seed(69);
  const w = randn(10, 10);
  const doubled = add(w, w);
  const result = { backend: backend().name, w00: w.data[0], doubled00: doubled.data[0] };
  output.textContent = JSON.stringify(result);
  document.title = "done";
} catch (error) {
  output.textContent = `failed: ${error}`;
  document.title = "failed";
}

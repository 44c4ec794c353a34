// Top-level await in main.js needs an ES2022 target. assetsInlineLimit 0 makes Vite emit every .wasm
// as a file of its own (small ones would otherwise be inlined as data: URLs), which is the path that
// has to work for lowrank's builds.
export default { build: { target: "es2022", assetsInlineLimit: 0 } };

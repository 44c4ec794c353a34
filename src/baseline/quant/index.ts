// Plain-JavaScript twins of the number-format functions.
export { toFloat16, fromFloat16, toBfloat16, fromBfloat16 } from "./half.js";
export { quantizeInt8, dequantizeInt8 } from "./int8.js";
export { quantize4bit, dequantize4bit } from "./fourbit.js";
